"""Load a review folder (``data/reviews/<slug>/``), validating every file against its schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synthesis import registry
from synthesis.errors import Problem, ReviewError, ReviewProblems
from synthesis.paths import NOTEBOOKS_DIR
from synthesis.schemas import FileSchema, file_schemas, read_document, read_table

__all__ = ["Review", "load_review", "check_review", "display_path"]


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, as a user would type it."""
    path = Path(path).absolute()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class Review:
    """A validated review folder.

    Attributes
    ----------
    path : Path
        The folder.
    meta : dict
        ``review.yml``.
    documents : dict
        Parsed YAML files by their path in the folder (``prisma.yml``, ``theory/initial.yml`` ...).
    tables : dict
        CSV files as DataFrames by their path in the folder (``studies.csv`` ...).
    lines : dict
        For each CSV file, the line on which each of its rows starts.
    yaml_lines : dict
        For each YAML file, the line of each value, by its path of keys and indices (see :meth:`line_of`).
    invalid : frozenset
        YAML files that broke their schema; checks across files skip them (their own problems come first).
    cache : dict
        Results computed from the (read-only) data that several steps share, such as the presence matrix.
    """

    path: Path
    meta: dict
    documents: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    yaml_lines: dict[str, dict[tuple, int]] = field(default_factory=dict, repr=False)
    invalid: frozenset[str] = frozenset()
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def slug(self) -> str:
        """The review's short name, also the name of its output folder."""
        return self.meta["slug"]

    @property
    def title(self) -> str:
        """The published title."""
        return self.meta["title"]

    def has(self, path_in_review: str) -> bool:
        """Whether the review has the file ``path_in_review`` (a CSV file only once it has a row)."""
        return path_in_review in self.documents or self.table(path_in_review) is not None

    def table(self, path_in_review: str) -> pd.DataFrame | None:
        """The CSV file as a DataFrame, or None when the review does not have it or it has no rows yet.

        A header-only file (as ``synthesis new`` writes) is a stage not started, so every stage treats it as absent.
        """
        table = self.tables.get(path_in_review)
        return None if table is None or table.empty else table

    def document(self, path_in_review: str) -> Any:
        """The YAML file's content, or None when the review does not have it."""
        return self.documents.get(path_in_review)

    def line_of(self, path_in_review: str, location: tuple = ()) -> int | None:
        """The line a later stage's error points at: of the YAML value at ``location`` (keys and indices, or its
        nearest enclosing value), or of the CSV row numbered ``location[0]`` (from 0); None when unknown."""
        if path_in_review in self.yaml_lines:
            lines, location = self.yaml_lines[path_in_review], tuple(location)
            while location not in lines and location:
                location = location[:-1]
            return lines.get(location)
        rows = self.lines.get(path_in_review, [])
        return rows[location[0]] if location and 0 <= location[0] < len(rows) else None

    def cached(self, key: Any, compute):
        """``compute()`` once per review and key; later calls return the same (read-only) result."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def input_files(self) -> list[Path]:
        """Every file of the review folder, sorted, for hashing into the run manifest."""
        return sorted(p for p in self.path.rglob("*") if p.is_file())


def _known_values(target: str, tables: dict[str, pd.DataFrame]) -> set | None:
    file_name, column = target.split(":")
    table = tables.get(file_name)
    if table is None or table.empty:
        # A header-only file is a stage not started: like an absent one, it cannot say an id does not exist.
        return None
    return {value for value in table[column] if value is not None}


def _check_references(schema: FileSchema, display: str, table_or_doc: Any,
                      tables: dict[str, pd.DataFrame], lines: list[int] | None = None) -> list[Problem]:
    problems = []
    for column, target in schema.references.items():
        known = _known_values(target, tables)
        target_file = target.split(":")[0]
        if known is None:
            continue
        if schema.kind == "csv":
            rows = zip(table_or_doc[column], lines or [])
            for value, line in rows:
                for item in (value if isinstance(value, list) else [value]):
                    if item is not None and item not in known:
                        problems.append(Problem(display, line, column, f"{item!r} is not an id in {target_file}",
                                                f"add it to {target_file} or correct the id"))
        else:
            list_key, item_key = column.split(".")
            for index, item in enumerate((table_or_doc.data or {}).get(list_key) or []):
                for value in item.get(item_key) or []:
                    if value not in known:
                        problems.append(Problem(display, table_or_doc.line_of((list_key, index, item_key)),
                                                column, f"{value!r} is not an id in {target_file}",
                                                f"add it to {target_file} or correct the id"))
    return problems


def _check_theories(documents: dict[str, Any], displays: dict[str, str]) -> list[Problem]:
    """Final theories must name initial ones unless they are new; ids and topics must resolve."""
    problems = []
    initial = documents.get("theory/initial.yml")
    final = documents.get("theory/final.yml")
    initial_ids: set[str] = set()
    if initial is not None:
        data = initial.data
        display = displays["theory/initial.yml"]
        seen: dict[str, int] = {}
        topics = {t["id"] for t in data.get("topics") or []}
        areas = {a["id"] for a in data.get("areas") or []}
        for index, topic in enumerate(data.get("topics") or []):
            if areas and topic["area"] not in areas:
                problems.append(Problem(display, initial.line_of(("topics", index, "area")), "topics.area",
                                        f"{topic['area']!r} is not an area id", "use an id listed under areas"))
        for index, theory in enumerate(data.get("theories") or []):
            line = initial.line_of(("theories", index, "id"))
            if theory["id"] in seen:
                problems.append(Problem(display, line, "theories.id",
                                        f"{theory['id']!r} already used on line {seen[theory['id']]}",
                                        "theory ids must be unique"))
            seen.setdefault(theory["id"], line)
            if theory["topic"] not in topics:
                problems.append(Problem(display, initial.line_of(("theories", index, "topic")), "theories.topic",
                                        f"{theory['topic']!r} is not a topic id", "use an id listed under topics"))
        initial_ids = set(seen)
    if final is not None and initial is not None:
        display = displays["theory/final.yml"]
        for index, theory in enumerate(final.data.get("theories") or []):
            # Where the paper publishes no initial theories, 'in final model' cannot name one and says no more.
            unstated = theory["status"] == "in final model" and initial.data.get("published") is False
            if theory["status"] != "new" and not unstated and theory["id"] not in initial_ids:
                problems.append(Problem(display, final.line_of(("theories", index, "id")), "theories.id",
                                        f"{theory['id']!r} is not in theory/initial.yml",
                                        "give it status 'new' or correct the id"))
    return problems


_CHANGED = {"refined", "split", "merged", "new"}


def _theory_change_problems(number: int, theory: dict, previous: set[str], known_evidence: set[str],
                            known_memos: set[str] | None) -> list[tuple[str, str, str, str]]:
    """What is wrong with one theory of round ``number`` against the round before: (key, field, message, hint)."""
    status, sources = theory["status"], theory.get("from") or []
    found = []
    if number == 0 and status != "initial":
        found.append(("status", "theories.status", f"round 0 theories are 'initial', not {status!r}",
                      "the statuses of later rounds compare with the round before"))
    if number > 0 and status == "initial":
        found.append(("status", "theories.status", "'initial' is only for round 0",
                      "use kept, refined, split, merged, new or dropped"))
    if status in ("kept", "refined", "dropped") and theory["id"] not in previous:
        found.append(("id", "theories.id", f"{theory['id']!r} is {status} but not in the round before",
                      "give it status 'new', or 'split'/'merged' with `from`"))
    if status in ("split", "merged") and not sources:
        found.append(("status", "theories.from", f"a {status} theory names no theory it comes from",
                      "add `from: [ids of the round before]`"))
    found += [("from", "theories.from", f"{source!r} is not a theory of the round before",
               "`from` names ids of the previous round") for source in sources if source not in previous]
    if status in _CHANGED and not theory.get("statement"):
        found.append(("status", "theories.statement", f"a {status} theory has no statement",
                      "write the theory as it stands in this round"))
    if status == "refined" and not theory.get("change"):
        found.append(("status", "theories.change", "a refined theory does not say what changed",
                      "add `change:` with what changed and why"))
    found += [("evidence", "theories.evidence",
               f"{item!r} is neither an excerpt id (coding/excerpts.csv) nor a study id (studies.csv)",
               "cite the excerpts or documents behind the change")
              for item in theory.get("evidence") or [] if item not in known_evidence]
    found += [("memos", "theories.memos", f"{memo!r} is not a memo id in coding/memos.csv",
               "add the memo or correct its id")
              for memo in theory.get("memos") or [] if known_memos is not None and memo not in known_memos]
    return found


def _check_iterations(documents: dict[str, Any], tables: dict[str, pd.DataFrame],
                      displays: dict[str, str]) -> list[Problem]:
    """Rounds of refinement: numbered in order, each accounting for every theory of the round before it.

    Round 0 is theory/initial.yml unless the file lists it. Every change cites evidence that exists (an excerpt or a
    document id) and memos that exist (coding/memos.csv, where the review has it).
    """
    iterations = documents.get("theory/iterations.yml")
    if iterations is None:
        return []
    display = displays["theory/iterations.yml"]
    initial = documents.get("theory/initial.yml")
    previous = {t["id"] for t in ((initial.data if initial else {}) or {}).get("theories") or []}
    known_evidence = (_known_values("coding/excerpts.csv:excerpt_id", tables) or set()) | \
        (_known_values("studies.csv:study_id", tables) or set())
    known_memos = _known_values("coding/memos.csv:memo_id", tables)
    problems = []

    def problem(where: tuple, field: str, message: str, hint: str) -> None:
        problems.append(Problem(display, iterations.line_of(where), field, message, hint))

    rounds = iterations.data.get("rounds") or []
    first = 0 if rounds and rounds[0]["round"] == 0 else 1
    last_date = ""
    for index, round_ in enumerate(rounds):
        where = ("rounds", index)
        if round_["round"] != first + index:
            problem(where + ("round",), "rounds.round", f"round {round_['round']} where {first + index} was expected",
                    "number the rounds 0, 1, 2 ... in order; round 0 may be left to theory/initial.yml")
        if str(round_.get("date") or "") and str(round_["date"]) < last_date:
            problem(where + ("date",), "rounds.date", f"{round_['date']} is earlier than the round before",
                    "rounds follow each other in time")
        last_date = str(round_.get("date") or last_date)
        current, accounted = set(), set()
        for t_index, theory in enumerate(round_["theories"]):
            at = where + ("theories", t_index)
            status, sources = theory["status"], theory.get("from") or []
            if theory["id"] in current:
                problem(at + ("id",), "theories.id", f"{theory['id']!r} appears twice in round {round_['round']}",
                        "list each theory once per round")
            for key, field, message, hint in _theory_change_problems(round_["round"], theory, previous,
                                                                     known_evidence, known_memos):
                problem(at + (key,), field, message, hint)
            accounted.add(theory["id"])
            accounted.update(sources)
            if status != "dropped":
                current.add(theory["id"])
        if round_["round"] > 0:
            for lost in sorted(previous - accounted):
                problem(where + ("theories",), "theories", f"{lost!r} of the round before is not accounted for",
                        "list it as kept, refined or dropped, or name it in the `from` of a split or merged theory")
        previous = current
    return problems


def check_review(path: str | Path) -> list[Problem]:
    """Every problem in a review folder, as :class:`Problem` objects (empty when it is valid).

    The loader's checks (schemas, ids across files), then the checks the stages register
    (:func:`synthesis.registry.review_check`: the exports read in full, screening, appraisal answers, computed
    expressions).

    Parameters
    ----------
    path : str or Path
        The review folder.
    """
    review, problems = _load(Path(path))
    if review is not None:
        for check in registry.review_checks():
            problems = problems + check(review)
        problems = sorted(set(problems))
    return problems


def _check_parameters(review_yml: Any, display: str) -> list[Problem]:
    """Parameter defaults must name a notebook of the project."""
    notebooks = {p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    problems = []
    for stem in (review_yml.data.get("parameters") or {}):
        if notebooks and stem not in notebooks:
            problems.append(Problem(display, review_yml.line_of(("parameters", stem)), f"parameters.{stem}",
                                    f"{stem!r} is not a notebook", "use one of: " + ", ".join(sorted(notebooks))))
    return problems


def _check_scores(tables: dict[str, pd.DataFrame], displays: dict[str, str],
                  lines: dict[str, list[int]]) -> list[Problem]:
    """Every score of a measure lies within its item's min and max."""
    scores, items = tables.get("measure/scores.csv"), tables.get("measure/items.csv")
    if scores is None or items is None or scores.empty or items.empty:
        return []
    bounds = {row["item_id"]: (row["min"], row["max"]) for row in items.to_dict("records")}
    problems = []
    for row, line in zip(scores.to_dict("records"), lines["measure/scores.csv"]):
        low, high = bounds.get(row["item_id"], (None, None))
        score = row["score"]
        if isinstance(score, (int, float)) and isinstance(low, (int, float)) and isinstance(high, (int, float)) \
                and not low <= score <= high:
            problems.append(Problem(displays["measure/scores.csv"], line, "score",
                                    f"{score:g} is outside item {row['item_id']}'s range {low:g}-{high:g}",
                                    "correct the score, or the item's min and max in measure/items.csv"))
    return problems


def _check_cases(tables: dict[str, pd.DataFrame], displays: dict[str, str],
                 lines: dict[str, list[int]]) -> list[Problem]:
    """A case gives each variable one row in coding/cases.csv."""
    cases = tables.get("coding/cases.csv")
    if cases is None:
        return []
    seen: dict[tuple, int] = {}
    problems = []
    for case_id, variable, line in zip(cases["case_id"], cases["variable"], lines["coding/cases.csv"]):
        if (case_id, variable) in seen:
            problems.append(Problem(displays["coding/cases.csv"], line, "variable",
                                    f"case {case_id!r} already has {variable!r} on line {seen[case_id, variable]}",
                                    "keep one value per case and variable; a second value is a second case"))
        seen.setdefault((case_id, variable), line)
    return problems


#: Files a review folder may hold beside its data: notes, and the licence and citation of data copied into it.
_NOTES = {"README.md", "SOURCE.md", "LICENSE", "CITATION.cff"}


def _read_files(path: Path, schemas: dict[str, FileSchema]) -> tuple[dict, dict, dict, dict, set, list[Problem]]:
    """Every file of the folder that a schema names, read and validated on its own.

    Returns the YAML documents, the tables, each file's display path, each table's row lines, the documents that
    broke their schema (their checks across files wait until they are valid) and the problems found.
    """
    problems: list[Problem] = []
    documents, tables, displays, lines = {}, {}, {}, {}
    invalid: set[str] = set()
    for relative, schema in schemas.items():
        file_path = path / relative
        if not file_path.is_file():
            continue
        display = display_path(file_path)
        displays[relative] = display
        if schema.kind == "csv":
            table, found, lines[relative] = read_table(file_path, schema, display)
            tables[relative] = table
        else:
            document, found = read_document(file_path, schema, display)
            if document is not None:
                documents[relative] = document
                if found:
                    invalid.add(relative)
        problems.extend(found)
    return documents, tables, displays, lines, invalid, problems


def _unknown_files(path: Path, known_files: set[str]) -> list[Problem]:
    """Files in the folder that are neither a file of the format, an export, nor a note."""
    return [Problem(display_path(file_path), None, "", "not a file of the review-folder format",
                    "see data/README.md for the files a review folder holds; move notes to README.md")
            for file_path in sorted(path.rglob("*"))
            if file_path.is_file() and (relative := file_path.relative_to(path).as_posix()) not in known_files
            and not relative.startswith(("search/exports/", "search/citations/", "screening/exports/", "."))
            and relative not in _NOTES]


def _cross_file_problems(path: Path, schemas: dict[str, FileSchema], documents: dict, tables: dict,
                         displays: dict, lines: dict, invalid: set[str]) -> list[Problem]:
    """Ids across files, theories and their rounds, parameters, scores, cases and the slug, of the valid files."""
    problems = []
    for relative, schema in schemas.items():
        if relative in tables:
            problems.extend(_check_references(schema, displays[relative], tables[relative], tables, lines[relative]))
        elif relative in documents and relative not in invalid and schema.references:
            problems.extend(_check_references(schema, displays[relative], documents[relative], tables))
    valid_documents = {k: v for k, v in documents.items() if k not in invalid}
    problems.extend(_check_theories(valid_documents, displays))
    problems.extend(_check_iterations(valid_documents, tables, displays))
    if "review.yml" not in invalid:
        problems.extend(_check_parameters(documents["review.yml"], displays["review.yml"]))
    problems.extend(_check_scores(tables, displays, lines))
    problems.extend(_check_cases(tables, displays, lines))
    review_yml = documents["review.yml"]
    slug = review_yml.data.get("slug")
    if slug and slug != path.name:
        problems.append(Problem(displays["review.yml"], review_yml.line_of(("slug",)), "slug",
                                f"{slug!r} differs from the folder name {path.name!r}",
                                "rename the folder or the slug so that they agree"))
    return problems


def _load(path: Path) -> tuple[Review | None, list[Problem]]:
    """The review in ``path`` (None when it has no readable review.yml) and every problem the loader finds."""
    if not path.is_dir():
        return None, [Problem(display_path(path), None, "", "no such review folder",
                              "give the path of a folder holding review.yml, e.g. data/reviews/<slug>")]
    schemas = file_schemas()
    documents, tables, displays, lines, invalid, problems = _read_files(path, schemas)
    problems.extend(_unknown_files(path, set(schemas)))
    if "review.yml" not in documents:
        if not (path / "review.yml").is_file():
            problems.append(Problem(display_path(path / "review.yml"), None, "", "missing",
                                    "every review folder needs review.yml; `synthesis new DIR` writes one"))
        return None, problems
    problems.extend(_cross_file_problems(path, schemas, documents, tables, displays, lines, invalid))
    review = Review(path=path, meta=documents["review.yml"].data,
                    documents={k: v.data for k, v in documents.items()}, tables=tables, lines=lines,
                    yaml_lines={k: v.lines for k, v in documents.items()}, invalid=frozenset(invalid))
    return review, sorted(set(problems))


def load_review(path: str | Path) -> Review:
    """Load and validate a review folder.

    Parameters
    ----------
    path : str or Path
        The review folder, e.g. ``data/reviews/perinatal-peer-support``.

    Returns
    -------
    Review

    Raises
    ------
    ReviewProblems
        Listing every problem found, each with file, line, field and a hint.
    """
    review, problems = _load(Path(path))
    if problems:
        raise ReviewProblems(problems)
    if review is None:  # pragma: no cover - _load reports a problem whenever it returns None
        raise ReviewError(path, "could not be read")
    return review

"""Coded evidence: excerpts with their pages, facilitators and barriers, and the audit trail behind each link."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthesis.csvrows import match_columns, read_sheet_rows
from synthesis.errors import Problem, ReviewError
from synthesis.review import Review

__all__ = ["excerpts_table", "determinants_table", "audit_trail", "excerpts_from_sheet", "excerpts_from_qda",
           "map_to_review"]


def _citations(review: Review) -> dict[str, str]:
    studies = review.table("studies.csv")
    if studies is None:
        return {}
    return {row["study_id"]: f"{row['authors'].split(',')[0]} {row['year']}" for row in studies.to_dict("records")}


def excerpts_table(review: Review) -> pd.DataFrame:
    """Each coded excerpt with its document (author, year), page and the nodes it was coded to."""
    excerpts = review.table("coding/excerpts.csv")
    columns = ["excerpt", "document", "page", "nodes", "quote"]
    if excerpts is None:
        return pd.DataFrame(columns=columns)
    nodes = review.table("coding/nodes.csv")
    labels = dict(zip(nodes["node_id"], nodes["label"])) if nodes is not None else {}
    cite = _citations(review)
    return pd.DataFrame({
        "excerpt": excerpts["excerpt_id"],
        "document": excerpts["document"].map(lambda d: cite.get(d, d)),
        "page": excerpts["page"].fillna(""),
        "nodes": excerpts["nodes"].map(lambda nodes: "; ".join(labels.get(n, n) for n in nodes or [])),
        "quote": excerpts["quote"]}, columns=columns).reset_index(drop=True)


def determinants_table(review: Review) -> pd.DataFrame:
    """Facilitators and barriers per influence, as the paper's table words them."""
    determinants = review.table("coding/determinants.csv")
    columns = ["influence", "direction", "text"]
    if determinants is None:
        return pd.DataFrame(columns=columns)
    labels = dict(zip(review.table("coding/nodes.csv")["node_id"], review.table("coding/nodes.csv")["label"]))
    return pd.DataFrame({"influence": determinants["node_id"].map(labels), "direction": determinants["direction"],
                         "text": determinants["text"]}).reset_index(drop=True)


def audit_trail(review: Review) -> pd.DataFrame:
    """For every link of the final theory: the documents cited for it and the quotes (with pages) that show it.

    A quote is attached to a link when it was coded to the link's context, mechanism and outcome.
    """
    links = review.table("coding/links.csv")
    columns = ["link", "context", "mechanism (as phrased)", "outcome (as phrased)", "documents", "quotes"]
    if links is None:
        return pd.DataFrame(columns=columns)
    nodes = review.table("coding/nodes.csv")
    labels = dict(zip(nodes["node_id"], nodes["label"]))
    excerpts = review.table("coding/excerpts.csv")
    cite = _citations(review)
    rows = []
    for link in links.to_dict("records"):
        wanted = {link["context"], link["mechanism"], link["outcome"]}
        quotes = []
        if excerpts is not None:
            for excerpt in excerpts.to_dict("records"):
                if wanted <= set(excerpt["nodes"]) and excerpt["document"] in link["documents"]:
                    quotes.append(f"{cite.get(excerpt['document'], excerpt['document'])}, p. {excerpt['page']}: "
                                  f"\u201c{excerpt['quote']}\u201d")
        rows.append({"link": link["link_id"], "context": labels.get(link["context"], link["context"]),
                     "mechanism (as phrased)": link["mechanism_text"], "outcome (as phrased)": link["outcome_text"],
                     "documents": "; ".join(cite.get(d, d) for d in link["documents"]),
                     "quotes": " | ".join(quotes)})
    return pd.DataFrame(rows, columns=columns)


_SHEET_COLUMNS = {
    "document": ["document", "doc", "source", "study", "paper", "file"],
    "page": ["page", "location", "loc", "position", "line"],
    "quote": ["quote", "excerpt", "text", "segment", "coded text"],
    "node": ["node", "code", "codes", "nodes", "theme"],
    "role": ["role", "cmo", "element"],
    "mode": ["mode", "coding", "type", "reasoning"],
    "coder": ["coder", "user", "reviewer", "author"],
    "direction": ["direction", "stance"],
}
_DIRECTIONS = {"supports", "refutes", "refines"}
_EXCERPT_COLUMNS = ["excerpt_id", "document", "page", "quote", "nodes", "role", "mode", "coder", "direction", "source"]
_ROLES = {"c": "C", "context": "C", "m": "M", "mechanism": "M", "o": "O", "outcome": "O", "link": "link",
          "cmo": "CMO", "cm": "CM", "mo": "MO"}
_MODES = {"deductive", "inductive", "partial", "retroductive"}


def excerpts_from_sheet(path: str | Path) -> tuple[pd.DataFrame, list]:
    """Coded excerpts from a CSV or XLSX sheet with columns such as document, page, quote, node, role, mode, coder.

    Column names are matched loosely (``Code``, ``Codes`` and ``Node`` are all the node). Returns the rows in the
    review's ``coding/excerpts.csv`` layout and a problem for each row that cannot be used (it is kept out, and
    said so, never silently dropped).
    """
    import re

    path = Path(path)
    header, cells = read_sheet_rows(path)
    columns = match_columns(path, header, _SHEET_COLUMNS, required=("document", "quote", "node"),
                            hint="name the columns document, quote and node (page, role, mode, coder are optional)")
    position = {target: found[0] if found else None for target, found in columns.items()}
    rows, problems = [], []
    for index, (line, row) in enumerate(cells):
        value = {target: row[i].strip() if i is not None else "" for target, i in position.items()}
        if not (value["document"] and value["quote"] and value["node"]):
            problems.append(Problem(str(path), line, "document/quote/node", "row lacks a document, quote or node",
                                    "fill the three, or delete the row"))
            continue
        role = _ROLES.get(value["role"].lower(), "") if value["role"] else ""
        mode = value["mode"].lower() if value["mode"].lower() in _MODES else ""
        if value["role"] and not role:
            problems.append(Problem(str(path), line, "role", f"{value['role']!r} is not C, M, O, CMO or link",
                                    "the role was left empty"))
        direction = value["direction"].lower()
        if direction and direction not in _DIRECTIONS:
            problems.append(Problem(str(path), line, "direction", f"{value['direction']!r} is not supports, refutes "
                                    "or refines", "the direction was left empty, which counts as supports"))
            direction = ""
        if value["mode"] and not mode:
            problems.append(Problem(str(path), line, "mode", f"{value['mode']!r} is not deductive, inductive, partial "
                                    "or retroductive", "the mode was left empty"))
        rows.append({"excerpt_id": f"X{index + 1:05d}", "document": value["document"], "page": value["page"],
                     "quote": value["quote"], "nodes": ";".join(n.strip() for n in re.split(r"[;|]", value["node"])
                                                                if n.strip()),
                     "role": role, "mode": mode, "coder": value["coder"], "direction": direction,
                     "source": f"{path.name}, row {line}"})
    return pd.DataFrame(rows, columns=_EXCERPT_COLUMNS), problems


def excerpts_from_qda(path: str | Path) -> pd.DataFrame:
    """Coded excerpts from a REFI-QDA project: one row per text selection, its codes (by path) as nodes."""
    from synthesis.qda import read_qda

    project = read_qda(path)
    paths = dict(zip(project.codes["code_id"], project.codes["path"]))
    codings = project.codings.assign(node=project.codings["code_id"].map(paths))
    grouped = codings.groupby(["source", "selection_id", "start", "end", "text"], sort=False).agg(
        nodes=("node", lambda n: ";".join(dict.fromkeys(x for x in n if x))), coder=("user", "first")).reset_index()
    return pd.DataFrame({"excerpt_id": [f"X{i + 1:05d}" for i in range(len(grouped))],
                         "document": grouped["source"], "page": grouped["start"].astype(str) + "-" +
                         grouped["end"].astype(str), "quote": grouped["text"], "nodes": grouped["nodes"], "role": "",
                         "mode": "", "coder": grouped["coder"], "direction": "",
                         "source": f"{Path(path).name}, selection " + grouped["selection_id"].astype(str)},
                        columns=_EXCERPT_COLUMNS)


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _lookup(table: pd.DataFrame | None, id_column: str, name_columns: list[str]) -> dict[str, str]:
    """Folded id, name and file stem -> id, for matching what a QDA program or sheet calls things."""
    found: dict[str, str] = {}
    for row in ([] if table is None else table.to_dict("records")):
        for column in [id_column] + name_columns:
            if row.get(column):
                found.setdefault(_fold(row[column]), row[id_column])
    return found


def _review_table(folder: Path, relative: str) -> pd.DataFrame | None:
    """One table of a review folder, validated on its own (the rest of the folder may still be half-done)."""
    from synthesis.schemas import file_schemas, read_table

    path = folder / relative
    if not path.is_file():
        return None
    table, problems, _ = read_table(path, file_schemas()[relative], str(path))
    if problems:
        raise ReviewError(problems[0].file, problems[0].message, line=problems[0].line, field=problems[0].field,
                          hint=problems[0].hint)
    return table


def map_to_review(excerpts: pd.DataFrame, folder: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Excerpts with their codes and documents replaced by the node and study ids of the review in ``folder``.

    A code matches a node of ``coding/nodes.csv`` by its id or label, whole or as the last part of a code path
    (``Contexts/At home`` matches the label ``At home``); a document matches a study of ``studies.csv`` by its id or
    title, with or without a file extension (a QDA source is often ``smith2020.pdf``). Matching ignores case and
    spacing. Every code or document that matches nothing is one problem listing the rows it stands on; its excerpts
    are kept as they are, so ``synthesis check`` shows them until the node or study is added.
    """
    folder = Path(folder)
    nodes = _lookup(_review_table(folder, "coding/nodes.csv"), "node_id", ["label"])
    studies = _lookup(_review_table(folder, "studies.csv"), "study_id", ["title"])
    unmatched: dict[tuple[str, str], list[str]] = {}

    def node_id(code: str, excerpt: str) -> str:
        for candidate in (code, code.rsplit("/", 1)[-1]):
            if _fold(candidate) in nodes:
                return nodes[_fold(candidate)]
        unmatched.setdefault(("nodes", code), []).append(excerpt)
        return code

    def study_id(document: str, excerpt: str) -> str:
        for candidate in (document, Path(document).stem):
            if _fold(candidate) in studies:
                return studies[_fold(candidate)]
        unmatched.setdefault(("document", document), []).append(excerpt)
        return document

    mapped = excerpts.copy()
    mapped["nodes"] = [";".join(dict.fromkeys(node_id(code, excerpt) for code in str(codes).split(";") if code))
                       for codes, excerpt in zip(excerpts["nodes"], excerpts["excerpt_id"])]
    mapped["document"] = [study_id(str(document), excerpt)
                          for document, excerpt in zip(excerpts["document"], excerpts["excerpt_id"])]
    problems = []
    for (field, value), rows in sorted(unmatched.items()):
        target = "coding/nodes.csv (node_id or label)" if field == "nodes" else "studies.csv (study_id or title)"
        problems.append(Problem(str(folder / ("coding/nodes.csv" if field == "nodes" else "studies.csv")), None,
                                field, f"{value!r} (excerpts {', '.join(rows[:5])}{' ...' if len(rows) > 5 else ''}) "
                                f"matches nothing in {target}",
                                f"add a row for it to {target.split(' ')[0]}, or rename it in the coding"))
    return mapped, problems

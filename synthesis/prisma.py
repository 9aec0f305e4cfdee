"""PRISMA 2020: the flow counts a review publishes, the ones derivable from them, their reconciliation and the diagram."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from synthesis import registry
from synthesis.diagrams import draw_flow_diagram
from synthesis.errors import Problem
from synthesis.review import Review

__all__ = ["PRISMA_BOXES", "TEMPLATE_ROWS", "export_duplicates", "possible_duplicates", "prisma_counts", "derived_counts", "database_counts", "records_per_database", "export_records",
           "count_value", "same_search_check", "reconcile", "prisma2020_template", "exclusion_lists", "title_only_groups",
           "deduplication_comparison", "flow_diagram"]

#: The boxes of the PRISMA 2020 flow diagram, keyed as in the PRISMA2020 R package's CSV template.
PRISMA_BOXES = {
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "database_results": "Records identified from databases",
    "register_results": "Records identified from registers",
    "website_results": "Records identified from websites",
    "organisation_results": "Records identified from organisations",
    "citations_results": "Records identified from citation searching",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "dbr_sought_reports": "Reports sought for retrieval",
    "dbr_notretrieved_reports": "Reports not retrieved",
    "other_sought_reports": "Reports sought for retrieval (other methods)",
    "other_notretrieved_reports": "Reports not retrieved (other methods)",
    "dbr_assessed": "Reports assessed for eligibility",
    "dbr_excluded": "Reports excluded",
    "other_assessed": "Reports assessed for eligibility (other methods)",
    "other_excluded": "Reports excluded (other methods)",
    "new_studies": "New studies included in review",
    "new_reports": "Reports of new included studies",
    "total_studies": "Total studies included in review",
    "total_reports": "Reports of total included studies",
}

_SUMS = [
    ("records_screened", ["database_results", "register_results"], ["duplicates", "excluded_automatic", "excluded_other"]),
    ("dbr_sought_reports", ["records_screened"], ["records_excluded"]),
    ("dbr_assessed", ["dbr_sought_reports"], ["dbr_notretrieved_reports"]),
    ("other_assessed", ["other_sought_reports"], ["other_notretrieved_reports"]),
]

#: Every row of the PRISMA2020 R package's and Shiny app's CSV template, by its ``data`` name, in its order.
TEMPLATE_ROWS = ["previous_studies", "previous_reports", "database_results", "database_specific_results",
                 "register_results", "register_specific_results", "website_results", "organisation_results",
                 "citations_results", "duplicates", "excluded_automatic", "excluded_other", "records_screened",
                 "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
                 "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded",
                 "new_studies", "new_reports", "total_studies", "total_reports", "identification", "screening",
                 "included", "total_studies_ma", "total_reports_ma"]


def _published(review: Review) -> tuple[dict, dict]:
    """Published counts over derived ones; a count given as ``n: null`` leaves the derived count in place."""
    prisma = review.document("prisma.yml") or {}
    published = {key: entry for key, entry in (prisma.get("counts") or {}).items() if entry.get("n") is not None}
    return {**derived_counts(review), **published}, prisma.get("totals") or {}


def _export_entries(review: Review) -> dict[str, dict]:
    """``prisma.yml``'s ``exports`` by file name: the database each export is from, and repeats of a search."""
    return {entry["file"]: entry for entry in (review.document("prisma.yml") or {}).get("exports") or []}


def _exports(review: Review) -> list:
    """The export files that count towards records identified (not a second format of the same search)."""
    entries = _export_entries(review)
    return sorted(p for p in (review.path / "search" / "exports").glob("*")
                  if p.is_file() and not entries.get(p.name, {}).get("same_search_as"))


def export_records(review: Review) -> tuple[pd.DataFrame | None, list]:
    """The records of every export that counts, with its database, and the exports that could not be read.

    Returns
    -------
    records : pandas.DataFrame or None
        Records of the readable exports (``database`` from ``prisma.yml``'s ``exports``, else as the file says,
        else the file's name), None without exports.
    unreadable : list of Problem
        One per export that cannot be read at all; its records are missing from ``records``.
    """
    return review.cached("export_records", lambda: _read_exports(review))


def _read_exports(review: Review):
    from synthesis.errors import ReviewError
    from synthesis.records import combine_results, read_review_file

    files = _exports(review)
    if not files:
        return None, []
    results, unreadable = [], []
    for path in files:
        try:
            results.append(read_review_file(review, path))
        except ReviewError as exc:
            unreadable.append(exc.problem)
    if not results:
        return None, unreadable
    records = combine_results(results)
    # prisma.yml names an export's database where the file does not say it (or says it otherwise than the paper);
    # else the database the reader found in the file, else the file's name.
    names = {name: entry["database"] for name, entry in _export_entries(review).items()}
    records["database"] = [names.get(name) or (found if isinstance(found, str) and found else name)
                           for name, found in zip(records["source_file"], records["database"])]
    return records, unreadable


@registry.review_check
def export_reference_problems(review: Review) -> list[Problem]:
    """``prisma.yml``'s ``exports`` naming a file that ``search/exports/`` does not hold, and decisions in
    ``search/duplicate_decisions.csv`` naming a record no export holds (``synthesis run`` would stop there)."""
    from synthesis.review import display_path

    problems = []
    held = sorted(p.name for p in (review.path / "search" / "exports").glob("*") if p.is_file())
    display = display_path(review.path / "prisma.yml")
    for index, entry in enumerate((review.document("prisma.yml") or {}).get("exports") or []):
        for key in ("file", "same_search_as"):
            name = entry.get(key)
            if name and name not in held:
                problems.append(Problem(display, review.line_of("prisma.yml", ("exports", index, key)),
                                        f"exports.{key}", f"{name!r} is not a file of search/exports/",
                                        "name one of: " + (", ".join(held) or "no file there yet")))
    decisions = review.table("search/duplicate_decisions.csv")
    if decisions is None:
        return problems
    records, unreadable = export_records(review)
    if records is None or unreadable:
        return problems
    ids = set(records["record_id"])
    display = display_path(review.path / "search" / "duplicate_decisions.csv")
    for row, line in zip(decisions.to_dict("records"), review.lines.get("search/duplicate_decisions.csv", [])):
        for column in ("record_a", "record_b"):
            if row[column] not in ids:
                problems.append(Problem(display, line, column, f"no record {row[column]!r} in search/exports/",
                                        "use the record ids of possible.csv (notebook 01's possible duplicates)"))
    return problems


def export_duplicates(review: Review):
    """The de-duplication of the exports' records, once per review, with ``search/duplicate_decisions.csv`` applied.

    Returns :class:`synthesis.dedup.DedupResult` (groups, matched pairs, and the possible pairs still to decide),
    or None without readable exports.
    """
    def compute():
        from synthesis.dedup import deduplicate

        records, _ = export_records(review)
        if records is None:
            return None
        decisions = review.table("search/duplicate_decisions.csv")
        if decisions is not None:
            decisions = decisions.assign(line=review.lines.get("search/duplicate_decisions.csv"))
            decisions.attrs["path"] = str(review.path / "search" / "duplicate_decisions.csv")
        return deduplicate(records, decisions=decisions)

    return review.cached("export_duplicates", compute)


def possible_duplicates(review: Review) -> pd.DataFrame:
    """The pairs of export records de-duplication could not decide: for a person, in search/duplicate_decisions.csv."""
    outcome = export_duplicates(review)
    return pd.DataFrame() if outcome is None else outcome.possible


def derived_counts(review: Review) -> dict[str, dict]:
    """PRISMA counts computed from the review's own records: its exports (``search/exports/``), their
    de-duplication, the records as screened (``screening/records.csv``, which says each record's arm) and each
    record's final decision per stage (:func:`synthesis.screening.final_decisions`). Empty when the review has
    neither exports nor decisions.

    A record in an unresolved conflict is neither sought nor excluded, and never counted as not retrieved. Each
    count carries ``derived: true`` and says how it was computed; a count published in ``prisma.yml`` takes
    precedence in :func:`prisma_counts`.
    """
    return review.cached("derived_prisma_counts", lambda: _derived_counts(review))


def _count(n: int, source: str) -> dict:
    return {"n": int(n), "source": source, "derived": True}


def _derived_counts(review: Review) -> dict[str, dict]:
    counts: dict[str, dict] = {}
    records, unreadable = export_records(review)
    if unreadable:
        missing = ", ".join(Path(p.file).name for p in unreadable)
        counts["database_results"] = {"n": None, "source": f"cannot be derived: {missing} could not be read",
                                      "derived": True}
    elif records is not None:
        unique = int(export_duplicates(review).groups["kept"].sum())
        counts["database_results"] = _count(len(records), f"records read from {records['source_file'].nunique()} "
                                                          "export(s) in search/exports/")
        counts["duplicates"] = _count(len(records) - unique, "synthesis de-duplication of the exports")
        for key in ("excluded_automatic", "excluded_other"):
            counts[key] = _count(0, "the project removes records only as duplicates")
    counts.update(_screening_counts(review))
    previous = {key: ((review.document("prisma.yml") or {}).get("counts") or {}).get(key) or {}
                for key in ("previous_studies", "previous_reports")}
    for total, new, before in (("total_studies", "new_studies", "previous_studies"),
                               ("total_reports", "new_reports", "previous_reports")):
        if new in counts:
            earlier = previous[before].get("n")
            counts[total] = _count(counts[new]["n"] + (earlier or 0),
                                   f"{new} + {before}" if earlier is not None else f"{new} (no previous version)")
    return counts


def _screening_counts(review: Review) -> dict[str, dict]:
    from synthesis.screening import final_decisions

    final = final_decisions(review)
    if final.empty:
        return {}
    listed = review.table("screening/records.csv")
    arm = {} if listed is None else dict(zip(listed["record_id"], listed["identified_by"]))
    final = final.assign(arm=final["record_id"].map(lambda r: arm.get(r, "database")))
    source = "screening/decisions.csv and resolutions.csv"
    counts: dict[str, dict] = {}
    included = 0
    for side, prefix in (("database", "dbr"), ("other", "other")):
        title = final[(final["stage"] == "title-abstract") & (final["arm"] == side)]
        full = final[(final["stage"] == "full text") & (final["arm"] == side)]
        if title.empty and full.empty:
            continue
        if side == "database":
            counts["records_screened"] = _count(len(title), source + ", title-abstract")
            counts["records_excluded"] = _count((title["decision"] == "exclude").sum(), source + ", title-abstract")
            sought = set(title.loc[title["decision"].isin(["include", "maybe"]), "record_id"])
            how = "title-abstract includes and maybes"
            unresolved = int(title["decision"].isna().sum())
            if unresolved:
                how += f" ({unresolved} in unresolved conflict are not counted)"
        else:
            sought = set(arm_id for arm_id, side_of in arm.items() if side_of == "other") or set(full["record_id"])
            how = "records of other methods in screening/records.csv"
        assessed = set(full["record_id"])
        counts[f"{prefix}_sought_reports"] = _count(len(sought), how)
        counts[f"{prefix}_notretrieved_reports"] = _count(len(sought - assessed), "sought, without a full-text decision")
        counts[f"{prefix}_assessed"] = _count(len(assessed), source + ", full text")
        counts[f"{prefix}_excluded"] = _count((full["decision"] == "exclude").sum(), source + ", full text")
        included += int((full["decision"] == "include").sum())
    if (final["stage"] == "full text").any():
        counts["new_studies"] = _count(included, "full-text includes (one report per study: reports are not grouped)")
        counts["new_reports"] = _count(included, "full-text includes")
    return counts


def same_search_check(review: Review) -> pd.DataFrame:
    """Each export that repeats a search in another format (``same_search_as`` in ``prisma.yml``) beside the export
    it repeats: records in each, and how many match record for record (by PMID, else DOI, else title).

    Returns
    -------
    pandas.DataFrame
        Columns ``file``, ``same search as``, ``records``, ``records there``, ``matched``, ``only here``,
        ``only there`` and ``note`` (why a file could not be compared).
    """
    from synthesis.errors import ReviewError
    from synthesis.records import read_records, records_frame

    columns = ["file", "same search as", "records", "records there", "matched", "only here", "only there", "note"]
    folder = review.path / "search" / "exports"
    rows = []
    for name, entry in sorted(_export_entries(review).items()):
        other = entry.get("same_search_as")
        if not other:
            continue
        frames, notes = [], []
        for file_name in (name, other):
            try:
                frames.append(records_frame(read_records(folder / file_name).records))
            except ReviewError as exc:
                notes.append(f"{file_name} not read: {exc.problem.message}")
        if notes:
            rows.append({"file": name, "same search as": other, "note": "; ".join(notes)})
            continue
        here, there = (set(_record_keys(frame)) for frame in frames)
        rows.append({"file": name, "same search as": other, "records": len(frames[0]), "records there": len(frames[1]),
                     "matched": len(here & there), "only here": len(here - there), "only there": len(there - here),
                     "note": ""})
    table = pd.DataFrame(rows, columns=columns)
    for column in columns[2:7]:
        table[column] = table[column].astype("Int64")
    return table


def _record_keys(frame: pd.DataFrame) -> list[str]:
    """One key per record for matching two exports of one search: its PMID, else its DOI, else its folded title."""
    import re

    keys = []
    for pmid, doi, title in zip(frame["pmid"], frame["doi"], frame["title"]):
        if isinstance(pmid, str) and pmid.strip():
            keys.append("pmid:" + pmid.strip())
        elif isinstance(doi, str) and doi.strip():
            keys.append("doi:" + doi.strip().lower())
        else:
            keys.append("title:" + re.sub(r"[^a-z0-9]", "", str(title or "").lower()))
    return keys


def database_counts(review: Review) -> pd.DataFrame:
    """Records identified per database, as published in prisma.yml or read from the review's exports.

    An export that cannot be read has n None and says why; a second format of the same search is not listed.
    """
    prisma = review.document("prisma.yml") or {}
    rows = [{"database": d["name"], "n": d["n"], "source": d["source"]} for d in prisma.get("databases") or []]
    if not rows and _exports(review):
        records, unreadable = export_records(review)
        names = {name: entry["database"] for name, entry in _export_entries(review).items()}
        if records is not None:  # the database each export's records carry (prisma.yml's, the file's, its name)
            names.update(records.drop_duplicates("source_file").set_index("source_file")["database"].to_dict())
        counted = records["source_file"].value_counts() if records is not None else {}
        failed = {Path(p.file).name: p for p in unreadable}
        listed = list(_export_entries(review))
        for path in sorted(_exports(review), key=lambda p: (listed.index(p.name) if p.name in listed else len(listed),
                                                            p.name)):
            problem = failed.get(path.name)
            rows.append({"database": names.get(path.name, path.name),
                         "n": None if problem else int(counted.get(path.name, 0)),
                         "source": f"search/exports/{path.name}" + (f" (not read: {problem.message})" if problem
                                                                    else "")})
    table = pd.DataFrame(rows, columns=["database", "n", "source"])
    table["n"] = table["n"].astype("Int64")
    return table


def records_per_database(review: Review) -> list[tuple[str, int | None]]:
    """Records identified per database, each database once (a search exported in several files is summed), in
    the order of :func:`database_counts`; None where a file could not be read."""
    table = database_counts(review)
    totals: dict[str, int | None] = {}
    for row in table.itertuples():
        known = totals.get(row.database, 0)
        totals[row.database] = None if known is None or pd.isna(row.n) else known + int(row.n)
    return list(totals.items())


@registry.computes("prisma", "BOX or database=NAME", parts=1)
def count_value(review: Review, spec: str) -> int:
    """A PRISMA count for ``published.yml``'s ``prisma:BOX`` or ``prisma:database=NAME`` (records per database).

    Raises
    ------
    LookupError
        When the count cannot be derived from the review's data.
    """
    if spec.startswith("database="):
        table, name = database_counts(review), spec.split("=", 1)[1]
        unread = table[(table["database"] == name) & table["n"].isna()]
        if not unread.empty:
            raise LookupError(unread["source"].iloc[0])
        value = dict(records_per_database(review)).get(name)
    else:
        table = prisma_counts(review).set_index("box")
        value = table["n"].get(spec)
        if value is not None and not pd.isna(value):
            return int(value)
        value = None
        if spec in table.index:
            raise LookupError(table.loc[spec, "source"] or f"{spec} is not derived")
    if value is None or pd.isna(value):
        raise LookupError(f"no count for {spec!r}")
    return int(value)


def prisma_counts(review: Review) -> pd.DataFrame:
    """Every PRISMA 2020 box with its count: published, derived from published counts, or not reported.

    A count is derived only by arithmetic the diagram itself implies (for example duplicates removed =
    records identified - records remaining after de-duplication), and the formula is shown.

    Returns
    -------
    pandas.DataFrame
        Columns ``box``, ``label``, ``n``, ``status`` (published / derived / cannot be derived / not reported), ``source``.
    """
    counts, totals = _published(review)
    rows = []
    for key, label in PRISMA_BOXES.items():
        entry = counts.get(key)
        if entry and entry.get("n") is not None:
            rows.append({"box": key, "label": entry.get("label", label), "n": entry["n"],
                         "status": "derived" if entry.get("derived") else "published", "source": entry["source"]})
        elif entry and entry.get("derived"):
            rows.append({"box": key, "label": label, "n": None, "status": "cannot be derived",
                         "source": entry["source"]})
        else:
            rows.append({"box": key, "label": label, "n": None, "status": "not reported", "source": ""})
    table = pd.DataFrame(rows).set_index("box")
    remaining = (totals.get("after_duplicates_removed") or {}).get("n")
    identified = table.loc["database_results", "n"]
    if remaining is not None and identified is not None and table.loc["duplicates", "status"] == "not reported":
        table.loc["duplicates", ["n", "status", "source"]] = [
            identified - remaining, "derived", f"database_results {identified} - after de-duplication {remaining}"]
    for key, entry in sorted(totals.items()):
        table.loc[key] = [entry.get("label", key), entry.get("n"), "published (total)" if entry.get("n") is not None
                          else "not reported", entry["source"]]
    table["n"] = table["n"].astype("Int64")
    return table.reset_index()


def reconcile(review: Review) -> pd.DataFrame:
    """Check that each box equals the boxes feeding it (records in = records out).

    Returns one row per check with ``holds``, ``does not hold`` or ``cannot check`` and the boxes missing.
    """
    table = prisma_counts(review).set_index("box")["n"]
    rows = []
    for target, plus, minus in _SUMS:
        needed = [target, *plus[:1], *minus]
        missing = [k for k in needed if pd.isna(table.get(k))]
        formula = f"{target} = {' + '.join(plus)} - {' - '.join(minus)}"
        if target.startswith("other_") and len(missing) == len(needed):
            continue  # the review reports no other methods at all: nothing to reconcile, not a gap
        if missing:
            rows.append({"check": formula, "result": "cannot check", "detail": "not reported: " + ", ".join(missing)})
            continue
        expected = sum(int(table[k]) for k in plus if not pd.isna(table.get(k))) - sum(int(table[k]) for k in minus)
        holds = expected == int(table[target])
        rows.append({"check": formula, "result": "holds" if holds else "does not hold",
                     "detail": f"{expected} computed, {int(table[target])} published"})
    return pd.DataFrame(rows, columns=["check", "result", "detail"])


def exclusion_lists(review: Review) -> dict[str, str]:
    """Reports excluded at full text per reason, per arm, in PRISMA2020's list format ``"Reason, n; Reason, n"``.

    Keyed ``dbr_excluded`` and ``other_excluded``; an arm without exclusions is left out.
    """
    from synthesis.screening import final_decisions

    final = final_decisions(review)
    full = final[(final["stage"] == "full text") & (final["decision"] == "exclude")]
    listed = review.table("screening/records.csv")
    arm = {} if listed is None else dict(zip(listed["record_id"], listed["identified_by"]))
    lists = {}
    for side, key in (("database", "dbr_excluded"), ("other", "other_excluded")):
        reasons = full.loc[full["record_id"].map(lambda r: arm.get(r, "database")) == side, "reason"]
        counts = reasons.fillna("no reason given").value_counts()
        if not counts.empty:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            lists[key] = "; ".join(f"{reason.replace(';', ',')}, {n}" for reason, n in ordered)
    return lists


def prisma2020_template(review: Review) -> pd.DataFrame:
    """The counts in the layout of the PRISMA2020 R package and Shiny app CSV: one row per ``data`` name of its
    template (:data:`TEMPLATE_ROWS`), column ``n``.

    Per-database counts (``database_specific_results``) and full-text exclusion reasons (``dbr_excluded``,
    ``other_excluded``) are in the template's list format ``"Name, n; Name, n"``; the exclusion boxes keep their
    total where no reasons are recorded. Boxes the review does not report are left empty, so the app shows them
    as missing, not as zero; the title rows (identification, screening, included) carry no count, nor do the
    meta-analysis rows (``total_studies_ma``, ``total_reports_ma``): the project does no meta-analysis.
    """
    table = prisma_counts(review).set_index("box")["n"]
    values: dict[str, object] = {key: (None if pd.isna(table.get(key)) else int(table[key]))
                                 for key in TEMPLATE_ROWS if key in table.index}
    per_database = records_per_database(review)
    if per_database:
        values["database_specific_results"] = "; ".join(
            f"{database}, {'' if n is None else n}" for database, n in per_database)
    for key, text in exclusion_lists(review).items():
        if values.get(key) is not None:
            values[key] = text
    return pd.DataFrame({"data": TEMPLATE_ROWS, "n": [values.get(key) for key in TEMPLATE_ROWS]}, dtype=object)


def _authors_title_key(title) -> str | None:
    """The authors' title key: characters other than ASCII letters, digits and white space removed, lower case."""
    import re

    if title is None or pd.isna(title):
        return None
    return re.sub(r"[^a-zA-Z0-9\s]", "", str(title)).lower()


def title_only_groups(records: pd.DataFrame) -> pd.Series:
    """Duplicate groups by title-only exact matching, the method of authors who de-duplicate on the title alone
    (pandas ``drop_duplicates(subset=['title'])`` after removing non-alphanumeric characters and lower-casing).

    Returns the group key of each record (its cleaned title); records without a title each stay alone.
    """
    keys = records["title"].map(_authors_title_key)
    return keys.where(keys.notna() & (keys != ""), "untitled:" + records["record_id"].astype(str))


def _differing_fields(members: pd.DataFrame) -> str:
    """What sets a group's records apart: fields with different values, or missing in some databases' records."""
    notes = []
    def text(value) -> str:
        return "" if value is None or pd.isna(value) else str(value).strip()

    for field in ("doi", "year", "authors", "journal", "volume", "issue", "pages"):
        # Pages differ by their first page: "1660-9" and "1660-1669" are one range written two ways.
        values = members[field].map(lambda v: re.split(r"[-\u2013\s]", text(v))[0] if field == "pages" else text(v))
        present = set(values) - {""}
        if len(present) > 1:
            notes.append(f"{field} differs")
        elif present and (values == "").any():
            notes.append(f"no {field} in " + ", ".join(sorted(set(members.loc[values == "", "database"]))))
    return "; ".join(notes)


def deduplication_comparison(review: Review) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The project's de-duplication of the exports beside title-only exact matching, and the groups that differ.

    Returns
    -------
    summary : pandas.DataFrame
        One row per method (and the records the authors screened, where ``screening/records.csv`` lists them):
        records, unique records, duplicates.
    differences : pandas.DataFrame
        One row per group on which the methods disagree: ``kind`` (``same title, kept apart by the project`` or
        ``grouped by the project, titles differ``), the records, their databases and titles, and the project's
        reason, and the fields that differ between the records (or are missing in some of them).
    """
    summary_columns = ["method", "records", "unique", "duplicates", "note"]
    difference_columns = ["kind", "records", "databases", "titles", "project reason", "fields that differ"]
    records, unreadable = export_records(review)
    if records is None:
        return pd.DataFrame(columns=summary_columns), pd.DataFrame(columns=difference_columns)
    outcome = export_duplicates(review).groups.set_index("record_id")
    frame = records.set_index("record_id")
    frame["project"] = outcome["group_id"]
    frame["reason"] = outcome["reason"]
    frame["title_key"] = title_only_groups(records).values
    note = ("" if not unreadable else "without " + ", ".join(Path(p.file).name for p in unreadable)
            + " (not read)")
    rows = [{"method": "synthesis de-duplication", "records": len(frame), "unique": frame["project"].nunique(),
             "duplicates": len(frame) - frame["project"].nunique(), "note": note},
            {"method": "title-only exact matching", "records": len(frame), "unique": frame["title_key"].nunique(),
             "duplicates": len(frame) - frame["title_key"].nunique(), "note": note}]
    listed = review.table("screening/records.csv")
    if listed is not None:
        screened = listed[listed["identified_by"] == "database"]
        databases = sorted(set(screened["database"].dropna()))
        rows.append({"method": "records the authors screened", "records": None, "unique": len(screened),
                     "duplicates": None, "note": "from databases: " + ", ".join(databases)})
    differences = []
    for by, other, kind in (("title_key", "project", "same title, kept apart by the project"),
                            ("project", "title_key", "grouped by the project, titles differ")):
        for _, members in frame.groupby(by, sort=True):
            if len(members) > 1 and members[other].nunique() > 1:
                differences.append({"kind": kind, "records": "; ".join(members.index),
                                    "databases": "; ".join(sorted(set(members["database"]))),
                                    "titles": " | ".join(sorted(set(members["title"].fillna("")))),
                                    "project reason": "; ".join(sorted(set(members["reason"].dropna()) - {""})),
                                    "fields that differ": _differing_fields(members)})
    return (pd.DataFrame(rows, columns=summary_columns),
            pd.DataFrame(differences, columns=difference_columns).sort_values(["kind", "records"]).reset_index(drop=True))


def flow_diagram(review: Review) -> plt.Figure:
    """The PRISMA 2020 flow diagram of the review's counts, per-database records and exclusion reasons
    (:func:`synthesis.diagrams.draw_flow_diagram`)."""
    table = prisma_counts(review).set_index("box")
    counts = {box: (row["n"], row["status"]) for box, row in table.iterrows()}
    per_database = records_per_database(review)
    return draw_flow_diagram(review.title, counts, PRISMA_BOXES, per_database, exclusion_lists(review))

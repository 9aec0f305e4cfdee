"""Included studies from included records: ``studies.csv`` built from each record's final full-text decision and
the bibliographic fields of its export, every row naming where it came from."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from synthesis.errors import Problem, ReviewError
from synthesis.outputs import write_text_atomic
from synthesis.review import Review, display_path
from synthesis.schemas import schema_for

__all__ = ["included_records", "studies_from_records", "write_studies"]


def _fold(text) -> str:
    """Lower-case ASCII letters and digits only, so that a title matches across exports' spellings."""
    if text is None or pd.isna(text):
        return ""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def included_records(review: Review) -> pd.DataFrame:
    """The records included at full text (agreed or resolved), in record order, with how the decision was reached.

    A review without full-text decisions has none: a title-abstract include is a report sought, not a study.
    """
    from synthesis.screening import final_decisions

    final = final_decisions(review)
    from synthesis.screening import record_order

    included = final[(final["stage"] == "full text") & (final["decision"] == "include")]
    included = included.sort_values("record_id", key=lambda ids: ids.map(record_order))
    return included[["record_id", "how", "reviewers"]].reset_index(drop=True)


def _export_match(record: dict, exports: pd.DataFrame | None) -> dict | None:
    """The export record of a screened record: by DOI, then by database id (PMID, EID ...), then by title."""
    if exports is None or exports.empty:
        return None
    for column, value in (("doi", str(record.get("doi") or "").lower()),
                          ("pmid", str(record.get("database_id") or "")),
                          ("record_id", str(record.get("database_id") or ""))):
        if value:
            hits = exports[exports[column].astype(str).str.lower() == value]
            if not hits.empty:
                return hits.iloc[0].to_dict()
    key = _fold(record.get("title"))
    hits = exports[exports["_title"] == key] if key else exports.iloc[0:0]
    return hits.iloc[0].to_dict() if not hits.empty else None


def _study_type(value) -> str:
    text = str(value or "").lower()
    for words, kind in ((("thesis", "dissertation"), "thesis"), (("chapter",), "chapter"), (("book",), "book"),
                        (("report",), "report")):
        if any(word in text for word in words):
            return kind
    return "article"


def studies_from_records(review: Review, path: str | Path | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """One row of ``studies.csv`` per included record, with its source, and the problems a person must fix.

    Bibliographic fields come from the record's export (``search/exports/``), found by DOI, database id or title;
    a record of ``screening/records.csv`` no export holds keeps the fields that list gives. A field no input
    gives is left empty and reported, never guessed.

    Returns
    -------
    studies : pandas.DataFrame
        The columns of ``studies.csv``.
    problems : list of Problem
        One per study lacking a field the format requires (authors, year, title), located in ``path`` (by default
        the review's ``studies.csv``).
    """
    from synthesis.prisma import export_records

    columns = schema_for("studies.csv").columns
    listed = review.table("screening/records.csv")
    by_id = {} if listed is None else {r["record_id"]: r for r in listed.to_dict("records")}
    exports, _ = export_records(review)
    if exports is not None:
        exports = exports.assign(_title=exports["title"].map(_fold))
    rows, problems, seen = [], [], {}
    display = display_path(Path(path) if path else review.path / "studies.csv")
    for included in included_records(review).to_dict("records"):
        record_id = included["record_id"]
        listed_record = by_id.get(record_id, {"record_id": record_id})
        found = _export_match(listed_record, exports) if listed is not None else (
            exports[exports["record_id"] == record_id].iloc[0].to_dict() if exports is not None
            and (exports["record_id"] == record_id).any() else None)
        fields = found or {}
        # Some exports put one author per line in a cell; the format lists them on one line.
        authors = "; ".join(line.strip() for line in str(fields.get("authors") or listed_record.get("authors") or "")
                            .splitlines() if line.strip())
        year = fields.get("year")
        year = int(year) if year is not None and not pd.isna(year) else None
        surname = re.sub(r"[^a-z]", "", _fold(re.split(r"[ ,;]", authors)[0])) if authors else ""
        base = f"{surname}{year}" if surname and year else f"record-{re.sub(r'[^A-Za-z0-9_.-]', '_', record_id)}"
        seen[base] = seen.get(base, 0) + 1
        study_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        where = (f"search/exports/{fields['source_file']} line {fields['line']}" if found
                 else "screening/records.csv (no export holds it)")
        rows.append({"study_id": study_id, "authors": authors or None, "year": year,
                     "title": str(fields.get("title") or listed_record.get("title") or "").strip() or None,
                     "journal": fields.get("journal") or None, "volume": fields.get("volume") or None,
                     "issue": fields.get("issue") or None, "pages": fields.get("pages") or None,
                     "doi": fields.get("doi") or listed_record.get("doi") or None,
                     "pmid": fields.get("pmid") or None, "type": _study_type(fields.get("type")),
                     "source": f"record {record_id} included at full text ({included['how']}: "
                               f"screening/decisions.csv); fields from {where}"})
        for field in ("authors", "year", "title"):
            if rows[-1][field] is None:
                problems.append(Problem(display, len(rows) + 1, field, f"record {record_id}: no {field} in the "
                                        "records or exports", "fill it in from the full text"))
    table = pd.DataFrame(rows, columns=columns)
    table["year"] = table["year"].astype("Int64")
    return table, problems


def write_studies(review: Review, path: str | Path, overwrite: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Write :func:`studies_from_records` to ``path`` whole (atomically); an existing file only with ``overwrite``.

    Raises
    ------
    ReviewError
        When ``path`` exists and ``overwrite`` is false, or the review has no included records.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise ReviewError(display_path(path), "exists and may hold edits", field="output",
                          hint="pass --force to replace it, or -o another file")
    studies, problems = studies_from_records(review, path)
    if studies.empty:
        raise ReviewError(display_path(review.path / "screening/decisions.csv"), "no record is included at full text",
                          field="decision", hint="import the full-text decisions first (`synthesis screening import`)")
    write_text_atomic(path, studies.to_csv(index=False, lineterminator="\n"))
    return studies, problems

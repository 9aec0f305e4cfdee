"""Citation tracking: reference lists read as sources and de-duplicated against each other."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthesis.dedup import deduplicate
from synthesis.paths import resolve_review
from synthesis.records import read_many
from synthesis.review import Review, load_review

__all__ = ["reference_list_files", "read_reference_lists", "read_reference_files", "shared_references",
           "import_summary"]


def reference_list_files(review: Review) -> list[Path]:
    """The review's reference lists for citation tracking (``search/citations/*.ris``, sorted)."""
    return sorted((review.path / "search" / "citations").glob("*.ris"))


def read_reference_lists(reviews: list[Review]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All reference lists of the reviews as records, and per file its count and format."""
    return read_reference_files({review.slug: reference_list_files(review) for review in reviews})


def read_reference_files(files: dict[str, list[Path]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference-list files by the review they belong to, as records (``database`` = the review), and per file
    its count and format."""
    owner = {path: slug for slug, paths in files.items() for path in paths}
    if not owner:
        return pd.DataFrame(), pd.DataFrame(columns=["review", "file", "records", "format", "problems"])
    results, frame = read_many(list(owner))
    summary = pd.DataFrame([{"review": owner[r.path], "file": r.path.name, "records": len(r.records),
                             "format": r.format, "problems": len(r.problems)} for r in results])
    frame["database"] = [owner[r.path] for r in results for _ in r.records]
    return frame, summary


def _compared_lists(review: Review, compare_with: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The reference lists of this review and of the others, read once per review and comparison."""
    def read():
        others = [load_review(resolve_review(slug)) for slug in compare_with]
        return (*read_reference_lists([review, *others]), len(others))

    return review.cached(("reference_lists", tuple(compare_with)), read)


def import_summary(review: Review, compare_with: list[str]) -> pd.DataFrame:
    """Records read from this review's reference list and those it is compared with, one row per file."""
    return _compared_lists(review, compare_with)[1]


def shared_references(review: Review, compare_with: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """References this review shares with the others, found by de-duplicating the lists together.

    Returns one row per reference found in more than one list (each list's id, the title and year kept and why
    they matched), and the pairs that may be duplicates, for a person to decide.
    """
    frame, _, others = _compared_lists(review, compare_with)
    columns = ["group", "lists", "references", "title", "year", "why"]
    if frame.empty or not others:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=["record_a", "record_b", "title_similarity",
                                                                     "evidence"])
    result = deduplicate(frame)
    joined = result.groups.merge(frame[["record_id", "database", "title", "year"]], on="record_id")
    rows = []
    for group_id, members in joined.groupby("group_id", sort=True):
        if members["database"].nunique() < 2:
            continue
        kept = members[members["kept"]].iloc[0]
        reasons = members.loc[~members["kept"], "reason"].str.replace(r"^duplicate of \S+: ", "", regex=True)
        rows.append({"group": group_id, "lists": ", ".join(sorted(members["database"].unique())),
                     "references": ", ".join(members["record_id"]), "title": kept["title"], "year": kept["year"],
                     "why": "; ".join(sorted(set(reasons)))})
    return pd.DataFrame(rows, columns=columns), result.possible

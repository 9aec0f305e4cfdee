"""The screening stage: the decisions log, agreement between reviewers (Cohen's kappa) and exclusion reasons."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review
from synthesis.tables import round_half_up

__all__ = ["screening_summary", "cohens_kappa", "agreement", "exclusion_reasons", "stage_counts"]


def screening_summary(review: Review) -> pd.DataFrame:
    """The screening process as published, one row per stage, with 'not reported' where it is silent."""
    screening = review.meta.get("screening") or {}
    rows = [{"stage": stage, "as reported": screening.get(key) or "not reported",
             "source": screening.get("source", "")}
            for stage, key in (("title and abstract", "title_abstract"), ("full text", "full_text"),
                               ("agreement", "agreement"))]
    return pd.DataFrame(rows, columns=["stage", "as reported", "source"])


def cohens_kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa of two reviewers' decisions on the same records (1 = perfect, 0 = chance).

    Raises ValueError for lists of different lengths or no records; returns 1.0 when both reviewers used one
    and the same category throughout (agreement is perfect and chance agreement is 1).
    """
    if len(first) != len(second) or not first:
        raise ValueError("kappa needs two equally long, non-empty lists of decisions")
    observed = sum(a == b for a, b in zip(first, second)) / len(first)
    categories = set(first) | set(second)
    expected = sum((first.count(c) / len(first)) * (second.count(c) / len(second)) for c in categories)
    if expected == 1:
        return 1.0
    return (observed - expected) / (1 - expected)


def _decisions(review: Review) -> pd.DataFrame | None:
    return review.table("screening/decisions.csv")


def agreement(review: Review) -> pd.DataFrame:
    """Per stage and pair of reviewers: records both screened, percentage agreement and Cohen's kappa."""
    decisions = _decisions(review)
    columns = ["stage", "reviewers", "records", "agreement %", "kappa"]
    if decisions is None:
        return pd.DataFrame(columns=columns)
    rows = []
    for stage, group in decisions.groupby("stage", sort=True):
        table = group.pivot_table(index="record_id", columns="reviewer", values="decision", aggfunc="last")
        reviewers = sorted(table.columns)
        for i, first in enumerate(reviewers):
            for second in reviewers[i + 1:]:
                both = table[[first, second]].dropna()
                if both.empty:
                    continue
                a, b = list(both[first]), list(both[second])
                rows.append({"stage": stage, "reviewers": f"{first} / {second}", "records": len(both),
                             "agreement %": round_half_up(100 * sum(x == y for x, y in zip(a, b)) / len(a), 1),
                             "kappa": round_half_up(cohens_kappa(a, b), 2)})
    return pd.DataFrame(rows, columns=columns)


def exclusion_reasons(review: Review, stage: str = "full text") -> pd.DataFrame:
    """Records excluded at a stage per reason (each record once, with its last decision)."""
    decisions = _decisions(review)
    if decisions is None:
        return pd.DataFrame(columns=["reason", "records"])
    final = decisions[decisions["stage"] == stage].groupby("record_id").last()
    excluded = final[final["decision"] == "exclude"]
    counts = excluded["reason"].fillna("no reason given").value_counts()
    return pd.DataFrame({"reason": counts.index, "records": counts.values})


def stage_counts(review: Review) -> pd.DataFrame:
    """Records screened, included, excluded and undecided ('maybe') per stage, from each record's last decision."""
    decisions = _decisions(review)
    if decisions is None:
        return pd.DataFrame(columns=["stage", "screened", "include", "exclude", "maybe"])
    rows = []
    for stage, group in decisions.groupby("stage", sort=True):
        final = group.groupby("record_id")["decision"].last()
        rows.append({"stage": stage, "screened": len(final), **{d: int((final == d).sum())
                                                                for d in ("include", "exclude", "maybe")}})
    return pd.DataFrame(rows)

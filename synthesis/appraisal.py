"""Quality appraisal: the tool's scoring rule, grades from percentage scores, and published grade totals."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review
from synthesis.tables import percent, round_half_up

__all__ = ["grading_rule", "grade_for", "appraisal_summary"]


def grading_rule(review: Review) -> pd.DataFrame:
    """The grades and the minimum percentage score of each, best first (empty without appraisal/tool.yml)."""
    tool = review.document("appraisal/tool.yml")
    if tool is None:
        return pd.DataFrame(columns=["grade", "from %", "below %"])
    grades = tool["scoring"]["grades"]
    rows = [{"grade": g["grade"], "from %": g["min_percent"], "below %": grades[i - 1]["min_percent"] if i else 100}
            for i, g in enumerate(grades)]
    return pd.DataFrame(rows, columns=["grade", "from %", "below %"])


def grade_for(review: Review, yes_answers: int, items: int) -> str:
    """The grade of a study with ``yes_answers`` of ``items`` checklist items answered yes.

    Each yes scores ``points_per_yes``; the percentage of the maximum picks the first grade whose minimum
    it reaches (Ibrahim et al.: >= 60% good, 45-59% fair, < 45% poor).
    """
    tool = review.document("appraisal/tool.yml")
    if tool is None:
        raise ValueError(f"{review.slug} has no appraisal/tool.yml")
    if not 0 <= yes_answers <= items:
        raise ValueError(f"{yes_answers} yes answers out of {items} items is impossible")
    score = percent(yes_answers * tool["scoring"]["points_per_yes"], items * tool["scoring"]["points_per_yes"])
    for grade in tool["scoring"]["grades"]:
        if score >= grade["min_percent"]:
            return grade["grade"]
    return tool["scoring"]["grades"][-1]["grade"]


def appraisal_summary(review: Review) -> pd.DataFrame:
    """Studies per grade with the percentage of all appraised, from the published totals."""
    summary = review.table("appraisal/summary.csv")
    if summary is None:
        return pd.DataFrame(columns=["grade", "studies", "percent"])
    total = int(summary["n_studies"].sum())
    result = pd.DataFrame({"grade": summary["grade"], "studies": summary["n_studies"].astype(int)})
    result["percent"] = result["studies"].map(lambda n: round_half_up(percent(n, total), 1))
    return result.reset_index(drop=True)

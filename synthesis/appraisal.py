"""Quality appraisal: versioned checklists as data (MMAT 2018, CASP 2018), per-study scores and grades, plots."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
import yaml

from synthesis.review import Review
from synthesis.tables import percent, round_half_up

__all__ = ["grading_rule", "grade_for", "appraisal_summary", "appraisal_tools", "checklist_items", "study_scores",
           "traffic_light", "summary_bars", "quality_subsets", "quality_robustness"]


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


@cache
def appraisal_tools() -> dict[str, dict]:
    """The appraisal templates kept as data in ``synthesis/appraisal_tools/``, keyed ``"<tool> <version>"``."""
    tools = {}
    for entry in sorted(resources.files("synthesis").joinpath("appraisal_tools").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            tool = yaml.safe_load(entry.read_text(encoding="utf-8"))
            tools[f"{tool['tool']} {tool['version']}"] = tool
    return tools


def checklist_items(tool: str, checklist: str) -> pd.DataFrame:
    """The items of one checklist (``id``, ``question``, ``scored``), from the template."""
    try:
        items = appraisal_tools()[tool]["checklists"][checklist]
    except KeyError:
        known = {name: sorted(t["checklists"]) for name, t in appraisal_tools().items()}
        raise KeyError(f"no checklist {checklist!r} in {tool!r}; known: {known}") from None
    return pd.DataFrame([{"id": i["id"], "question": i["question"], "scored": i.get("scored", True)} for i in items])


def _answers(review: Review) -> pd.DataFrame | None:
    return review.table("appraisal/answers.csv")


def study_scores(review: Review) -> pd.DataFrame:
    """Per study and checklist: yes answers, items scored, the percentage and the grade (review's rule, if any).

    Items a template marks as not scored (results questions, MMAT's screening questions) and items answered
    'not applicable' are left out of the denominator. Answers naming an item the template lacks are an error.
    """
    answers = _answers(review)
    columns = ["study_id", "tool", "checklist", "yes", "scored items", "percent", "grade"]
    if answers is None:
        return pd.DataFrame(columns=columns)
    tool_rule = review.document("appraisal/tool.yml")
    rows = []
    for (study, tool, checklist), group in answers.groupby(["study_id", "tool", "checklist"], sort=True):
        items = checklist_items(tool, checklist).set_index("id")
        unknown = sorted(set(group["item"]) - set(items.index))
        if unknown:
            raise KeyError(f"{study}: {tool} {checklist} has no item {unknown[0]!r}; items: {', '.join(items.index)}")
        scored = group[group["item"].map(items["scored"]) & (group["answer"] != "not applicable")]
        yes = int((scored["answer"] == "yes").sum())
        pct = round_half_up(percent(yes, len(scored)), 1) if len(scored) else None
        grade = ""
        if tool_rule is not None and pct is not None:
            grade = next((g["grade"] for g in tool_rule["scoring"]["grades"] if pct >= g["min_percent"]),
                         tool_rule["scoring"]["grades"][-1]["grade"])
        rows.append({"study_id": study, "tool": tool, "checklist": checklist, "yes": yes, "scored items": len(scored),
                     "percent": pct, "grade": grade})
    return pd.DataFrame(rows, columns=columns)


_COLOURS = {"yes": "#4daf4a", "no": "#e41a1c", "can't tell": "#ffbf00", "not applicable": "#bdbdbd"}


def traffic_light(review: Review):
    """Study x item grid coloured by answer (yes green, no red, can't tell amber, not applicable grey)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    answers = _answers(review)
    if answers is None or answers.empty:
        return None
    answers = answers.assign(column=answers["checklist"] + " " + answers["item"])
    grid = answers.pivot_table(index="study_id", columns="column", values="answer", aggfunc="last")
    fig, ax = plt.subplots(figsize=(min(14, 2.5 + 0.45 * grid.shape[1]), min(12, 1.5 + 0.32 * grid.shape[0])))
    for row, study in enumerate(grid.index):
        for column, item in enumerate(grid.columns):
            answer = grid.loc[study, item]
            if isinstance(answer, str):
                ax.scatter(column, row, s=140, color=_COLOURS[answer], edgecolors="#555555", linewidths=0.4)
    ax.set_xticks(range(grid.shape[1]), list(grid.columns), rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(grid.shape[0]), list(grid.index), fontsize=7)
    ax.invert_yaxis()
    ax.legend(handles=[Patch(color=c, label=a) for a, c in _COLOURS.items()], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.01, 1))
    ax.set_title(f"Appraisal answers per study and item ({review.slug})", fontsize=9)
    fig.tight_layout()
    return fig


def summary_bars(review: Review):
    """Per item, the share of studies answering yes / no / can't tell / not applicable, as stacked bars."""
    import matplotlib.pyplot as plt

    answers = _answers(review)
    if answers is None or answers.empty:
        return None
    answers = answers.assign(column=answers["checklist"] + " " + answers["item"])
    shares = pd.crosstab(answers["column"], answers["answer"], normalize="index").reindex(
        columns=list(_COLOURS), fill_value=0) * 100
    fig, ax = plt.subplots(figsize=(8, min(12, 1.2 + 0.3 * len(shares))))
    left = pd.Series(0.0, index=shares.index)
    for answer, colour in _COLOURS.items():
        ax.barh(range(len(shares)), shares[answer], left=left, color=colour, label=answer)
        left += shares[answer]
    ax.set_yticks(range(len(shares)), list(shares.index), fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("% of studies")
    ax.legend(fontsize=7, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return fig


def quality_subsets(review: Review) -> dict[str, list[str]]:
    """Study subsets for robustness: all studies, and without each grade from the lowest up (needs answers)."""
    scores = study_scores(review)
    studies = review.table("studies.csv")
    if scores.empty or studies is None or not scores["grade"].any():
        return {}
    grades = [g["grade"] for g in review.document("appraisal/tool.yml")["scoring"]["grades"]]
    worst = scores.groupby("study_id")["grade"].agg(lambda g: max(g, key=grades.index))
    subsets = {}
    for keep in range(len(grades) - 1, 0, -1):
        allowed = grades[:keep]
        subsets[f"{' or '.join(allowed)} only"] = [s for s in studies["study_id"] if worst.get(s, grades[0]) in allowed]
    return subsets


def quality_robustness(review: Review, top_k: int = 5) -> pd.DataFrame:
    """The strength-of-theme ordering recomputed without the lower-quality studies (empty without grades)."""
    from synthesis.tallies import presence_matrix, robustness

    subsets = quality_subsets(review)
    if not subsets:
        return pd.DataFrame()
    return robustness(presence_matrix(review), subsets, top_k)

"""Quality appraisal: versioned checklists as data (MMAT 2018, CASP 2018), per-study scores and grades, plots."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
import yaml

from synthesis.errors import Problem, ReviewError, ReviewProblems
from synthesis import registry
from synthesis.review import Review, display_path
from synthesis.tables import percent, round_half_up

__all__ = ["grading_rule", "grade_for", "appraisal_summary", "appraisal_tools", "checklist_items", "answer_problems",
           "study_scores", "traffic_light", "summary_bars", "quality_subsets", "quality_robustness"]

_ANSWERS = "appraisal/answers.csv"
_RULE = "appraisal/tool.yml"
_TOOLS_FOLDER = "synthesis/appraisal_tools"


def grading_rule(review: Review) -> pd.DataFrame:
    """The grades and the minimum percentage score of each, best first (empty without appraisal/tool.yml)."""
    tool = review.document(_RULE)
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
    tool = review.document(_RULE)
    rule_file = display_path(review.path / _RULE)
    if tool is None:
        raise ReviewError(rule_file, "missing", field="scoring",
                          hint="grades need the review's scoring rule in appraisal/tool.yml")
    if not 0 <= yes_answers <= items:
        raise ReviewError(rule_file, f"{yes_answers} yes answers out of {items} items is impossible",
                          field="scoring", hint="a study's yes answers lie between 0 and its number of scored items")
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
    tools = appraisal_tools()
    if tool not in tools:
        raise ReviewError(_TOOLS_FOLDER, f"no appraisal tool {tool!r}", field="tool",
                          hint="known: " + ", ".join(sorted(tools)))
    if checklist not in tools[tool]["checklists"]:
        raise ReviewError(_TOOLS_FOLDER, f"{tool} has no checklist {checklist!r}", field="checklist",
                          hint="known: " + ", ".join(sorted(tools[tool]["checklists"])))
    items = tools[tool]["checklists"][checklist]
    return pd.DataFrame([{"id": i["id"], "question": i["question"], "scored": i.get("scored", True)} for i in items])


def _answers(review: Review) -> pd.DataFrame | None:
    return review.table(_ANSWERS)


def _answer_problem(row: dict, tools: dict[str, dict]) -> tuple[str, str, str] | None:
    """The field, message and hint of what one answer names that the packaged templates lack, or None."""
    if not all(isinstance(row.get(field), str) for field in ("tool", "checklist", "item")):
        return None  # a missing value is the schema's problem, reported with the file's own
    tool = tools.get(row["tool"])
    if tool is None:
        return "tool", f"{row['tool']!r} is not an appraisal tool", "use one of: " + ", ".join(sorted(tools))
    checklists = tool["checklists"]
    if row["checklist"] not in checklists:
        return ("checklist", f"{row['tool']} has no checklist {row['checklist']!r}",
                "use one of: " + ", ".join(sorted(checklists)))
    items = [item["id"] for item in checklists[row["checklist"]]]
    if row["item"] not in items:
        return ("item", f"{row['tool']} {row['checklist']} has no item {row['item']!r}",
                "its items: " + ", ".join(items))
    return None


@registry.review_check
def answer_problems(review: Review) -> list[Problem]:
    """What ``synthesis check`` reports about the appraisal beyond each file's schema.

    Every answer naming a tool, checklist or item that the packaged templates (``synthesis/appraisal_tools/``)
    lack, at its line of ``appraisal/answers.csv``; and a scoring rule whose grades do not run from the highest
    minimum to the lowest, as ``appraisal/tool.yml`` says they must.

    Parameters
    ----------
    review : Review
        A loaded review.

    Returns
    -------
    list of Problem
        Empty when the appraisal is consistent.
    """
    problems = []
    answers = _answers(review)
    if answers is not None:
        display, tools = display_path(review.path / _ANSWERS), appraisal_tools()
        for row, line in zip(answers.to_dict("records"), review.lines.get(_ANSWERS, [])):
            found = _answer_problem(row, tools)
            if found:
                problems.append(Problem(display, line, *found))
    rule = review.document(_RULE)
    minimums = [grade["min_percent"] for grade in (rule or {}).get("scoring", {}).get("grades", [])]
    if any(later >= earlier for earlier, later in zip(minimums, minimums[1:])):
        problems.append(Problem(display_path(review.path / _RULE), None, "scoring.grades",
                                f"the grades' min_percent ({', '.join(f'{m:g}' for m in minimums)}) do not fall "
                                "from best to worst", "list the grades best first, each with a lower min_percent"))
    return problems


def study_scores(review: Review) -> pd.DataFrame:
    """Per study and checklist: yes answers, items scored, the percentage and the grade (review's rule, if any).

    Items a template marks as not scored (results questions, MMAT's screening questions) and items answered
    'not applicable' are left out of the denominator.

    Raises
    ------
    ReviewProblems
        When an answer names a tool, checklist or item the template lacks (:func:`answer_problems`).
    """
    answers = _answers(review)
    columns = ["study_id", "tool", "checklist", "yes", "scored items", "percent", "grade"]
    if answers is None:
        return pd.DataFrame(columns=columns)
    problems = answer_problems(review)
    if problems:
        raise ReviewProblems(problems)
    tool_rule = review.document(_RULE)
    rows = []
    for (study, tool, checklist), group in answers.groupby(["study_id", "tool", "checklist"], sort=True):
        items = checklist_items(tool, checklist).set_index("id")
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
    grades = [g["grade"] for g in review.document(_RULE)["scoring"]["grades"]]
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

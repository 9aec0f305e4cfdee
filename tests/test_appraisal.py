"""Tests for synthesis.appraisal."""

import pytest

from synthesis import appraisal, load_review
from synthesis.cli import main
from synthesis.errors import ReviewError, ReviewProblems
from synthesis.review import check_review


def test_grades_follow_the_published_rule(ibrahim):
    """>= 60% good, 45-59% fair, < 45% poor (CASP, one point per yes)."""
    assert appraisal.grade_for(ibrahim, 6, 10) == "good"
    assert appraisal.grade_for(ibrahim, 5, 10) == "fair" and appraisal.grade_for(ibrahim, 6, 12) == "fair"
    assert appraisal.grade_for(ibrahim, 4, 10) == "poor"


def test_impossible_answers_are_refused(ibrahim):
    """More yes answers than items is the project's error, naming the scoring rule's file."""
    with pytest.raises(ReviewError, match=r"tool\.yml: scoring: 11 yes answers out of 10 items is impossible"):
        appraisal.grade_for(ibrahim, 11, 10)


def test_grades_need_a_scoring_rule(hackmann):
    """A review without appraisal/tool.yml has no grades: the error says which file to add."""
    with pytest.raises(ReviewError, match="tool.yml: scoring: missing"):
        appraisal.grade_for(hackmann, 1, 2)


def test_summary_percentages(ibrahim):
    """47 of 53 studies are good quality (88.7%)."""
    summary = appraisal.appraisal_summary(ibrahim).set_index("grade")
    assert summary.loc["good", "studies"] == 47 and summary.loc["good", "percent"] == 88.7


def test_review_without_appraisal(hackmann):
    """A review without a scored appraisal gives empty tables."""
    assert appraisal.grading_rule(hackmann).empty and appraisal.appraisal_summary(hackmann).empty


def test_templates_are_complete():
    """MMAT 2018 has 2 screening questions and 5 criteria per category; CASP 2018 qualitative has 10 questions."""
    tools = appraisal.appraisal_tools()
    mmat = tools["MMAT 2018"]["checklists"]
    assert len(mmat["screening"]) == 2 and all(len(v) == 5 for k, v in mmat.items() if k != "screening")
    casp = tools["CASP 2018"]["checklists"]
    assert [len(casp[c]) for c in ("qualitative", "randomised controlled trial", "cohort", "case control")] == [10, 11, 14, 12]
    with pytest.raises(ReviewError, match="checklist: CASP 2018 has no checklist 'diagnostic' .known: case control"):
        appraisal.checklist_items("CASP 2018", "diagnostic")
    with pytest.raises(ReviewError, match="tool: no appraisal tool 'JBI' .known: CASP 2018, MMAT 2018"):
        appraisal.checklist_items("JBI", "qualitative")


def _answers_folder(review_copy, rows, tool="CASP 2018", checklist="qualitative", minimums=(60, 45, 0)):
    """A copy of APPEAR with a CASP scoring rule and one answer per (study, item number, answer) row."""
    folder = review_copy("peer-relationship-appear")
    (folder / "appraisal").mkdir()
    grades = "".join(f"    - {{grade: {name}, min_percent: {minimum}}}\n"
                     for name, minimum in zip(("good", "fair", "poor"), minimums))
    (folder / "appraisal" / "tool.yml").write_text(
        "tool: CASP\nchecklists: [{name: qualitative, items: 10}]\nscoring:\n  points_per_yes: 1\n  grades:\n"
        + grades + "source: test\n")
    lines = ["answer_id,study_id,tool,checklist,item,answer,note,source"]
    lines += [f"a{n},{study},{tool},{checklist},Q{item},{answer},,test" for n, (study, item, answer) in enumerate(rows)]
    (folder / "appraisal" / "answers.csv").write_text("\n".join(lines) + "\n")
    return folder


def _with_answers(review_copy, rows, **kwargs):
    return load_review(_answers_folder(review_copy, rows, **kwargs))


def test_study_scores_and_grades(review_copy):
    """Yes answers over applicable scored items give the percentage and the review's grade."""
    rows = [("barr2020", i, "yes") for i in range(1, 8)] + [("barr2020", 8, "no"), ("barr2020", 9, "no"),
                                                            ("barr2020", 10, "not applicable")]
    rows += [("tse2017", i, "yes" if i <= 4 else "can't tell") for i in range(1, 11)]
    review = _with_answers(review_copy, rows)
    scores = appraisal.study_scores(review).set_index("study_id")
    assert scores.loc["barr2020", ["yes", "scored items", "percent", "grade"]].tolist() == [7, 9, 77.8, "good"]
    assert scores.loc["tse2017", ["percent", "grade"]].tolist() == [40.0, "poor"]
    assert appraisal.traffic_light(review) is not None and appraisal.summary_bars(review) is not None
    subsets = appraisal.quality_subsets(review)
    assert "tse2017" not in subsets["good or fair only"] and "barr2020" in subsets["good only"]


def test_unknown_item_is_an_error(review_copy):
    """An answer to an item the checklist does not have is the project's error at its line, with the items it has."""
    review = _with_answers(review_copy, [("barr2020", 1, "yes"), ("barr2020", 11, "yes")])
    with pytest.raises(ReviewProblems) as raised:
        appraisal.study_scores(review)
    [problem] = raised.value.problems
    assert (problem.file.endswith("appraisal/answers.csv"), problem.line, problem.field) == (True, 3, "item")
    assert problem.message == "CASP 2018 qualitative has no item 'Q11'" and problem.hint.startswith("its items: Q1, Q2")


@pytest.mark.parametrize(("tool", "checklist", "field", "message"), [
    ("CASP 2019", "qualitative", "tool", "'CASP 2019' is not an appraisal tool"),
    ("CASP 2018", "diagnostic", "checklist", "CASP 2018 has no checklist 'diagnostic'"),
])
def test_unknown_tool_or_checklist_is_reported_by_check(review_copy, capsys, tool, checklist, field, message):
    """`synthesis check` reports an answer naming an unknown tool or checklist with its line, and exits 1."""
    folder = _answers_folder(review_copy, [("barr2020", 1, "yes")], tool=tool, checklist=checklist)
    assert main(["check", str(folder)]) == 1
    assert f"answers.csv:2: {field}: {message} (use one of: " in capsys.readouterr().out


def test_grades_out_of_order_are_reported(review_copy):
    """A scoring rule whose minimums do not fall from the best grade to the worst is a problem of tool.yml."""
    folder = _answers_folder(review_copy, [("barr2020", 1, "yes")], minimums=(45, 60, 0))
    [problem] = check_review(folder)
    assert problem.file.endswith("appraisal/tool.yml") and problem.field == "scoring.grades"
    assert "(45, 60, 0) do not fall" in problem.message


def test_quality_robustness(review_copy):
    """With grades, the ordering is recomputed for the better studies; without, the table is empty."""
    rows = [("barr2020", i, "yes") for i in range(1, 11)] + [("tse2017", i, "no") for i in range(1, 11)]
    table = appraisal.quality_robustness(_with_answers(review_copy, rows))
    assert list(table["subset"]) == ["good or fair only", "good only"] and table.loc[0, "units"] == 19


def test_no_grades_no_robustness(hackmann):
    """A review without per-study answers has no quality robustness table."""
    assert appraisal.quality_robustness(hackmann).empty

"""Tests for synthesis.appraisal."""

import pytest

from synthesis import appraisal


def test_grades_follow_the_published_rule(ibrahim):
    """>= 60% good, 45-59% fair, < 45% poor (CASP, one point per yes)."""
    assert appraisal.grade_for(ibrahim, 6, 10) == "good"
    assert appraisal.grade_for(ibrahim, 5, 10) == "fair" and appraisal.grade_for(ibrahim, 6, 12) == "fair"
    assert appraisal.grade_for(ibrahim, 4, 10) == "poor"


def test_impossible_answers_are_refused(ibrahim):
    """More yes answers than items is an error."""
    with pytest.raises(ValueError):
        appraisal.grade_for(ibrahim, 11, 10)


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
    with pytest.raises(KeyError, match="known"):
        appraisal.checklist_items("CASP 2018", "diagnostic")


def _with_answers(review_copy, rows):
    from synthesis import load_review

    folder = review_copy("peer-relationship-appear")
    (folder / "appraisal").mkdir()
    (folder / "appraisal" / "tool.yml").write_text(
        "tool: CASP\ncheckl" "ists: [{name: qualitative, items: 10}]\nscoring:\n  points_per_yes: 1\n  grades:\n"
        "    - {grade: good, min_percent: 60}\n    - {grade: fair, min_percent: 45}\n    - {grade: poor, min_percent: 0}\n"
        "source: test\n")
    lines = ["answer_id,study_id,tool,checklist,item,answer,note,source"]
    lines += [f"a{n},{study},CASP 2018,qualitative,Q{item},{answer},,test" for n, (study, item, answer) in enumerate(rows)]
    (folder / "appraisal" / "answers.csv").write_text("\n".join(lines) + "\n")
    return load_review(folder)


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
    """An answer to an item the checklist does not have is refused with the items it has."""
    review = _with_answers(review_copy, [("barr2020", 11, "yes")])
    with pytest.raises(KeyError, match="no item 'Q11'"):
        appraisal.study_scores(review)


def test_quality_robustness(review_copy):
    """With grades, the ordering is recomputed for the better studies; without, the table is empty."""
    rows = [("barr2020", i, "yes") for i in range(1, 11)] + [("tse2017", i, "no") for i in range(1, 11)]
    table = appraisal.quality_robustness(_with_answers(review_copy, rows))
    assert list(table["subset"]) == ["good or fair only", "good only"] and table.loc[0, "units"] == 19


def test_no_grades_no_robustness(hackmann):
    """A review without per-study answers has no quality robustness table."""
    assert appraisal.quality_robustness(hackmann).empty

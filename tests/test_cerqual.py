"""Tests for synthesis.cerqual (GRADE-CERQual assessments: Summary of Qualitative Findings and evidence profile)."""

import pytest

from synthesis import cerqual, load_review
from synthesis.errors import ReviewProblems
from synthesis.review import check_review

HEADER = ("finding_id,finding,studies,limitations,limitations_explanation,coherence,coherence_explanation,adequacy,"
          "adequacy_explanation,relevance,relevance_explanation,confidence,confidence_explanation,source")
F1 = ('F1,Peer workers are trusted because they have been there,barr2020;gidugu2015,minor,One study did not say how '
      'participants were recruited,no or very minor,The data fit the finding,no or very minor,Rich data from two '
      'studies,minor,Both studies are from outpatient services,moderate,Minor concerns about limitations and '
      'relevance,test')
F2 = ('F2,Boundaries are negotiated,tse2017,serious,The only study scored poorly,moderate,One contradicting case,'
      'serious,Thin data from one study,minor,One setting,very low,Serious concerns about limitations and adequacy,'
      'test')


def _review(review_copy, rows: list[str], answers: bool = True):
    folder = review_copy("peer-relationship-appear")
    (folder / "theory" / "cerqual.csv").write_text("\n".join([HEADER] + rows) + "\n")
    if answers:
        (folder / "appraisal").mkdir()
        (folder / "appraisal" / "tool.yml").write_text(
            "tool: CASP\nchecklists: [{name: qualitative, items: 10}]\nscoring:\n  points_per_yes: 1\n  grades:\n"
            "    - {grade: good, min_percent: 60}\n    - {grade: fair, min_percent: 45}\n"
            "    - {grade: poor, min_percent: 0}\nsource: test\n")
        rows = [("barr2020", i, "yes" if i <= 8 else "no") for i in range(1, 11)]
        rows += [("tse2017", i, "yes" if i <= 3 else "no") for i in range(1, 11)]
        lines = ["answer_id,study_id,tool,checklist,item,answer,source"]
        lines += [f"a{n},{study},CASP 2018,qualitative,Q{item},{answer},test"
                  for n, (study, item, answer) in enumerate(rows)]
        (folder / "appraisal" / "answers.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_summary_of_qualitative_findings(review_copy):
    """Each finding with its studies as author and year, the confidence and its explanation, in file order."""
    review = load_review(_review(review_copy, [F1, F2]))
    table = cerqual.summary_of_findings(review)
    assert list(table["#"]) == ["F1", "F2"]
    first = table.iloc[0]
    assert first["Studies contributing to the review finding"] == "Barr KR 2020; Gidugu V 2015"
    assert first["GRADE-CERQual assessment of confidence"] == "Moderate confidence"
    assert table.iloc[1]["Explanation of GRADE-CERQual assessment"].startswith("Serious concerns")


def test_evidence_profile(review_copy):
    """Every component shows its concern level with the explanation; the studies are counted."""
    review = load_review(_review(review_copy, [F1, F2]))
    profile = cerqual.evidence_profile(review).set_index("#")
    assert profile.at["F2", "Adequacy"] == "Serious concerns: Thin data from one study"
    assert profile.at["F1", "Coherence"] == "No or very minor concerns: The data fit the finding"
    assert profile.at["F1", "Studies"].startswith("2: ") and profile.at["F2", "Assessment of confidence"] == \
        "Very low confidence"


def test_limitations_draw_on_the_appraisal(review_copy):
    """The contributing studies' appraisal grades are counted per finding; a study without answers is not graded."""
    review = load_review(_review(review_copy, [F1, F2]))
    table = cerqual.limitations_evidence(review).set_index("#")
    assert table.loc["F1", ["studies", "appraised", "grades"]].tolist() == [2, 1, "good 1; not appraised 1"]
    assert table.at["F1", "per study"] == "Barr KR 2020: good; Gidugu V 2015: not appraised"
    assert table.at["F2", "grades"] == "poor 1" and table.at["F2", "limitations (as assessed)"] == "serious concerns"


def test_confidence_counts(review_copy):
    """Every level of confidence is listed, highest first, with the findings at it."""
    counts = cerqual.confidence_counts(load_review(_review(review_copy, [F1, F2], answers=False)))
    assert counts.values.tolist() == [["high", 0, ""], ["moderate", 1, "F1"], ["low", 0, ""], ["very low", 1, "F2"]]


def test_errors_are_located(review_copy):
    """A concern level outside CERQual's, a missing explanation and an unknown study are reported by line and field."""
    bad_level = F1.replace(",minor,One study", ",some,One study")
    no_explanation = F2.replace("F2,", "F3,", 1).replace("One contradicting case", "")
    unknown_study = F1.replace("F1,", "F4,", 1).replace("barr2020;", "nobody2020;")
    folder = _review(review_copy, [bad_level, no_explanation, unknown_study], answers=False)
    problems = check_review(folder)
    found = {(p.line, p.field): p for p in problems if p.file.endswith("cerqual.csv")}
    assert set(found) == {(2, "limitations"), (3, "coherence_explanation"), (4, "studies")}
    assert "no or very minor, minor, moderate, serious" in found[2, "limitations"].hint
    assert "'nobody2020' is not an id in studies.csv" in found[4, "studies"].message
    with pytest.raises(ReviewProblems, match="cerqual.csv:2: limitations"):
        load_review(folder)


def test_without_assessments(mcleish):
    """A review without theory/cerqual.csv gets empty tables with their headings."""
    assert cerqual.summary_of_findings(mcleish).empty and "Coherence" in cerqual.evidence_profile(mcleish).columns
    assert cerqual.limitations_evidence(mcleish).empty and cerqual.confidence_counts(mcleish)["findings"].sum() == 0

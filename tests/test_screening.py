"""Tests for synthesis.screening."""

import pytest

from synthesis import load_review
from synthesis.screening import (
    agreement,
    cohens_kappa,
    exclusion_reasons,
    screening_summary,
    stage_counts,
)


def test_agreement_as_published(ibrahim):
    """The screening summary carries the published agreement."""
    table = screening_summary(ibrahim).set_index("stage")
    assert "93%" in table.loc["agreement", "as reported"]


def test_three_stages_always_listed(mcleish):
    """Title-abstract, full text and agreement are always listed."""
    assert list(screening_summary(mcleish)["stage"]) == ["title and abstract", "full text", "agreement"]


def test_kappa_textbook_value():
    """20 agreements of 25 with marginals 15/10 and 14/11 gives kappa 0.59 (po 0.8, pe 0.512)."""
    first = ["include"] * 15 + ["exclude"] * 10
    second = ["include"] * 12 + ["exclude"] * 3 + ["include"] * 2 + ["exclude"] * 8
    assert cohens_kappa(first, second) == pytest.approx((0.8 - 0.512) / (1 - 0.512))


def test_kappa_edge_cases():
    """Perfect agreement on one category is 1; unequal lists are refused."""
    assert cohens_kappa(["exclude"] * 3, ["exclude"] * 3) == 1.0
    with pytest.raises(ValueError):
        cohens_kappa(["include"], [])


def test_decisions_log(review_copy):
    """A decisions log gives agreement per reviewer pair, stage counts and exclusion reasons."""
    folder = review_copy("psw-implementation")
    (folder / "screening").mkdir()
    (folder / "screening" / "decisions.csv").write_text(
        "decision_id,record_id,stage,reviewer,decision,reason,date,source\n"
        "1,r1,title-abstract,DT,include,,,log\n2,r1,title-abstract,RN,include,,,log\n"
        "3,r2,title-abstract,DT,exclude,,,log\n4,r2,title-abstract,RN,include,,,log\n"
        "5,r3,title-abstract,DT,exclude,,,log\n6,r3,title-abstract,RN,exclude,,,log\n"
        "7,r1,full text,DT,exclude,wrong population,,log\n8,r2,full text,DT,include,,,log\n")
    review = load_review(folder)
    row = agreement(review).iloc[0]
    assert (row["reviewers"], row["records"], row["agreement %"]) == ("DT / RN", 3, 66.7)
    assert exclusion_reasons(review).to_dict("records") == [{"reason": "wrong population", "records": 1}]
    assert stage_counts(review).set_index("stage").loc["full text", "include"] == 1

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

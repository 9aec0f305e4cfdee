"""Tests for synthesis.measure."""

import pytest

from synthesis import measure


def test_item_means_and_totals(ibrahim):
    """Item 1's mean is 7/6 and Beer Sheva's total is 19."""
    summary = measure.item_summary(ibrahim).set_index("item")
    assert summary.loc["1", "mean"] == pytest.approx(7 / 6)
    assert measure.site_totals(ibrahim).set_index("site_id").loc["beer-sheva", "total"] == 19


def test_mean_column_total_is_the_sum_of_item_means(ibrahim):
    """The recomputed total of the Mean column is 11.5, not the 15 printed in Table 2."""
    matrix = measure.score_matrix(ibrahim).set_index("item")
    assert matrix.loc["Total", "Mean"] == pytest.approx(11.5)


def test_item_ranges(ibrahim):
    """Item 7, not item 6, is the one item with less than a two-point range."""
    summary = measure.item_summary(ibrahim)
    assert list(summary.loc[summary["range"] < 2, "item"]) == ["7"]


def test_known_groups(ibrahim):
    """Experienced sites average 1.75 per item, the others 0.8125."""
    groups = measure.known_groups(ibrahim, ["experience"]).set_index("group")
    assert groups.loc["yes", "mean item score"] == pytest.approx(1.75)
    assert groups.loc["no", "mean item score"] == pytest.approx(0.8125)


def test_pooled_groups(ibrahim):
    """Low and lower-middle income sites pooled average 32/24."""
    groups = measure.group_means(ibrahim, "income_level", {"low": ["Low", "Lower-middle"]})
    assert groups.loc[0, "mean item score"] == pytest.approx(32 / 24)


def test_floor_and_ceiling(ibrahim):
    """No site scores item 6 at the floor and one of six (Beer Sheva) at the ceiling."""
    summary = measure.item_summary(ibrahim).set_index("item")
    assert summary.loc["6", "at floor %"] == 0 and summary.loc["6", "at ceiling %"] == pytest.approx(100 / 6)


def test_has_measure(ibrahim, mcleish):
    """Only Ibrahim's review builds a measure."""
    assert measure.has_measure(ibrahim) and not measure.has_measure(mcleish)

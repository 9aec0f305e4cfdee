"""Tests for synthesis.tables."""

import pandas as pd
import pytest

from synthesis.tables import filter_rows, matches, percent, round_half_up


def test_round_half_up_not_to_even():
    """0.5 rounds away from zero, as papers round, unlike Python's round."""
    assert round_half_up(30.95, 1) == 31.0 and round_half_up(0.125, 2) == 0.13 and round(0.125, 2) == 0.12


def test_matches_lists_and_operators():
    """= is membership in list cells, * means any value, ~ a substring, | either value."""
    assert matches(["UK", "Canada"], "=", "Canada")
    assert not matches(None, "=", "*") and matches(["x"], "=", "*")
    assert matches("antenatal depression (x)", "~", "antenatal depression (")
    assert matches("Low", "=", "Low|High") and matches("Mid", "!=", "Low|High")


def test_filter_rows_unknown_column():
    """Filtering on a column the table lacks says which columns exist."""
    with pytest.raises(KeyError, match="columns are a"):
        filter_rows(pd.DataFrame({"a": [1]}), "b=1")


def test_percent_of_zero_is_refused():
    """A zero denominator is an error, not a silent infinity."""
    with pytest.raises(ZeroDivisionError):
        percent(1, 0)

"""Tests for synthesis.tables."""

import pandas as pd
import pytest

from synthesis.tables import (MISSING, TABLE_CAPTIONS, filter_rows, matches, percent, readable, round_half_up,
                              table_caption)


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


def test_readable_cells():
    """A reader's table: no row numbers, lists joined, missing and empty as a dash, whole floats as integers."""
    table = pd.DataFrame({"n": [13220.0, float("nan"), 1.5], "items": [["a", "b"], None, []],
                          "note": ["x", "", pd.NA]}, index=[4, 7, 9])
    shown = readable(table)
    assert list(shown.columns) == ["n", "items", "note"]
    assert shown.values.tolist() == [["13220", "a; b", "x"], [MISSING, MISSING, MISSING], [1.5, MISSING, MISSING]]
    assert table.loc[4, "n"] == 13220.0


def test_readable_keeps_a_labelled_index():
    """An index of labels (a score matrix's items) becomes a column rather than being dropped."""
    shown = readable(pd.DataFrame({"site A": [1]}, index=pd.Index(["item 1"], name="item")))
    assert list(shown.columns) == ["item", "site A"] and shown.iloc[0, 0] == "item 1"


def test_every_table_has_a_caption_sentence():
    """Named tables have a sentence; an unknown name is spelled out rather than left blank."""
    assert table_caption("cmocs").startswith("The context-mechanism-outcome configurations")
    assert table_caption("my_table") == "My table."
    assert all(caption.endswith(".") for caption in TABLE_CAPTIONS.values())


def test_every_table_the_notebooks_save_has_a_caption():
    """Each table name a notebook saves (or the prefix of one saved per item) has its own caption sentence."""
    import json
    import re

    from synthesis.paths import NOTEBOOKS_DIR

    names = set()
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            # the name follows the table's expression: a call or subscript, or a variable other than `rv`
            names |= set(re.findall(r'^ *nb\.show\(.*?(?:[)\]]|\b(?!rv\b)[a-z_]+), f?"([a-z_0-9]+)',
                                    "".join(cell["source"]), re.M))
    assert names
    assert [name for name in sorted(names) if table_caption(name) == name.replace("_", " ").capitalize() + "."] == []
    assert table_caption("refinement_round_2").startswith("One round of refinement")

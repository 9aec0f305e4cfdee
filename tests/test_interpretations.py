"""Tests for synthesis.interpretations."""

import pytest

from synthesis import interpretations, load_review


def test_table_shows_the_recorded_value(mcleish):
    """Each interpretation is shown with the value the file now holds."""
    table = interpretations.interpretation_table(mcleish).set_index("row")
    assert table.loc["I21", "recorded"] == "one-to-one in person"
    assert table.loc["T14", "recorded"] == "stress-buffering; social-comparison; narrative-community"
    assert "monthly for one group (#14)" in table.loc["I14", "paper_says"]


def test_missing_row_is_reported(review_copy):
    """An interpretation of a row that does not exist says so rather than failing."""
    folder = review_copy("perinatal-peer-support")
    path = folder / "interpretations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("I21-format,units.csv,I21", "I21-format,units.csv,I99"),
                    encoding="utf-8")
    table = interpretations.interpretation_table(load_review(folder)).set_index("row")
    assert table.loc["I99", "recorded"].startswith("(not found")


def test_recorded_value_errors(mcleish):
    """Asking for a file, row or field the review lacks is a LookupError."""
    with pytest.raises(LookupError):
        interpretations.recorded_value(mcleish, "measure/items.csv", "1", "label")
    with pytest.raises(LookupError):
        interpretations.recorded_value(mcleish, "theory/initial.yml", "T4", "sources")


def test_review_without_interpretations(ibrahim):
    """A review that records no interpretation gets an empty table with the columns."""
    assert interpretations.interpretation_table(ibrahim).empty

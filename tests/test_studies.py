"""Tests for synthesis.studies."""

import pytest

from synthesis import load_review
from synthesis.errors import ReviewError
from synthesis.paths import REVIEWS_DIR
from synthesis.studies import included_records, studies_from_records, write_studies


@pytest.fixture(scope="module")
def snhl():
    return load_review(REVIEWS_DIR / "snhl-phenotyping")


def test_included_records_are_full_text_includes(snhl):
    """The seven records included at full text, the resolved conflict among them, in record order."""
    included = included_records(snhl)
    assert list(included["record_id"]) == ["1", "3", "4", "5", "26", "135", "other-3"]
    assert included.set_index("record_id").loc["3", "how"] == "resolved"


def test_studies_take_fields_from_exports_with_source(snhl):
    """A study's fields come from its export record, found by PMID, and the row says from where."""
    studies, problems = studies_from_records(snhl)
    first = studies.iloc[0]
    assert (first["study_id"], first["year"], first["pmid"]) == ("watanabe2018", 2018, "30036445")
    assert "search/exports/medline.csv line" in first["source"] and "record 1 " in first["source"]
    assert studies["source"].str.len().gt(0).all()


def test_missing_year_is_reported_not_guessed(snhl):
    """A study whose year no input gives keeps it empty and is listed as a problem with its row."""
    studies, problems = studies_from_records(snhl)
    other = studies[studies["title"].str.startswith("Robust Data-Driven")].iloc[0]
    assert other["year"] is None or str(other["year"]) == "<NA>"
    assert any(p.field == "year" and "other-3" in p.message for p in problems)


def test_write_refuses_to_overwrite(snhl, tmp_path):
    """An existing studies.csv is kept unless overwriting is asked for; the file is written whole."""
    target = tmp_path / "studies.csv"
    target.write_text("edited by hand\n")
    with pytest.raises(ReviewError):
        write_studies(snhl, target)
    assert target.read_text() == "edited by hand\n"
    studies, _ = write_studies(snhl, target, overwrite=True)
    assert target.read_text().startswith("study_id,") and len(target.read_text().splitlines()) == len(studies) + 1


def test_no_full_text_decisions_is_an_error(ibrahim, tmp_path):
    """A review without full-text includes has no studies to write, and says which file to fill."""
    with pytest.raises(ReviewError) as error:
        write_studies(ibrahim, tmp_path / "studies.csv")
    assert "decisions.csv" in error.value.problem.file

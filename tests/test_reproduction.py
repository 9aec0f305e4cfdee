"""Tests for synthesis.reproduction."""

import pytest
from conftest import EXAMPLES

from synthesis import load_review, reproduction
from synthesis.paths import REVIEWS_DIR

KNOWN_MISMATCHES = {
    "perinatal-peer-support": {"country-coverage", "theories-positive"},
    "peer-relationship-appear": {"abstract-studies"},
    "psw-implementation": {"mode-individual", "mean-total", "narrow-items"},
}


@pytest.mark.parametrize("slug", EXAMPLES)
def test_mismatches_are_exactly_the_known_ones(slug):
    """Each example's mismatches are the inconsistencies found in its paper, and nothing else."""
    table = reproduction.reproduction_table(load_review(REVIEWS_DIR / slug))
    assert set(table.loc[table["status"] == "mismatch", "id"]) == KNOWN_MISMATCHES[slug]
    assert set(table["status"]) <= set(reproduction.STATUSES)


def test_every_claim_is_reported(ibrahim):
    """Every claim of published.yml has a row, with its source."""
    table = reproduction.reproduction_table(ibrahim)
    assert len(table) == len(ibrahim.document("published.yml")["claims"]) and table["source"].all()


def test_mean_total_mismatch_shows_the_value(ibrahim):
    """Table 2's Mean total of 15 is set beside the 11.5 the item means add up to."""
    row = reproduction.reproduction_table(ibrahim).set_index("id").loc["mean-total"]
    assert (row["published"], row["computed"], row["status"]) == ("15", "11.5", "mismatch")


def test_rounding_follows_the_paper(ibrahim):
    """1.75 is compared as 1.8 (half away from zero) and matches the published 1.8."""
    row = reproduction.reproduction_table(ibrahim).set_index("id").loc["experience-yes"]
    assert row["computed"] == "1.8" and row["status"] == "match"


def test_unknown_expression(mcleish):
    """An unknown kind of computed value is a LookupError naming the known kinds."""
    with pytest.raises(LookupError, match="known kinds"):
        reproduction.compute(mcleish, "median:studies.csv")


def test_missing_data_is_not_computable(mcleish):
    """A computed value that needs a file the review lacks is reported as not computable."""
    with pytest.raises(LookupError):
        reproduction.compute(mcleish, "count:measure/items.csv")


def test_claims_computed_by_prefix(ibrahim):
    """The measure claims are picked out by their computed prefix."""
    assert len(reproduction.claims_computed_by(ibrahim, "measure:")) == 23

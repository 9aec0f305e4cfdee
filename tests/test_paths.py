"""Tests for synthesis.paths."""

from synthesis.paths import example_reviews, resolve_review


def test_four_examples():
    """The four worked examples are shipped."""
    assert [p.name for p in example_reviews()] == [
        "peer-relationship-appear", "perinatal-peer-support", "psw-implementation", "snhl-phenotyping"]


def test_resolve_by_slug_or_path(tmp_path):
    """A slug resolves to data/reviews/<slug>; a path is kept."""
    assert resolve_review("psw-implementation").name == "psw-implementation"
    assert resolve_review(tmp_path) == tmp_path.resolve()

"""Tests for synthesis.screening."""

from synthesis.screening import screening_summary


def test_agreement_as_published(ibrahim):
    """The screening summary carries the published agreement."""
    table = screening_summary(ibrahim).set_index("stage")
    assert "93%" in table.loc["agreement", "as reported"]


def test_three_stages_always_listed(mcleish):
    """Title-abstract, full text and agreement are always listed."""
    assert list(screening_summary(mcleish)["stage"]) == ["title and abstract", "full text", "agreement"]

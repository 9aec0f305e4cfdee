"""Tests for synthesis.diagrams."""

import pytest

from synthesis import diagrams


def test_five_contexts(hackmann):
    """APPEAR's five contexts each have links to draw."""
    assert diagrams.contexts_with_links(hackmann) == [
        "C-accepting", "C-personalised", "C-empowering", "C-available", "C-reciprocal"]


def test_line_width_follows_documents(hackmann):
    """The thickest context-mechanism line is the one with the most papers (Empowering: effective, 8)."""
    figure = diagrams.nested_cmoc_diagram(hackmann, "C-empowering")
    widths = sorted((line.get_linewidth() for line in figure.axes[0].lines), reverse=True)
    assert widths[0] == pytest.approx(0.9 * 8)


def test_unknown_context(hackmann):
    """A context without links is an error, not an empty picture."""
    with pytest.raises(ValueError):
        diagrams.nested_cmoc_diagram(hackmann, "T-valuing")


def test_no_links(mcleish):
    """A review without links has no diagrams."""
    assert diagrams.contexts_with_links(mcleish) == []

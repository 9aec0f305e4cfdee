"""Tests for synthesis.diagrams."""

import pytest

from synthesis import diagrams
from synthesis.errors import ReviewError


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
    with pytest.raises(ReviewError, match="C-accepting"):
        diagrams.nested_cmoc_diagram(hackmann, "T-valuing")


def test_no_links(mcleish):
    """A review without links has no diagrams."""
    assert diagrams.contexts_with_links(mcleish) == []


def test_edge_counts_sit_on_their_edges(hackmann):
    """Every count printed in a CMOC diagram lies on a drawn edge (not beside it, not where edges cross)."""
    figure = diagrams.nested_cmoc_diagram(hackmann, "C-empowering")
    ax = figure.axes[0]
    counts = [t for t in ax.texts if t.get_text().isdigit()]
    segments = [tuple(zip(*line.get_data())) for line in ax.lines]
    assert len(counts) == len(segments)
    for text in counts:
        x, y = text.get_position()
        distances = [abs((y1 - y0) * x - (x1 - x0) * y + x1 * y0 - y1 * x0) / ((y1 - y0) ** 2 + (x1 - x0) ** 2) ** 0.5
                     for (x0, y0), (x1, y1) in segments if min(x0, x1) <= x <= max(x0, x1)]
        assert min(distances) < 1e-9, text.get_text()


def test_theory_map_keeps_whole_labels(mcleish):
    """The theory map draws every topic and theory label whole (no '...'), titled with the review's title."""
    figure = diagrams.theory_map(mcleish)
    texts = [" ".join(t.get_text().split()) for t in figure.axes[0].texts]
    topics = mcleish.document("theory/initial.yml")["topics"]
    assert all(any(topic["label"] in text for text in texts) for topic in topics)
    assert "Peer support groups as normative narrative communities" in texts
    assert not any("..." in text for text in texts)
    assert mcleish.title in " ".join(t.get_text().replace("\n", " ") for t in figure.texts)


def test_no_theory_map_without_topics(hackmann):
    """A review that publishes no topics of an initial theory gets no (blank) map."""
    assert diagrams.theory_map(hackmann) is None


def test_matrix_bands_and_grid(hackmann):
    """The presence matrix groups nodes into context, mechanism and outcome bands, with gridlines."""
    figure = diagrams.matrix_figure(hackmann)
    ax = figure.axes[0]
    bands = [t.get_text() for t in ax.texts]
    assert bands[:3] == ["Contexts", "Mechanisms", "Outcomes"]
    assert ax.xaxis._minor_tick_kw.get("gridOn") or any(line.get_visible() for line in ax.get_xgridlines(minor=True))
    assert not any(label.get_text().endswith(("-", "...")) for label in ax.get_xticklabels())


def test_prisma_text_fits_its_boxes(mcleish):
    """Each PRISMA box's text, as rendered, lies inside its box."""
    figure = diagrams.flow_diagram(mcleish)
    ax = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    boxes = [patch.get_window_extent(renderer) for patch in ax.patches if type(patch).__name__ == "Rectangle"]
    for text in ax.texts:
        if text.get_rotation():
            continue
        extent = text.get_window_extent(renderer)
        assert any(box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1
                   for box in boxes), text.get_text()
    assert figure.texts[0].get_text().startswith("PRISMA 2020 flow: Community-based")


def test_captions_and_alt_text(mcleish):
    """Figures are captioned by name (cmoc_ figures by prefix); alt text carries the title and the caption."""
    assert diagrams.figure_caption("cmoc_C-accepting") == diagrams.FIGURE_CAPTIONS["cmoc_"]
    assert diagrams.figure_caption("new_plot") == "New plot."
    alt = diagrams.figure_alt_text(diagrams.flow_diagram(mcleish), "prisma_flow")
    assert alt.startswith("PRISMA 2020 flow: Community-based") and alt.endswith(diagrams.FIGURE_CAPTIONS["prisma_flow"])

"""Tests for synthesis.diagrams: each figure drawn from plain data, as a stage hands it over."""

import pytest

from synthesis import diagrams

_MECHANISMS = [("Feeling understood", 8), ("Practical help", 3)]
_OUTCOMES = [("Less isolated", 6), ("More confident", 2)]
_PAIRS = [(0, 0, 6), (0, 1, 2), (1, 0, 3)]


def _nested():
    return diagrams.draw_nested_cmoc("A review of peer support", "Being accepted", _MECHANISMS, _OUTCOMES, _PAIRS, 9)


def test_line_width_follows_documents():
    """Each edge is as wide as its documents: the widest is the mechanism cited by the most documents."""
    widths = sorted((line.get_linewidth() for line in _nested().axes[0].lines), reverse=True)
    assert widths[0] == pytest.approx(0.9 * 8) and len(widths) == len(_MECHANISMS) + len(_PAIRS)


def test_edge_counts_sit_on_their_edges():
    """Every count printed in a CMOC diagram lies on a drawn edge (not beside it, not where edges cross)."""
    ax = _nested().axes[0]
    counts = [t for t in ax.texts if t.get_text().isdigit()]
    segments = [tuple(zip(*line.get_data())) for line in ax.lines]
    assert len(counts) == len(segments)
    for text in counts:
        x, y = text.get_position()
        distances = [abs((y1 - y0) * x - (x1 - x0) * y + x1 * y0 - y1 * x0) / ((y1 - y0) ** 2 + (x1 - x0) ** 2) ** 0.5
                     for (x0, y0), (x1, y1) in segments if min(x0, x1) <= x <= max(x0, x1)]
        assert min(distances) < 1e-9, text.get_text()


def test_flow_diagram_says_what_is_not_reported():
    """A count the paper does not give reads 'not reported'; a derived one is marked; reasons follow exclusions."""
    boxes = ["database_results", "register_results", "duplicates", "excluded_automatic", "excluded_other",
             "website_results", "organisation_results", "citations_results", "records_screened", "records_excluded",
             "dbr_sought_reports", "dbr_notretrieved_reports", "dbr_assessed", "dbr_excluded",
             "other_sought_reports", "other_notretrieved_reports", "other_assessed", "other_excluded",
             "new_studies", "new_reports"]
    counts = {box: (None, "not reported") for box in boxes}
    counts["records_screened"] = (120, "derived")
    figure = diagrams.draw_flow_diagram("A review", counts, {box: box.replace("_", " ") for box in boxes},
                                        [("MEDLINE", 80), ("CINAHL", None)], {"dbr_excluded": "wrong design (4)"})
    texts = " ".join(" ".join(t.get_text().split()) for t in figure.axes[0].texts)
    assert "n = 120 (derived)" in texts and "MEDLINE 80, CINAHL n.r." in texts
    assert "wrong design (4)" in texts and "n = not reported" in texts


def test_captions_and_alt_text():
    """Figures are captioned by name (cmoc_ figures by prefix); alt text carries the title and the caption."""
    assert diagrams.figure_caption("cmoc_C-accepting") == diagrams.FIGURE_CAPTIONS["cmoc_"]
    assert diagrams.figure_caption("new_plot") == "New plot."
    alt = diagrams.figure_alt_text(_nested(), "cmoc_C-accepting")
    assert alt.startswith("Context \u201cBeing accepted\u201d: A review of peer support")
    assert alt.endswith(diagrams.FIGURE_CAPTIONS["cmoc_"])

"""Tests for synthesis.figurecheck, and the check itself run on every figure of every example and of a new review."""

import re

import matplotlib.pyplot as plt
import nbformat
import pytest

from synthesis import appraisal, final_theory, initial_theory, measure, prisma, tallies
from synthesis.figurecheck import figure_problems, visible_texts
from synthesis.outputs import apply_figure_style
from synthesis.paths import NOTEBOOKS_DIR, REVIEWS_DIR
from synthesis.review import load_review
from synthesis.scaffold import new_review

#: Every function a notebook draws a figure with (the test below keeps this list complete).
FIGURE_FUNCTIONS = {"prisma.flow_diagram": prisma.flow_diagram, "initial_theory.theory_map": initial_theory.theory_map,
                    "tallies.matrix_figure": tallies.matrix_figure, "appraisal.traffic_light": appraisal.traffic_light,
                    "appraisal.summary_bars": appraisal.summary_bars, "measure.score_heatmap": measure.score_heatmap,
                    "final_theory.nested_cmoc_diagram": final_theory.nested_cmoc_diagram}

# Figures drawn by other stages' modules, whose titles say what is plotted rather than the review.
_OTHER_STAGES = {"appraisal.traffic_light", "appraisal.summary_bars", "measure.score_heatmap"}


def _figures(review):
    """(name, figure) of every figure the notebooks draw for ``review``."""
    for name, function in FIGURE_FUNCTIONS.items():
        if name == "final_theory.nested_cmoc_diagram":
            for context in final_theory.contexts_with_links(review):
                yield f"cmoc_{context}", function(review, context)
        else:
            figure = function(review)
            if figure is not None:
                yield name, figure


def test_every_notebook_figure_is_checked():
    """Every figure function a notebook calls through show_figure is in the list the check runs on."""
    called = set()
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            called |= set(re.findall(r"show_figure\((\w+\.\w+)\(", cell.source))
    assert called and called <= set(FIGURE_FUNCTIONS), called - set(FIGURE_FUNCTIONS)


@pytest.mark.slow  # draws every figure of a whole example
@pytest.mark.parametrize("slug", sorted(p.name for p in REVIEWS_DIR.iterdir() if (p / "review.yml").exists()))
def test_every_example_figure_passes(slug):
    """No figure of an example is blank, has overlapping labels or text outside the figure; the diagrams'
    titles carry the review's title."""
    apply_figure_style()
    review = load_review(REVIEWS_DIR / slug)
    checked = 0
    for name, figure in _figures(review):
        assert figure_problems(figure) == [], name
        if name not in _OTHER_STAGES:
            assert " ".join(review.title.split()) in " ".join(
                " ".join(t.get_text().split()) for t in visible_texts(figure)), name
        plt.close(figure)
        checked += 1
    assert checked


def test_a_new_reviews_figures_pass(tmp_path):
    """The figures of a review scaffolded by `synthesis new` pass the same check."""
    apply_figure_style()
    review = load_review(new_review(tmp_path / "my-review")[0].parent)
    figures = list(_figures(review))
    assert figures
    for name, figure in figures:
        assert figure_problems(figure) == [], name
        plt.close(figure)


def test_blank_figure_is_found():
    """A figure with nothing but its title is blank."""
    figure, ax = plt.subplots()
    ax.axis("off")
    ax.set_title("Only a title")
    assert figure_problems(figure) == ["blank: nothing is drawn beyond the title"]
    ax.plot([0, 1], [0, 1])
    assert figure_problems(figure) == []
    plt.close(figure)


def test_overlapping_and_outside_texts_are_found():
    """Two labels drawn over each other, and a label running off the edge, are reported by their text."""
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "first label")
    ax.text(0.52, 0.5, "second label")
    ax.text(0.9, 0.1, "a label far too long to stay inside the figure", transform=figure.transFigure)
    problems = figure_problems(figure)
    assert "overlap: 'first label' and 'second label'" in problems
    assert "outside the figure: 'a label far too long to stay inside the figure'" in problems
    plt.close(figure)


def test_hidden_axes_labels_are_not_counted():
    """Tick labels of an axes drawn without axes (axis off) are not texts a reader sees."""
    figure, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.axis("off")
    assert not any(t.get_text() == "0.0" for t in visible_texts(figure))
    plt.close(figure)

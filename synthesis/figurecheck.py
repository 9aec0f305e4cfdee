"""A reader's check of a figure, from matplotlib's own renderer: it is not blank, no two text labels overlap,
and no text falls outside the figure."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.text import Text

__all__ = ["visible_texts", "figure_problems"]

# Extents touching by a pixel or two are neighbours, not an overlap (antialiasing and rounding).
_TOLERANCE_PX = 1.5


def visible_texts(figure: plt.Figure) -> list[Text]:
    """Every text the figure draws: its own texts, and per axes the titles, texts, legends and, when the axes
    are drawn (``axis("off")`` hides them), tick and axis labels. Empty and hidden texts are left out."""
    texts = list(figure.texts)
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_visible():
                    texts += [axis.label, *axis.get_ticklabels(), axis.get_offset_text()]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _blank(figure: plt.Figure, title_texts: list[Text]) -> bool:
    """Whether the figure's pixels, titles left out, are all one colour."""
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    height = pixels.shape[0]
    mask = np.ones(pixels.shape[:2], dtype=bool)
    for text in title_texts:
        box = text.get_window_extent()
        mask[max(0, int(height - box.y1)):int(height - box.y0) + 1, max(0, int(box.x0)):int(box.x1) + 1] = False
    rest = pixels[mask]
    return rest.size == 0 or bool((rest == rest[0]).all())


def figure_problems(figure: plt.Figure) -> list[str]:
    """What a reader would find wrong with ``figure``; empty when it passes.

    Blank: every pixel outside the figure's titles is one colour. Overlap: two texts' rendered extents
    intersect. Outside: a text's extent reaches beyond the figure's edge.
    """
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = visible_texts(figure)
    titles = figure.texts[:1] + [ax.title for ax in figure.axes]
    problems = ["blank: nothing is drawn beyond the title"] if _blank(figure, titles) else []
    extents = [(t, t.get_window_extent(renderer)) for t in texts]
    frame = figure.bbox
    for text, box in extents:
        if (box.x0 < frame.x0 - _TOLERANCE_PX or box.y0 < frame.y0 - _TOLERANCE_PX
                or box.x1 > frame.x1 + _TOLERANCE_PX or box.y1 > frame.y1 + _TOLERANCE_PX):
            problems.append(f"outside the figure: {text.get_text()!r}")
    for (first, a), (second, b) in itertools.combinations(extents, 2):
        width = min(a.x1, b.x1) - max(a.x0, b.x0)
        height = min(a.y1, b.y1) - max(a.y0, b.y0)
        if width > _TOLERANCE_PX and height > _TOLERANCE_PX:
            problems.append(f"overlap: {first.get_text()!r} and {second.get_text()!r}")
    return problems

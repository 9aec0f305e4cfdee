"""Drawing the review's figures from plain data: the theory map, the presence matrix, the PRISMA 2020 flow diagram
and the nested CMOC diagrams, with the caption and alt text each figure is shown with.

Each stage computes its figure's data and calls the drawing here (``initial_theory.theory_map``,
``tallies.matrix_figure``, ``prisma.flow_diagram``, ``final_theory.nested_cmoc_diagram``); this module knows
style, boxes, layout and captions, and imports no stage. Every figure is titled with the review's title, keeps
its text inside the figure and its labels apart (:mod:`synthesis.figurecheck` checks both), and is drawn in the
style of :data:`synthesis.outputs.FIGURE_STYLE`.
"""

from __future__ import annotations

import itertools
import textwrap
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, PathPatch, Rectangle
from matplotlib.path import Path as CurvePath

from synthesis.outputs import FIGURE_STYLE

__all__ = ["FIGURE_CAPTIONS", "figure_caption", "figure_alt_text", "draw_theory_map", "draw_presence_matrix",
           "draw_flow_diagram", "draw_nested_cmoc"]

#: What each figure shows, by the name it is saved under (``cmoc_`` figures by their prefix).
FIGURE_CAPTIONS = {
    "prisma_flow": "PRISMA 2020 flow diagram: records identified, screened, assessed and included, with the "
                   "counts the review reports or derives from its records (derived counts marked).",
    "theory_map": "Theory map: the areas of the initial programme theory, their topics with the theories under "
                  "each, and the middle-range theories each topic draws on.",
    "presence_matrix": "Presence matrix: which coding nodes (columns, grouped into contexts, mechanisms and "
                       "outcomes) each included document (rows) is coded to; a dark cell is coded.",
    "appraisal_traffic_light": "Appraisal of each study, item by item.",
    "appraisal_summary_bars": "Appraisal answers summarised across studies, item by item.",
    "score_heatmap": "The measure's scores per item and site.",
    "cmoc_": "Nested context-mechanism-outcome configurations of one context; line and border widths give the "
             "number of documents cited.",
}
_TEXT = "#222222"
_EDGE = "#8a8a8a"


def figure_caption(name: str) -> str:
    """The sentence saying what figure ``name`` shows (its name in words when it has none)."""
    for key in (name, name.split("_", 1)[0] + "_"):
        if key in FIGURE_CAPTIONS:
            return FIGURE_CAPTIONS[key]
    return name.replace("_", " ").capitalize() + "."


def figure_alt_text(figure: plt.Figure, name: str) -> str:
    """Alt text for ``figure``: its title (the review and what is drawn) and its caption."""
    titles = [t.get_text() for t in figure.texts if t.get_text().strip()][:1]
    titles += [ax.get_title() for ax in figure.axes if ax.get_title()]
    title = " ".join(" ".join(titles).split())
    return f"{title}. {figure_caption(name)}" if title else figure_caption(name)


def _wrap(text: str, width: int, max_lines: int | None = None) -> str:
    """``text`` broken between words into lines of at most ``width`` characters (never inside a word)."""
    if max_lines:
        return "\n".join(textwrap.wrap(text, width, max_lines=max_lines, placeholder=" \u2026",
                                       break_long_words=False))
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _title(figure: plt.Figure, title: str, what: str, fontsize: float = 9) -> None:
    """The figure's title, ``what: the review's title``, wrapped to the figure's width, at its top."""
    width = int(figure.get_figwidth() * 72 / (fontsize * 0.62))
    figure.text(0.5, 1 - 0.08 / figure.get_figheight(), _wrap(f"{what}: {title}", width), ha="center",
                va="top", fontsize=fontsize, color=_TEXT)


def _new_figure(width: float, height: float) -> plt.Figure:
    with matplotlib.rc_context(FIGURE_STYLE):
        return plt.figure(figsize=(width, height))


# --- The theory map -------------------------------------------------------------------------------------------

# Columns in inches: (left, width, characters per line at 7 pt).
_AREA, _TOPIC, _SOURCE = (0.15, 2.1, 34), (2.75, 4.75, 78), (8.45, 3.4, 54)
_LINE, _PAD, _GAP = 0.125, 0.1, 0.09


def _box_height(text: str) -> float:
    return text.count("\n") * _LINE + _LINE + _PAD


def _draw_box(ax, column: tuple, top: float, text: str, colour: str) -> float:
    """A rounded box in ``column`` from ``top`` down holding ``text``; returns its centre's height."""
    left, width, _ = column
    height = _box_height(text)
    ax.add_patch(FancyBboxPatch((left, top - height), width, height, boxstyle="round,pad=0,rounding_size=0.06",
                                facecolor=colour, edgecolor="#777777", linewidth=0.5, zorder=2))
    ax.text(left + 0.07, top - height / 2, text, fontsize=7, va="center", ha="left", color=_TEXT, zorder=3,
            linespacing=1.25)
    return top - height / 2


def _curve(ax, start: tuple[float, float], end: tuple[float, float]) -> None:
    """An S-shaped connector leaving ``start`` and entering ``end`` horizontally (crossings stay readable)."""
    bend = (end[0] - start[0]) / 2
    path = CurvePath([start, (start[0] + bend, start[1]), (end[0] - bend, end[1]), end],
                     [CurvePath.MOVETO, CurvePath.CURVE4, CurvePath.CURVE4, CurvePath.CURVE4])
    ax.add_patch(PathPatch(path, facecolor="none", edgecolor=_EDGE, linewidth=0.7, zorder=1))


def _spread(wanted: list[float], heights: list[float]) -> list[float]:
    """Tops for boxes that want their centres at ``wanted`` (descending), pushed down so none overlap."""
    tops, floor = [], float("inf")
    for centre, height in zip(wanted, heights):
        top = min(centre + height / 2, floor)
        tops.append(top)
        floor = top - height - _GAP
    return tops


def _draw_topics(ax, topics: list[dict], area_labels: dict[str, str], members: dict[str, str]) -> tuple[dict, float]:
    """Topic boxes stacked by area, each area's box beside its topics; the topics' heights and the bottom."""
    area_order = list(area_labels) + [t["area"] for t in topics if t["area"] not in area_labels]
    top, topic_y = 0.0, {}
    for area in dict.fromkeys(area_order):
        chosen = [t for t in topics if t["area"] == area]
        if not chosen:
            continue
        area_top = top
        for topic in chosen:
            text = _wrap(f"{topic['label']} [{members.get(topic['id'], '')}]", _TOPIC[2])
            topic_y[topic["id"]] = _draw_box(ax, _TOPIC, top, text, "#ffffff")
            top -= _box_height(text) + _GAP
        text = _wrap(area_labels.get(area, area), _AREA[2])
        centre = (area_top + top + _GAP) / 2
        area_y = _draw_box(ax, _AREA, min(area_top, centre + _box_height(text) / 2), text, "#dbe9f6")
        for topic in chosen:
            _curve(ax, (_AREA[0] + _AREA[1], area_y), (_TOPIC[0], topic_y[topic["id"]]))
        top -= 0.15
    return topic_y, top


def _draw_sources(ax, used: dict[str, list[str]], names: dict[str, str], topic_y: dict[str, float]) -> float:
    """The middle-range theories, each near the topics that use it, connected to them; returns the bottom."""
    wanted = {s: float(np.mean([topic_y[t] for t in ts])) for s, ts in used.items()}
    order = sorted(used, key=lambda s: (-wanted[s], names.get(s, s)))
    texts = [_wrap(names.get(s, s), _SOURCE[2]) for s in order]
    tops = _spread([wanted[s] for s in order], [_box_height(t) for t in texts])
    bottom = 0.0
    for source_id, text, source_top in zip(order, texts, tops):
        y = _draw_box(ax, _SOURCE, source_top, text, "#fde9d9")
        bottom = min(bottom, source_top - _box_height(text))
        for topic in dict.fromkeys(used[source_id]):
            _curve(ax, (_TOPIC[0] + _TOPIC[1], topic_y[topic]), (_SOURCE[0], y))
    return bottom


def draw_theory_map(title: str, topics: list[dict], area_labels: dict[str, str], members: dict[str, str],
                    source_names: dict[str, str], sources_used: dict[str, list[str]]) -> plt.Figure:
    """Areas, their topics (with the theories under each) and the middle-range theories each topic draws on.

    Boxes hold their whole text; connectors run from a box's edge to the next box's edge; the middle-range
    theories are ordered by the topics that use them, so connectors cross as little as the data allows.

    Parameters
    ----------
    title : str
        The review's title.
    topics : list of dict
        Each topic's ``id``, ``area`` and ``label``, in the paper's order.
    area_labels : dict
        Area id to its label, in the paper's order.
    members : dict
        Topic id to the labels of the theories under it, joined.
    source_names : dict
        Middle-range theory id to its name.
    sources_used : dict
        Middle-range theory id to the ids of the topics drawing on it.
    """
    fig = _new_figure(12, 4)  # resized below, once the boxes' heights are known
    ax = fig.add_axes([0, 0, 1, 1])
    ax.axis("off")
    topic_y, bottom = _draw_topics(ax, topics, area_labels, members)
    bottom = min(bottom, _draw_sources(ax, sources_used, source_names, topic_y))
    for column, heading in ((_AREA, "Areas"), (_TOPIC, "Topics, with the numbers of their theories"),
                            (_SOURCE, "Middle-range theories")):
        ax.text(column[0], 0.08, heading, fontsize=7.5, fontweight="bold", va="bottom", ha="left", color=_TEXT)
    heading_room, title_room = 0.3, 0.55
    height = -bottom + heading_room + title_room
    fig.set_figheight(height)
    ax.set_position([0, 0, 1, (height - title_room) / height])
    ax.set_xlim(0, 12)
    ax.set_ylim(bottom - 0.05, heading_room - 0.05)
    _title(fig, title, "Theory map")
    return fig


# --- The presence matrix --------------------------------------------------------------------------------------

_BANDS = {"context": ("Contexts", "#dbe9f6"), "mechanism": ("Mechanisms", "#e4f0dc"), "outcome": ("Outcomes", "#fde9d9")}


def _band(kind: str) -> str:
    """The C/M/O band a node kind belongs to (``outcome domain`` is an outcome), or the kind itself."""
    return next((band for band in _BANDS if str(kind).startswith(band)), str(kind))


def draw_presence_matrix(title: str, matrix: pd.DataFrame, node_kinds: dict[str, str], labels: dict[str, str],
                         unit: str = "document") -> plt.Figure:
    """The presence matrix as a grid: units down, nodes across grouped into context, mechanism and outcome bands
    (then any other kinds), with gridlines and labels wrapped between words.

    Parameters
    ----------
    title : str
        The review's title.
    matrix : pandas.DataFrame
        Units (rows) by node ids (columns), 1 where the unit is coded to the node.
    node_kinds : dict
        Node id to its kind (``context``, ``mechanism``, ``outcome domain`` ...).
    labels : dict
        Node id to the label shown.
    unit : str
        What a row is (``document``, ``study`` ...).
    """
    kinds = {node: _band(kind) for node, kind in node_kinds.items()}
    ranks = {band: i for i, band in enumerate(_BANDS)}
    columns = sorted(matrix.columns, key=lambda n: (ranks.get(kinds.get(n, ""), len(ranks)), kinds.get(n, "")))
    matrix = matrix[columns]
    rows, count = matrix.shape
    # Beyond 80 rows or columns labels would be unreadable: the table beside the figure names every node.
    cell = 0.42
    width = min(14.0, max(6.0, cell * count + 2.6))
    label_room = 1.6 if count <= 80 else 0.5
    top_room = 1.0  # the title and the C/M/O bands
    height = min(12.0, max(3.5, 0.26 * rows + label_room + top_room))
    fig = _new_figure(width, height)
    ax = fig.add_axes([2.3 / width, label_room / height, 1 - 2.5 / width, 1 - (label_room + top_room) / height])
    ax.imshow(matrix.values, cmap="Blues", vmin=0, vmax=1.4, aspect="auto", interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, count), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.grid(which="minor", color="#c8c8c8", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    spacing = ax.get_position().width * width / count
    if count <= 80:
        lines = max(1, int(spacing / 0.13))
        ax.set_xticks(range(count), [_wrap(labels.get(n, n), 22, lines) for n in matrix.columns], rotation=90,
                      fontsize=6.5, linespacing=1.0)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{count} nodes")
    if rows <= 80:
        ax.set_yticks(range(rows), [_wrap(str(r), 34, 1) for r in matrix.index], fontsize=7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{rows} {unit}s")
    _draw_bands(ax, [kinds.get(n, "") for n in matrix.columns], spacing)
    _title(fig, title, f"Presence matrix ({unit}s \u00d7 nodes, dark = coded)")
    return fig


def _draw_bands(ax, column_bands: list[str], spacing: float) -> None:
    """The C/M/O band over each run of columns of one band, with a rule between bands."""
    start = 0
    for band, group in itertools.groupby(column_bands):
        size = len(list(group))
        name, colour = _BANDS.get(band, (band or "other", "#eeeeee"))
        ax.add_patch(Rectangle((start - 0.5, -0.5), size, -0.9, facecolor=colour, edgecolor="#555555",
                               linewidth=0.6, clip_on=False))
        ax.text(start - 0.5 + size / 2, -0.95, _wrap(name, max(4, int(size * spacing * 11)), 1),
                ha="center", va="center", fontsize=7, color=_TEXT)
        if start:
            ax.axvline(start - 0.5, color="#333333", linewidth=1.2)
        start += size


# --- The PRISMA 2020 flow diagram -----------------------------------------------------------------------------

def _fitted_box(ax, x, y, w, h, text, muted=False, largest=7.5, smallest=5.0):
    """A box with ``text`` wrapped and, if need be, set smaller until it fits inside (measured, not guessed)."""
    ax.add_patch(Rectangle((x, y), w, h, fill=True, facecolor="#f2f2f2" if muted else "white",
                           edgecolor="#444444", linewidth=1))
    renderer = ax.figure.canvas.get_renderer()
    (left, low), (right, high) = ax.transData.transform([(x, y), (x + w, y + h)])
    room_w, room_h = (right - left) * 0.92, (high - low) * 0.9
    label = ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=largest, color=_TEXT)
    size = largest
    while True:
        label.set_fontsize(size)
        characters = max(8, int(room_w / (size * 0.6 * ax.figure.dpi / 72)) + 6)
        for width in range(characters, 7, -1):
            label.set_text(_wrap(text, width))
            extent = label.get_window_extent(renderer)
            if extent.width <= room_w:
                break
        if extent.height <= room_h or size <= smallest:
            return label
        size -= 0.5


def _arrow(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9, linewidth=0.9, color="#444444"))


def draw_flow_diagram(title: str, counts: dict[str, tuple], box_labels: dict[str, str],
                      per_database: list[tuple[str, int | None]], reasons: dict[str, str]) -> plt.Figure:
    """The PRISMA 2020 flow diagram (new reviews; databases and registers, and other methods).

    Counts the paper does not report are printed as 'n = not reported', counts whose records cannot be read as
    'n = cannot be derived'; derived counts are marked, full-text exclusions carry their reasons, and each box's
    text is wrapped and sized to fit the box.

    Parameters
    ----------
    title : str
        The review's title.
    counts : dict
        Each PRISMA box to ``(n or None, status)``, status ``reported``, ``derived`` or ``cannot be derived``.
    box_labels : dict
        Each box to the words it is drawn with.
    per_database : list of tuple
        ``(database, n or None)`` for each export, in the order they are listed.
    reasons : dict
        Exclusion box to the reasons for exclusion with their counts, as one line.
    """
    def n(key):
        return _count_text(*counts[key])

    fig = _new_figure(8.5, 7.6)
    ax = fig.add_axes([0.01, 0.01, 0.98, 0.9])
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.axis("off")
    _draw_identification(ax, n, "identified" in counts, per_database)
    rows = [(64, "records_screened", "records_excluded"), (48, "dbr_sought_reports", "dbr_notretrieved_reports"),
            (32, "dbr_assessed", "dbr_excluded")]
    for y, left, right in rows:
        _fitted_box(ax, 4, y, 34, 10, f"{box_labels[left]} ({n(left)})")
        because = f": {reasons[right]}" if right in reasons else ""
        _fitted_box(ax, 44, y, 26, 10, f"{box_labels[right]} ({n(right)}){because}")
        _arrow(ax, (38, y + 5), (44, y + 5))
        _arrow(ax, (21, y + 16), (21, y + 10))
    _draw_other_methods_and_inclusion(ax, n)
    _title(fig, title, "PRISMA 2020 flow")
    return fig


def _count_text(value, status: str) -> str:
    """A box's count as printed: ``n = 1,234``, marked when derived, or why there is none."""
    if value is None or pd.isna(value):  # no-break spaces: "n =" never ends a line
        return "n\u00a0=\u00a0cannot be derived" if status == "cannot be derived" else "n\u00a0=\u00a0not reported"
    return f"n\u00a0=\u00a0{int(value):,}" + (" (derived)" if status == "derived" else "")


def _draw_identification(ax, n, has_total: bool, per_database: list[tuple[str, int | None]]) -> None:
    """The identification row: records per source, those removed before screening, and the other methods'."""
    identified = f"Records identified from databases ({n('database_results')}) and registers ({n('register_results')})"
    if has_total:
        identified += f"; all sources: {n('identified')}"
    if per_database:
        identified += ": " + ", ".join(f"{database} {'n.r.' if count is None or pd.isna(count) else int(count)}"
                                       for database, count in per_database)
    _fitted_box(ax, 4, 80, 34, 16, identified)
    _fitted_box(ax, 44, 80, 26, 16, f"Removed before screening: duplicates ({n('duplicates')}); automation "
                                    f"({n('excluded_automatic')}); other ({n('excluded_other')})")
    _fitted_box(ax, 74, 80, 24, 16, f"Records from websites ({n('website_results')}), organisations "
                                    f"({n('organisation_results')}), citation searching ({n('citations_results')})",
                muted=True)


def _draw_other_methods_and_inclusion(ax, n) -> None:
    """The other methods' reports, the included studies, the arrows between rows and the rows' names."""
    _fitted_box(ax, 74, 48, 24, 10, f"Reports sought ({n('other_sought_reports')}); not retrieved "
                                    f"({n('other_notretrieved_reports')})", muted=True)
    _fitted_box(ax, 74, 32, 24, 10, f"Reports assessed ({n('other_assessed')}); excluded ({n('other_excluded')})",
                muted=True)
    _arrow(ax, (86, 80), (86, 58))
    _arrow(ax, (86, 48), (86, 42))
    _fitted_box(ax, 4, 4, 34, 18, f"Studies included in review ({n('new_studies')}); reports of included studies "
                                  f"({n('new_reports')})")
    _arrow(ax, (21, 32), (21, 22))
    _arrow(ax, (86, 32), (38, 13))
    _arrow(ax, (38, 88), (44, 88))
    for y, label in ((88, "Identification"), (56, "Screening"), (13, "Included")):
        ax.text(1.5, y, label, rotation=90, ha="center", va="center", fontsize=8, fontweight="bold", color=_TEXT)


# --- Nested CMOC diagrams -------------------------------------------------------------------------------------

#: Where the columns of a nested CMOC diagram stand (inches across a 10-inch figure).
_CONTEXT_X, _MECHANISM_X, _OUTCOME_X = 1.05, 4.8, 8.6
#: Line width per document cited.
_WIDTH_PER_DOCUMENT = 0.9


def _edge_label(ax, start, end, fraction, text, colour, placed):
    """The count of an edge, on the edge: at ``fraction`` of its length, slid along it away from other counts."""
    for shift in (0, -0.07, 0.07, -0.13, 0.13, -0.19, 0.19):
        along = fraction + shift
        x, y = start[0] + (end[0] - start[0]) * along, start[1] + (end[1] - start[1]) * along
        if all(abs(x - px) > 0.3 or abs(y - py) > 0.22 for px, py in placed):
            break
    placed.append((x, y))
    ax.text(x, y, text, fontsize=7, color=colour, ha="center", va="center", zorder=3,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": colour, "linewidth": 0.4})


def _centres(count: int, height: float) -> list[float]:
    """Heights of ``count`` boxes spread evenly down a column ``height`` tall."""
    step = height / count
    return [height - step * (i + 0.5) for i in range(count)]


def _cmoc_axes(rows: int) -> tuple[plt.Figure, Any, float]:
    """A figure tall enough for ``rows`` boxes a column, its axes, and the height of the columns."""
    height = max(rows, 2)
    fig = _new_figure(10, 1.25 * height + 1.6)
    ax = fig.add_axes([0.01, 0.01, 0.98, 1 - 0.7 / fig.get_figheight()])
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.7, height)
    ax.axis("off")
    return fig, ax, height


def _draw_cmoc_edges(ax, context_y: float, mechanisms: list[tuple[str, int]], mechanism_y: list[float],
                     outcome_y: list[float], pairs: list[tuple[int, int, int]]) -> None:
    """Context-mechanism and mechanism-outcome edges, as wide as their documents, each with its count on it."""
    placed: list[tuple[float, float]] = []
    for (_, n), y in zip(mechanisms, mechanism_y):
        # Edges run to the boxes' centres beneath the boxes, so they meet every box whatever its width.
        start, end = (_CONTEXT_X, context_y), (_MECHANISM_X, y)
        ax.plot(*zip(start, end), color="#6a8caf", linewidth=_WIDTH_PER_DOCUMENT * n, zorder=1,
                solid_capstyle="butt")
        # Past the context's circle and before the mechanism's box, where the edges have fanned out.
        _edge_label(ax, start, end, 0.55, str(n), "#33506e", placed)
    for mechanism, outcome, n in pairs:
        start, end = (_MECHANISM_X, mechanism_y[mechanism]), (_OUTCOME_X, outcome_y[outcome])
        ax.plot(*zip(start, end), color="#b07a4f", linewidth=_WIDTH_PER_DOCUMENT * n, zorder=1,
                solid_capstyle="butt")
        # A third of the way along: edges leaving one mechanism have diverged, edges meeting one outcome not met.
        _edge_label(ax, start, end, 0.4, str(n), "#6e4526", placed)


def _draw_cmoc_boxes(ax, context: str, context_y: float, mechanisms: list[tuple[str, int]],
                     mechanism_y: list[float], outcomes: list[tuple[str, int]], outcome_y: list[float]) -> None:
    """The context's circle, the mechanisms' rounded boxes and the outcomes' rectangles, bordered by documents."""
    ax.text(_CONTEXT_X, context_y, _wrap(context, 16), ha="center", va="center", fontsize=10, fontweight="bold",
            zorder=2, bbox={"boxstyle": "circle,pad=0.6", "facecolor": "#dbe9f6", "edgecolor": "#33506e"})
    for (label, n), y in zip(mechanisms, mechanism_y):
        ax.text(_MECHANISM_X, y, _wrap(label, 26), ha="center", va="center", fontsize=8, zorder=2,
                bbox={"boxstyle": "round,pad=0.45,rounding_size=0.6", "facecolor": "#eef4fa",
                      "edgecolor": "#33506e", "linewidth": 0.4 + 0.35 * n})
    for (label, n), y in zip(outcomes, outcome_y):
        ax.text(_OUTCOME_X, y, _wrap(label, 24), ha="center", va="center", fontsize=8, zorder=2,
                bbox={"boxstyle": "square,pad=0.45", "facecolor": "#fbf1e8", "edgecolor": "#6e4526",
                      "linewidth": 0.4 + 0.35 * n})


def draw_nested_cmoc(title: str, context: str, mechanisms: list[tuple[str, int]], outcomes: list[tuple[str, int]],
                     pairs: list[tuple[int, int, int]], documents: int) -> plt.Figure:
    """The nested CMOCs of one context: its mechanisms, and the outcomes each mechanism leads to.

    Line width of each edge, and border width of each box, is set by the number of distinct documents cited for
    it (the convention of Hackmann et al.'s Figures 2-6), and the number is printed on its edge.

    Parameters
    ----------
    title : str
        The review's title.
    context : str
        The context's label.
    mechanisms, outcomes : list of tuple
        ``(label, documents)`` of each mechanism and outcome, top to bottom.
    pairs : list of tuple
        ``(mechanism index, outcome index, documents)`` of each mechanism-outcome edge.
    documents : int
        The documents cited for the context in all.
    """
    fig, ax, height = _cmoc_axes(max(len(mechanisms), len(outcomes)))
    context_y = height / 2
    mechanism_y, outcome_y = _centres(len(mechanisms), height), _centres(len(outcomes), height)
    _draw_cmoc_edges(ax, context_y, mechanisms, mechanism_y, outcome_y, pairs)
    _draw_cmoc_boxes(ax, context, context_y, mechanisms, mechanism_y, outcomes, outcome_y)
    ax.text(0.05, -0.55, _wrap(f"Mechanisms in rounded boxes, outcomes in rectangles; line and border width = number "
                               f"of papers cited ({documents} papers in all).", 150),
            fontsize=7, color="#444444")
    _title(fig, title, f"Context \u201c{context}\u201d")
    return fig

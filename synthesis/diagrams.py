"""Nested CMOC diagrams: one context, its mechanisms (rounded boxes) and outcomes (rectangles), weighted by documents."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from synthesis.review import Review
from synthesis.wording import missing

__all__ = ["contexts_with_links", "nested_cmoc_diagram", "diagrams_sentence"]


def contexts_with_links(review: Review) -> list[str]:
    """Node ids of the contexts that have at least one mechanism-outcome link, in the paper's order."""
    links = review.table("coding/links.csv")
    nodes = review.table("coding/nodes.csv")
    if links is None or nodes is None:
        return []
    linked = set(links["context"])
    return [n for n in nodes.loc[nodes["kind"] == "context", "node_id"] if n in linked]


def _wrap(text: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(text, width))


def nested_cmoc_diagram(review: Review, context_id: str) -> plt.Figure:
    """The nested CMOCs of one context.

    Line width of each context-mechanism and mechanism-outcome edge, and border width of each box, is set by
    the number of distinct documents cited for it (the convention of Hackmann et al.'s Figures 2-6), and the
    number is printed on the edge.
    """
    links = review.table("coding/links.csv")
    nodes = review.table("coding/nodes.csv").set_index("node_id")
    chosen = links[links["context"] == context_id]
    if chosen.empty:
        raise ValueError(f"no links for context {context_id!r}")

    def documents(frame: pd.DataFrame) -> int:
        return len({d for docs in frame["documents"] for d in docs})

    mechanisms = sorted(set(chosen["mechanism"]), key=lambda m: (-documents(chosen[chosen["mechanism"] == m]), m))
    outcomes = sorted(set(chosen["outcome"]), key=lambda o: (-documents(chosen[chosen["outcome"] == o]), o))
    height = max(len(mechanisms), len(outcomes), 2)
    fig, ax = plt.subplots(figsize=(10, 1.25 * height + 1.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.7, height)
    ax.axis("off")

    def ys(count: int) -> list[float]:
        step = height / count
        return [height - step * (i + 0.5) for i in range(count)]

    context_y = height / 2
    mechanism_y = dict(zip(mechanisms, ys(len(mechanisms))))
    outcome_y = dict(zip(outcomes, ys(len(outcomes))))
    scale = 0.9

    for mechanism in mechanisms:
        n = documents(chosen[chosen["mechanism"] == mechanism])
        # Edges run to the boxes' centres beneath the boxes, so they meet every box whatever its width.
        ax.plot([1.05, 4.8], [context_y, mechanism_y[mechanism]], color="#6a8caf", linewidth=scale * n, zorder=1,
                solid_capstyle="butt")
        ax.text(2.9, (context_y + mechanism_y[mechanism]) / 2 + 0.08, str(n), fontsize=7, color="#33506e")
    placed: list[tuple[float, float]] = []
    for (mechanism, outcome), group in chosen.groupby(["mechanism", "outcome"], sort=True):
        n = documents(group)
        start, end = mechanism_y[mechanism], outcome_y[outcome]
        ax.plot([4.8, 8.6], [start, end], color="#b07a4f", linewidth=scale * n, zorder=1, solid_capstyle="butt")
        # Counts sit about a third of the way along (edges leaving one mechanism have diverged, edges meeting
        # one outcome have not yet met, edges that cross at halfway are still apart), slid along the edge
        # when another count already stands there.
        for fraction in (1 / 3, 0.26, 0.4, 0.22, 0.45):
            x, y = 4.8 + 3.8 * fraction, start + (end - start) * fraction
            if all(abs(x - px) > 0.25 or abs(y - py) > 0.2 for px, py in placed):
                break
        placed.append((x, y))
        ax.text(x, y, str(n), fontsize=7, color="#6e4526", ha="center", va="center",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})

    ax.text(1.05, context_y, _wrap(nodes.loc[context_id, "label"], 16), ha="center", va="center", fontsize=10,
            fontweight="bold", bbox={"boxstyle": "circle,pad=0.6", "facecolor": "#dbe9f6", "edgecolor": "#33506e"})
    for mechanism in mechanisms:
        n = documents(chosen[chosen["mechanism"] == mechanism])
        ax.text(4.8, mechanism_y[mechanism], _wrap(nodes.loc[mechanism, "label"]), ha="center", va="center",
                fontsize=8, zorder=2, bbox={"boxstyle": "round,pad=0.45,rounding_size=0.6", "facecolor": "#eef4fa",
                                            "edgecolor": "#33506e", "linewidth": 0.4 + 0.35 * n})
    for outcome in outcomes:
        n = documents(chosen[chosen["outcome"] == outcome])
        ax.text(8.6, outcome_y[outcome], _wrap(nodes.loc[outcome, "label"], 24), ha="center", va="center",
                fontsize=8, zorder=2, bbox={"boxstyle": "square,pad=0.45", "facecolor": "#fbf1e8",
                                            "edgecolor": "#6e4526", "linewidth": 0.4 + 0.35 * n})
    total = documents(chosen)
    ax.text(0.05, -0.55, f"Context: {nodes.loc[context_id, 'label']}. Mechanisms in rounded boxes, outcomes in "
                         f"rectangles; line and border width = number of papers cited ({total} papers in all).",
            fontsize=7, color="#444444")
    fig.tight_layout()
    return fig


def diagrams_sentence(review: Review) -> str:
    """How many nested CMOC diagrams the review has, or why it has none."""
    count = len(contexts_with_links(review))
    if count:
        return f"{count} nested CMOC diagram(s), one per context with published links."
    return missing(review, "nested_cmoc")

"""Measure validation: item and site scores, floor and ceiling effects, item ranges and known-group comparisons."""

from __future__ import annotations

import pandas as pd

from synthesis import registry
from synthesis.review import Review

__all__ = ["has_measure", "score_matrix", "item_summary", "site_totals", "group_means", "known_groups",
           "score_heatmap", "measure_sentence", "measure_value", "MEASURE_VALUES"]


def has_measure(review: Review) -> bool:
    """Whether the review built a measure (``measure/items.csv``, ``sites.csv`` and ``scores.csv``)."""
    return all(review.has(f"measure/{name}.csv") for name in ("items", "sites", "scores"))


def _scores(review: Review) -> pd.DataFrame:
    scores = review.table("measure/scores.csv")
    frame = scores.pivot(index="item_id", columns="site_id", values="score")
    items = list(review.table("measure/items.csv")["item_id"])
    sites = list(review.table("measure/sites.csv")["site_id"])
    return frame.reindex(index=items, columns=sites).astype(float)


def score_matrix(review: Review) -> pd.DataFrame:
    """Items x sites as the paper's table sets them out, with each item's mean and each site's total recomputed.

    Empty when the review builds no measure (so are :func:`item_summary` and :func:`site_totals`).
    """
    if not has_measure(review):
        return pd.DataFrame()
    frame = _scores(review)
    items = review.table("measure/items.csv").set_index("item_id")
    sites = review.table("measure/sites.csv").set_index("site_id")
    shown = frame.copy()
    shown.columns = [sites.loc[s, "name"] for s in frame.columns]
    shown.index = [f"{i}. {items.loc[i, 'label']}" for i in frame.index]
    shown["Mean"] = frame.mean(axis=1).values
    total = frame.sum(axis=0).tolist() + [frame.mean(axis=1).sum()]
    shown.loc["Total"] = total
    return shown.rename_axis("item").reset_index()


def item_summary(review: Review) -> pd.DataFrame:
    """Per item: mean, lowest and highest score, range, and the share of sites at the floor and at the ceiling."""
    if not has_measure(review):
        return pd.DataFrame()
    frame = _scores(review)
    items = review.table("measure/items.csv").set_index("item_id")
    rows = []
    for item_id, scores in frame.iterrows():
        low, high = items.loc[item_id, "min"], items.loc[item_id, "max"]
        rows.append({"item": item_id, "label": items.loc[item_id, "label"], "mean": scores.mean(),
                     "min": scores.min(), "max": scores.max(), "range": scores.max() - scores.min(),
                     "at floor %": 100 * (scores == low).mean(),
                     "at ceiling %": 100 * (scores == high).mean()})
    return pd.DataFrame(rows)


def site_totals(review: Review) -> pd.DataFrame:
    """Per site: total score, mean item score and the site's attributes."""
    if not has_measure(review):
        return pd.DataFrame()
    frame = _scores(review)
    sites = review.table("measure/sites.csv")
    result = sites[["site_id", "name", "income_level", "experience"]].copy()
    result["total"] = result["site_id"].map(frame.sum(axis=0))
    result["mean item score"] = result["site_id"].map(frame.mean(axis=0))
    return result.reset_index(drop=True)


def group_means(review: Review, attribute: str, groups: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Mean item score of the sites in each group of a site attribute.

    Parameters
    ----------
    attribute : str
        A column of ``measure/sites.csv`` (``experience``, ``income_level`` ...).
    groups : dict, optional
        Group name -> attribute values pooled into it (e.g. ``{"low or lower-middle": ["Low", "Lower-middle"]}``);
        by default each value is its own group.
    """
    frame = _scores(review)
    sites = review.table("measure/sites.csv")
    if groups is None:
        groups = {str(v): [v] for v in dict.fromkeys(sites[attribute])}
    rows = []
    for name, values in groups.items():
        members = sites[sites[attribute].isin(values)]
        scores = frame[list(members["site_id"])]
        rows.append({"attribute": attribute, "group": name, "sites": ", ".join(members["name"]),
                     "mean item score": float(scores.values.mean())})
    return pd.DataFrame(rows, columns=["attribute", "group", "sites", "mean item score"])


def known_groups(review: Review, attributes: list[str],
                 pooled: dict[str, dict[str, list[str]]] | None = None) -> pd.DataFrame:
    """:func:`group_means` for several site attributes in one table.

    ``pooled`` maps an attribute to its groups (name -> values pooled); an attribute without an entry has one
    group per value.
    """
    if not has_measure(review):
        return pd.DataFrame()
    pooled = pooled or {}
    return pd.concat([group_means(review, attribute, pooled.get(attribute)) for attribute in attributes],
                     ignore_index=True)


def score_heatmap(review: Review):
    """Items x sites as a heat map of scores (0 = implementation most difficult), values printed in the cells;
    None when the review builds no measure."""
    import matplotlib.pyplot as plt

    if not has_measure(review):
        return None
    frame = _scores(review)
    items = review.table("measure/items.csv").set_index("item_id")
    sites = review.table("measure/sites.csv").set_index("site_id")
    fig, ax = plt.subplots(figsize=(8, 4.2))
    image = ax.imshow(frame.values, cmap="YlGnBu", vmin=float(items["min"].min()), vmax=float(items["max"].max()),
                      aspect="auto")
    ax.set_xticks(range(len(frame.columns)), [f"{sites.loc[s, 'name']}\n({sites.loc[s, 'experience']})"
                                              for s in frame.columns], fontsize=7.5)
    ax.set_yticks(range(len(frame.index)), [f"{i}. {items.loc[i, 'label'][:38]}" for i in frame.index], fontsize=7.5)
    for (row, column), value in pd.DataFrame(frame.values).stack().items():
        ax.text(column, row, f"{value:g}", ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="item score")
    ax.set_title("Item scores per site (experience of implementation in brackets)", fontsize=9)
    fig.tight_layout()
    return fig


def measure_sentence(review: Review) -> str:
    """Whether the review builds a measure, with its size, as a sentence for the notebook."""
    if not has_measure(review):
        return "This review does not build a measure: there is nothing to validate."
    items, sites = len(review.table("measure/items.csv")), len(review.table("measure/sites.csv"))
    return f"This review builds a measure of **{items} items**, rated at **{sites} sites**."


#: The values of a measure published claims may compute (``measure:NAME[:ARGUMENT]``).
MEASURE_VALUES = ("item_mean", "site_total", "mean_total", "item_mean_min", "item_mean_max", "max_total",
                  "items_range_below", "group_mean", "items_at_bound_over")


def _score_rows(review: Review, spec: str) -> pd.DataFrame:
    return review.table("measure/scores.csv")


@registry.computes("measure", "NAME[:ARGUMENT] with NAME one of " + ", ".join(MEASURE_VALUES), parts=None,
                   valid=lambda target: target.split(":")[0] in MEASURE_VALUES, inputs=_score_rows)
def measure_value(review: Review, spec: str):
    """The value of ``measure:NAME[:ARGUMENT]`` (see data/README.md, "Computed values").

    Raises
    ------
    LookupError
        When ``NAME`` is not one of :data:`MEASURE_VALUES`; KeyError when the argument names no item or site.
    """
    name, _, argument = spec.partition(":")
    summary = review.cached("measure_item_summary", lambda: item_summary(review))
    if name == "item_mean":
        return float(summary.set_index("item").loc[argument, "mean"])
    if name == "site_total":
        return float(site_totals(review).set_index("site_id").loc[argument, "total"])
    if name == "mean_total":
        return float(summary["mean"].sum())
    if name == "item_mean_min":
        return float(summary["mean"].min())
    if name == "item_mean_max":
        return float(summary["mean"].max())
    if name == "max_total":
        return float(review.table("measure/items.csv")["max"].sum())
    if name == "items_range_below":
        return ", ".join(summary.loc[summary["range"] < float(argument), "item"])
    if name == "items_at_bound_over":
        # Items with more than `argument` % of the sites at the lowest or at the highest score.
        over = (summary["at floor %"] > float(argument)) | (summary["at ceiling %"] > float(argument))
        return ", ".join(summary.loc[over, "item"]) or "none"
    if name == "group_mean":
        attribute, values = argument.split("=", 1)
        groups = group_means(review, attribute, {values: values.split("|")})
        return float(groups["mean item score"].iloc[0])
    raise LookupError(f"unknown measure value {name!r}")

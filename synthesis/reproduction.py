"""The reproduction report: each number a paper publishes set beside the value computed from the review's data."""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from synthesis import measure, prisma, screening, tallies, theory
from synthesis.review import Review
from synthesis.tables import filter_rows, percent, round_half_up

__all__ = ["compute", "reproduction_table", "status_summary", "claims_computed_by", "STATUSES"]

STATUSES = ("match", "mismatch", "not computable")


def _table(review: Review, name: str) -> pd.DataFrame:
    if name == "theories":
        return theory.theory_table(review)
    table = review.table(name)
    if table is None:
        raise LookupError(f"the review has no {name}")
    return table


def _split(spec: str) -> tuple[str, str]:
    return tuple(spec.split("?", 1)) if "?" in spec else (spec, "")


def _count(review, spec):
    name, conditions = _split(spec)
    return len(filter_rows(_table(review, name), conditions))


def _distinct(review, spec):
    target, conditions = _split(spec)
    name, column = target.rsplit(":", 1)
    rows = filter_rows(_table(review, name), conditions)
    return len({v for cell in rows[column] for v in (cell if isinstance(cell, list) else [cell]) if v is not None})


def _sum(review, spec):
    target, conditions = _split(spec)
    name, column = target.rsplit(":", 1)
    return float(filter_rows(_table(review, name), conditions)[column].astype(float).sum())


def _items(review, spec):
    name, key = spec.rsplit(":", 1)
    document = review.document(name)
    if document is None:
        raise LookupError(f"the review has no {name}")
    return len(document.get(key) or [])


def _percent(review, spec):
    name, row_id = spec.rsplit(":", 1)
    table = _table(review, name)
    row = table[table.iloc[:, 0] == row_id]
    if row.empty:
        raise LookupError(f"no row {row_id!r} in {name}")
    row = row.iloc[0]
    if name == "coding/nodes.csv":
        if row["published_n"] is None or pd.isna(row["published_n"]):
            raise LookupError(f"{row_id} has no published n to compute a percentage from")
        return percent(row["published_n"], tallies.denominator(review)[0])
    return percent(row["n_studies"], row["denominator"])


def _top(review, spec):
    _, k = spec.rsplit(":", 1)
    return "; ".join(tallies.theme_ordering(review)[: int(k)])


def _at_least(review, spec):
    _, threshold = spec.rsplit(":", 1)
    return int((tallies.node_tally(review)["percent"] >= float(threshold)).sum())


def _measure(review, spec):
    name, _, argument = spec.partition(":")
    summary = review.cached("measure_item_summary", lambda: measure.item_summary(review))
    if name == "item_mean":
        return float(summary.set_index("item").loc[argument, "mean"])
    if name == "site_total":
        return float(measure.site_totals(review).set_index("site_id").loc[argument, "total"])
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
    if name == "group_mean":
        attribute, values = argument.split("=", 1)
        groups = measure.group_means(review, attribute, {values: values.split("|")})
        return float(groups["mean item score"].iloc[0])
    raise LookupError(f"unknown measure value {name!r}")


def _check(review, spec):
    name, _, argument = spec.partition(":")
    nodes = review.table("coding/nodes.csv")
    total = tallies.denominator(review)[0]
    if name == "node_within_total":
        n = nodes.set_index("node_id").loc[argument, "published_n"]
        return "yes" if n <= total else "no"
    if name == "themes_within_contexts":
        counts = nodes.set_index("node_id")["published_n"]
        themes = nodes[nodes["kind"] == "theme"]
        return "yes" if all(counts[t["parent_id"]] >= t["published_n"] for t in themes.to_dict("records")) else "no"
    raise LookupError(f"unknown check {name!r}")


_NAMESPACES: dict[str, Callable[[Review, str], Any]] = {
    "count": _count, "distinct": _distinct, "sum": _sum, "items": _items, "percent": _percent, "top": _top,
    "atleast": _at_least, "measure": _measure, "check": _check,
    # Record-level reviews: Cohen's kappa per stage, and PRISMA counts derived from exports and decisions.
    "kappa": screening.kappa_value, "prisma": prisma.count_value,
}


def compute(review: Review, expression: str) -> Any:
    """The value named by ``expression`` (see data/README.md, "Computed values").

    Examples: ``count:units.csv?countries=UK``, ``percent:coding/nodes.csv:I01``,
    ``measure:group_mean:experience=yes``.

    Raises
    ------
    LookupError
        When the data the expression needs is not in the review.
    """
    namespace, _, spec = expression.partition(":")
    if namespace not in _NAMESPACES:
        raise LookupError(f"unknown computed value {expression!r}; known kinds: {', '.join(_NAMESPACES)}")
    return _NAMESPACES[namespace](review, spec)


def _decimals(value: Any) -> int:
    text = str(value)
    return len(text.split(".")[1]) if "." in text else 0


def _shown(value: Any, decimals: int) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        rounded = round_half_up(value, decimals)
        return f"{rounded:.{decimals}f}"
    return str(value)


def reproduction_table(review: Review) -> pd.DataFrame:
    """Every claim of ``published.yml`` with the computed value and its status.

    Numbers are compared after rounding the computed value as the paper rounds (``decimals``, or as many
    decimals as the published value shows, half away from zero). Nothing is adjusted to agree.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim``, ``source``, ``published``, ``computed``, ``status`` and ``note``.
    """
    columns = ["id", "claim", "source", "published", "computed", "status", "note"]
    claims = (review.document("published.yml") or {}).get("claims") or []
    rows = []
    for claim in claims:
        published = claim["value"]
        note = claim.get("note", "")
        if not claim.get("computed"):
            rows.append({"id": claim["id"], "claim": claim["claim"], "source": claim["source"],
                         "published": str(published), "computed": "", "status": "not computable",
                         "note": note or "The data behind this number is not published"})
            continue
        try:
            value = compute(review, claim["computed"])
        except (LookupError, KeyError, ValueError) as exc:
            rows.append({"id": claim["id"], "claim": claim["claim"], "source": claim["source"],
                         "published": str(published), "computed": "", "status": "not computable",
                         "note": f"{note} ({exc})".strip()})
            continue
        if isinstance(published, (int, float)):
            decimals = claim.get("decimals", _decimals(published))
            status = "match" if round_half_up(float(value), decimals) == float(published) else "mismatch"
            computed = _shown(value, decimals)
            if status == "mismatch" and float(value) != round_half_up(float(value), decimals):
                computed += f" (unrounded {float(value):.4g})"
        else:
            status = "match" if str(value).strip().lower() == str(published).strip().lower() else "mismatch"
            computed = str(value)
        rows.append({"id": claim["id"], "claim": claim["claim"], "source": claim["source"],
                     "published": str(published), "computed": computed, "status": status, "note": note})
    return pd.DataFrame(rows, columns=columns)


def status_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Claims per status (match, mismatch, not computable), all three always listed."""
    counts = table["status"].value_counts()
    return pd.DataFrame({"status": list(STATUSES), "claims": [int(counts.get(s, 0)) for s in STATUSES]})


def claims_computed_by(review: Review, prefix: str) -> pd.DataFrame:
    """The reproduction rows whose computed value starts with ``prefix`` (e.g. ``measure:``)."""
    table = reproduction_table(review)
    claims = (review.document("published.yml") or {}).get("claims") or []
    wanted = {c["id"] for c in claims if str(c.get("computed", "")).startswith(prefix)}
    return table[table["id"].isin(wanted)].reset_index(drop=True)

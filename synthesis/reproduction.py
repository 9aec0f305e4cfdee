"""The reproduction report: each number a paper publishes set beside the value computed from the review's data.

Claims are of two kinds, reported apart: a *reproduction* recomputes a number from row-level data that does not
contain it; a *transcription* check counts a list the paper prints beside the number it states. Each claim names
where its number stands (``source``) and where the data the computed value reads stands (``data_from``), so a
claim that would compare a value with itself can be found (:func:`claim_audit`). The paper's checks against
itself (:mod:`synthesis.consistency`) are a third kind of row, ``self-check``.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import pandas as pd

from synthesis import measure, prisma, screening, tallies, theory
from synthesis.consistency import COLUMNS, self_checks
from synthesis.errors import Problem, ReviewProblems
from synthesis.review import Review, display_path
from synthesis.yamlfile import read_yaml
from synthesis.tables import filter_rows, percent, round_half_up

__all__ = ["compute", "expression_problem", "expression_problems", "reproduction_table", "status_summary",
           "claims_computed_by", "claims_by_kind", "kind_table", "claim_audit", "coverage", "STATUSES", "KINDS"]

STATUSES = ("match", "mismatch", "not computable")
KINDS = ("reproduction", "transcription", "self-check")
MEASURE_VALUES = ("item_mean", "site_total", "mean_total", "item_mean_min", "item_mean_max", "max_total",
                  "items_range_below", "group_mean", "items_at_bound_over")


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


def _claims_total(review, spec):
    """The sum of the published values of the claims ``spec`` names (``ID+ID+...``): a sum the paper states."""
    claims = {claim["id"]: claim for claim in (review.document("published.yml") or {}).get("claims") or []}
    total = 0.0
    for claim_id in spec.split("+"):
        if claim_id not in claims:
            raise LookupError(f"no claim {claim_id!r} in published.yml to add up")
        value = claims[claim_id]["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"claim {claim_id!r} has the value {value!r}, not a number to add up")
        total += value
    return total


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
    if name == "items_at_bound_over":
        # Items with more than `argument` % of the sites at the lowest or at the highest score.
        over = (summary["at floor %"] > float(argument)) | (summary["at ceiling %"] > float(argument))
        return ", ".join(summary.loc[over, "item"]) or "none"
    if name == "group_mean":
        attribute, values = argument.split("=", 1)
        groups = measure.group_means(review, attribute, {values: values.split("|")})
        return float(groups["mean item score"].iloc[0])
    raise LookupError(f"unknown measure value {name!r}")


_NAMESPACES: dict[str, Callable[[Review, str], Any]] = {
    "count": _count, "distinct": _distinct, "sum": _sum, "items": _items, "percent": _percent, "top": _top,
    "atleast": _at_least, "measure": _measure, "claims": _claims_total,
    # Record-level reviews: Cohen's kappa per stage, and PRISMA counts derived from exports and decisions.
    "kappa": screening.kappa_value, "prisma": prisma.count_value,
}
# What follows the namespace, for the message that explains a malformed expression.
_SHAPES = {
    "count": "FILE[?CONDITIONS]", "distinct": "FILE:COLUMN[?CONDITIONS]", "sum": "FILE:COLUMN[?CONDITIONS]",
    "items": "FILE:KEY", "percent": "FILE:ROW_ID", "top": "FILE:K", "atleast": "FILE:PERCENT",
    "measure": "NAME[:ARGUMENT] with NAME one of " + ", ".join(MEASURE_VALUES),
    "kappa": "STAGE with STAGE one of " + ", ".join(screening.STAGES),
    "prisma": "BOX or database=NAME", "claims": "ID+ID[+ID...] naming claims of published.yml",
}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def expression_problem(expression: str) -> str:
    """What is wrong with the form of a ``computed:`` expression, or ``""`` when it is well formed.

    Only the form is checked (kind, separators, conditions, numbers); whether the review holds the data the
    expression names is found when it is computed.
    """
    namespace, colon, spec = str(expression).partition(":")
    if namespace not in _NAMESPACES or not colon:
        return f"unknown computed value {expression!r}; known kinds: {', '.join(_NAMESPACES)}"
    target, _, conditions = spec.partition("?")
    parts = target.split(":")
    if namespace == "measure":
        wrong = parts[0] not in MEASURE_VALUES
    elif namespace == "kappa":
        wrong = target not in screening.STAGES
    elif namespace == "claims":
        wrong = len(parts) != 1 or len(target.split("+")) < 2 or not all(target.split("+"))
    elif namespace in ("count", "prisma"):
        wrong = len(parts) != 1 or not parts[0]
    else:
        wrong = len(parts) != 2 or not all(parts) or (namespace in ("top", "atleast") and not _is_number(parts[1]))
    if conditions and namespace in ("count", "distinct", "sum"):
        wrong = wrong or any(not any(op in c for op in ("!=", "~", "=")) for c in conditions.split("&"))
    elif conditions:
        wrong = True
    return f"{expression!r} is not of the form {namespace}:{_SHAPES[namespace]}" if wrong else ""


def expression_problems(document: Any, display: str) -> list[Problem]:
    """Malformed ``computed:`` expressions of a read ``published.yml`` (a YamlDocument), one problem each."""
    problems = []
    for index, claim in enumerate((document.data or {}).get("claims") or []):
        if not isinstance(claim, dict) or not claim.get("computed"):
            continue
        message = expression_problem(claim["computed"])
        if message:
            problems.append(Problem(display, document.line_of(("claims", index, "computed")), "claims.computed",
                                    message, "see data/README.md, 'Computed values', for the expressions"))
    return problems


def _check_expressions(review: Review) -> None:
    """Raise the project's error, naming file, line and field, for every malformed expression."""
    path = review.path / "published.yml"
    if path.is_file():
        problems = expression_problems(read_yaml(path), display_path(path))
        if problems:
            raise ReviewProblems(problems)


def compute(review: Review, expression: str) -> Any:
    """The value named by ``expression`` (see data/README.md, "Computed values").

    Examples: ``count:units.csv?countries=UK``, ``percent:coding/nodes.csv:I01``,
    ``measure:group_mean:experience=yes``.

    Raises
    ------
    LookupError
        When the expression is not of a known kind, or the data it needs is not in the review.
    """
    namespace, _, spec = expression.partition(":")
    if namespace not in _NAMESPACES:
        raise LookupError(f"unknown computed value {expression!r}; known kinds: {', '.join(_NAMESPACES)}")
    return _NAMESPACES[namespace](review, spec)


def _input_rows(review: Review, expression: str) -> pd.DataFrame:
    """The rows (with their ``source``) whose values the expression reads."""
    namespace, _, spec = expression.partition(":")
    target, conditions = _split(spec)
    if namespace == "measure":
        return review.table("measure/scores.csv")
    if namespace == "claims":
        claims = {claim["id"]: claim for claim in (review.document("published.yml") or {}).get("claims") or []}
        return pd.DataFrame([{"source": claims[claim_id]["source"]} for claim_id in target.split("+")
                             if claim_id in claims], columns=["source"])
    name = target if namespace == "count" else target.rsplit(":", 1)[0]
    if namespace == "items":
        document = review.document(name) or {}
        items = document.get(target.rsplit(":", 1)[1]) or []
        return pd.DataFrame([{"source": (item.get("source") if isinstance(item, dict) else None)
                              or document.get("source", "")} for item in items], columns=["source"])
    table = _table(review, name.split(":")[0])
    if namespace == "percent":
        return table[table.iloc[:, 0] == target.rsplit(":", 1)[1]]
    if namespace in ("top", "atleast"):
        return table[table["kind"] == "influence"] if "kind" in table else table
    return filter_rows(table, conditions)


def _places(source: str) -> set[str]:
    """The places a ``source`` names ("Results, para 1; Table 2 (n)" -> {"results, para 1", "table 2"})."""
    return {re.sub(r"\s*\(.*?\)\s*$", "", part).strip().lower() for part in str(source).split(";") if part.strip()}


def _within(place: str, places: set[str]) -> bool:
    """Whether ``place`` is one of ``places`` or lies inside one ("table 2, row 1" inside "table 2")."""
    return any(place == other or place.startswith((other + ",", other + " ")) for other in places)


def _related(place: str, places: set[str]) -> bool:
    """Whether ``place`` and one of ``places`` name the same part of the paper (a table, a section)."""
    def head(text: str) -> str:
        return re.split("[,:]", text)[0]
    return any(_within(place, {other}) or _within(other, {place}) or head(place) == head(other) for other in places)


def claim_audit(review: Review) -> pd.DataFrame:
    """Claims whose computed value could not fail, each problem with its evidence.

    A claim's ``data_from`` must name where the rows it reads stand (each row's ``source`` cites it). A
    reproduction must read them from places other than where the published number stands, and from rows
    with a source beyond the claim's own sentence; a transcription check may only count a list.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``kind`` and ``problem``; empty when every claim can fail.
    """
    rows = []
    for claim in (review.document("published.yml") or {}).get("claims") or []:
        if not claim.get("computed"):
            continue
        kind, claimed = claim.get("kind", ""), _places(claim["source"])
        data_from = _places(claim.get("data_from", ""))
        try:
            inputs = _input_rows(review, claim["computed"])
        except (LookupError, KeyError, ValueError):
            continue
        row_places = [_places(source) for source in inputs["source"]]
        untold = [sorted(places) for places in row_places if not any(_related(p, data_from) for p in places)]
        if untold:
            rows.append({"id": claim["id"], "kind": kind, "problem": f"data_from does not name where "
                         f"{len(untold)} of the rows it reads stand, e.g. {'; '.join(untold[0])}"})
        if kind == "reproduction":
            same = sorted(p for p in data_from if _within(p, claimed) or any(_within(c, {p}) for c in claimed))
            if same:
                rows.append({"id": claim["id"], "kind": kind,
                             "problem": f"reads its data where the published number stands: {', '.join(same)}"})
            if row_places and all(all(_within(p, claimed) for p in places) for places in row_places):
                rows.append({"id": claim["id"], "kind": kind,
                             "problem": "every row it reads was transcribed from the claim's own sentence"})
        elif kind == "transcription" and claim["computed"].partition(":")[0] not in ("count", "distinct", "items"):
            rows.append({"id": claim["id"], "kind": kind,
                         "problem": "a transcription check may only count a list (count, distinct, items)"})
    return pd.DataFrame(rows, columns=["id", "kind", "problem"])


def _decimals(value: Any) -> int:
    text = str(value)
    return len(text.split(".")[1]) if "." in text else 0


def _shown(value: Any, decimals: int) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        rounded = round_half_up(value, decimals)
        return f"{rounded:.{decimals}f}"
    return str(value)




def _claim_row(review: Review, claim: dict) -> dict:
    published, note = claim["value"], claim.get("note", "")
    row = {"id": claim["id"], "kind": claim.get("kind", ""), "claim": claim["claim"], "source": claim["source"],
           "published": str(published), "computed": "", "status": "not computable", "note": note}
    if not claim.get("computed"):
        return {**row, "note": note or "The data behind this number is not published"}
    try:
        value = compute(review, claim["computed"])
    except (LookupError, KeyError, ValueError) as exc:
        return {**row, "note": f"{note} ({exc})".strip()}
    if isinstance(published, (int, float)):
        decimals = claim.get("decimals", _decimals(published))
        status = "match" if round_half_up(float(value), decimals) == float(published) else "mismatch"
        computed = _shown(value, decimals)
        if status == "mismatch" and float(value) != round_half_up(float(value), decimals):
            computed += f" (unrounded {float(value):.4g})"
    else:
        status = "match" if str(value).strip().lower() == str(published).strip().lower() else "mismatch"
        computed = str(value)
    return {**row, "computed": computed, "status": status}


def reproduction_table(review: Review) -> pd.DataFrame:
    """Every claim of ``published.yml`` with the computed value and its status, then the paper's self-checks.

    Numbers are compared after rounding the computed value as the paper rounds (``decimals``, or as many
    decimals as the published value shows, half away from zero). Nothing is adjusted to agree.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``kind`` (reproduction, transcription or self-check; empty for a number that cannot be
        computed), ``claim``, ``source``, ``published``, ``computed``, ``status`` and ``note`` (for a
        self-check, its evidence).

    Raises
    ------
    ReviewProblems
        When a ``computed`` expression is malformed, naming file, line and field.
    """
    _check_expressions(review)
    claims = (review.document("published.yml") or {}).get("claims") or []
    rows = pd.DataFrame([_claim_row(review, claim) for claim in claims], columns=COLUMNS)
    checks = self_checks(review)
    return pd.concat([rows, checks[COLUMNS]], ignore_index=True) if not checks.empty else rows


def claims_by_kind(review: Review) -> dict[str, pd.DataFrame]:
    """The reproduction report split into reproductions, transcription checks, self-checks and the rest.

    Returns
    -------
    dict
        Each of :data:`KINDS`, and ``"not computable"`` (numbers the published data cannot check), to its rows;
        a kind with no rows is left out (a review in progress has none).
    """
    table = reproduction_table(review)
    computable = table["status"] != "not computable"
    parts = {kind: table[computable & (table["kind"] == kind)].reset_index(drop=True) for kind in KINDS}
    parts["not computable"] = table[~computable].reset_index(drop=True)
    return {kind: rows for kind, rows in parts.items() if not rows.empty}


def kind_table(kind: str) -> str:
    """The name a kind of check's table is saved under (``reproduction_self_check`` ...)."""
    return "reproduction_" + re.sub(r"\W+", "_", kind)


def coverage(review: Review) -> pd.DataFrame:
    """How the numbers the paper publishes (the claims of ``published.yml``) are checked, by kind.

    Returns
    -------
    pandas.DataFrame
        Columns ``check`` (each of :data:`KINDS`, then ``not computable``), ``numbers`` and ``percent`` of the
        claims, and a last row ``self-checks of the paper`` counting the partition, count and reference checks
        (they check sets of numbers, so they have no percent). Empty for a review with no published claims.
    """
    claim_ids = {c["id"] for c in (review.document("published.yml") or {}).get("claims") or []}
    if not claim_ids:
        return pd.DataFrame(columns=["check", "numbers", "percent"])
    table = reproduction_table(review)
    claims, checks = table[table["id"].isin(claim_ids)], table[~table["id"].isin(claim_ids)]
    computable = claims["status"] != "not computable"
    counts = {kind: int((computable & (claims["kind"] == kind)).sum()) for kind in KINDS}
    counts["not computable"] = int((~computable).sum())
    rows = [{"check": check, "numbers": n,
             "percent": round_half_up(percent(n, len(claims)), 1) if len(claims) else None}
            for check, n in counts.items()]
    rows.append({"check": "self-checks of the paper", "numbers": len(checks), "percent": None})
    return pd.DataFrame(rows, columns=["check", "numbers", "percent"])


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

"""The reproduction report: each number a paper publishes set beside the value computed from the review's data.

Claims are of two kinds, reported apart: a *reproduction* recomputes a number from row-level data that does not
contain it; a *transcription* check counts a list the paper prints beside the number it states. Each claim names
where its number stands (``source``) and where the data the computed value reads stands (``data_from``), so a
claim that would compare a value with itself can be found (:func:`claim_audit`). The paper's checks against
itself (:mod:`synthesis.consistency`) are a third kind of row, ``self-check``.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from synthesis import registry
from synthesis.consistency import COLUMNS, self_checks
from synthesis.errors import Problem, ReviewProblems
from synthesis.review import Review, display_path
from synthesis.tables import percent, round_half_up

__all__ = ["reproduction_table", "status_summary", "claims_computed_by", "claims_by_kind", "kind_table", "claim_audit",
           "coverage", "expression_check", "claims_total", "STATUSES", "KINDS"]

STATUSES = ("match", "mismatch", "not computable")
KINDS = ("reproduction", "transcription", "self-check")


def _published_claims(review: Review) -> dict[str, dict]:
    return {claim["id"]: claim for claim in (review.document("published.yml") or {}).get("claims") or []}


def _claim_sources(review: Review, spec: str) -> pd.DataFrame:
    """The ``source`` of each claim a ``claims:ID+ID`` sum adds up."""
    claims = _published_claims(review)
    return pd.DataFrame([{"source": claims[claim_id]["source"]} for claim_id in spec.split("+") if claim_id in claims],
                        columns=["source"])


def _names_two_or_more(target: str) -> bool:
    ids = target.split("+")
    return len(ids) >= 2 and all(ids)


@registry.computes("claims", "ID+ID[+ID...] naming claims of published.yml", parts=1, valid=_names_two_or_more,
                   inputs=_claim_sources)
def claims_total(review: Review, spec: str) -> float:
    """The sum of the published values of the claims ``spec`` names (``ID+ID+...``): a sum the paper states.

    Raises
    ------
    LookupError
        When a claim is not in ``published.yml``; ValueError when its value is not a number.
    """
    claims = _published_claims(review)
    total = 0.0
    for claim_id in spec.split("+"):
        if claim_id not in claims:
            raise LookupError(f"no claim {claim_id!r} in published.yml to add up")
        value = claims[claim_id]["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"claim {claim_id!r} has the value {value!r}, not a number to add up")
        total += value
    return total


@registry.review_check
def expression_check(review: Review) -> list[Problem]:
    """Malformed ``computed:`` expressions of ``published.yml``, each with its file, line and field."""
    if "published.yml" in review.invalid:
        return []
    return registry.expression_problems(review, display_path(review.path / "published.yml"))


def _check_expressions(review: Review) -> None:
    """Raise the project's error, naming file, line and field, for every malformed expression."""
    problems = expression_check(review)
    if problems:
        raise ReviewProblems(problems)


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
            inputs = registry.input_rows(review, claim["computed"])
        except (LookupError, KeyError, ValueError):
            continue
        if inputs is None:
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
        value = registry.compute(review, claim["computed"])
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
    return review.cached("reproduction_table", lambda: _reproduction_table(review)).copy()


def _reproduction_table(review: Review) -> pd.DataFrame:
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
    """The reproduction rows whose computed value starts with ``prefix`` (e.g. ``measure:``); only those claims are
    computed, so a stage's notebook does not pay for every other stage's values."""
    _check_expressions(review)
    claims = (review.document("published.yml") or {}).get("claims") or []
    return pd.DataFrame([_claim_row(review, claim) for claim in claims
                         if str(claim.get("computed", "")).startswith(prefix)], columns=COLUMNS)

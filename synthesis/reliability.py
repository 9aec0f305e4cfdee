"""Chance-corrected agreement among raters on nominal ratings: percent agreement, Cohen's and Fleiss' kappa,
Gwet's AC1 and Krippendorff's alpha, with the prevalence of each category.

Used by the screening stage (reviewers' decisions) and the coding stage (coders' codings), so it belongs to
neither. The formulas are Gwet's (*Handbook of Inter-Rater Reliability*, 4th ed., 2014) for percent agreement,
Fleiss' kappa and AC1 with missing ratings, Cohen's (1960) for two raters, and Krippendorff's (2011, "Computing
Krippendorff's alpha-reliability") coincidence matrix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["STATISTICS", "agreement_statistics", "array_statistics"]

#: The statistics each table reports, in order.
STATISTICS = ["percent agreement", "Cohen's kappa", "Fleiss' kappa", "Gwet's AC1", "Krippendorff's alpha"]


def _ratio(numerator: float, denominator: float) -> float:
    """A chance-corrected coefficient, NaN where chance agreement is 1 (every rating in one category)."""
    return numerator / denominator if denominator > 1e-12 else math.nan


def agreement_statistics(ratings: pd.DataFrame, categories: Sequence | None = None) -> dict:
    """Agreement among the raters (columns) on the units (rows) of a table of nominal ratings.

    Parameters
    ----------
    ratings : DataFrame
        One row per unit, one column per rater; a missing value (None/NaN) is a unit the rater did not rate.
    categories : sequence, optional
        Every category a rater could choose (default: those used). Gwet's AC1 depends on their number, so
        coding (coded or not) passes ``[0, 1]`` even for a node no coder used.

    Returns
    -------
    dict
        ``units`` (rated by at least two raters), ``raters``, the :data:`STATISTICS` (percent agreement in %;
        a coefficient is NaN where it is not defined: chance agreement of 1, or Cohen's kappa without exactly
        two raters) and ``prevalence`` (the share of ratings in each category, in %).
    """
    values = ratings.to_numpy(dtype=object)
    present = pd.notna(values)
    used = set(values[present].tolist())
    categories = sorted(used, key=str) if categories is None else list(categories)
    unknown = used - set(categories)
    if unknown:
        raise ValueError(f"ratings outside the categories {categories}: {', '.join(sorted(map(str, unknown)))}")
    return array_statistics(values, present, categories)


def array_statistics(values: np.ndarray, present: np.ndarray, categories: list) -> dict:
    """:func:`agreement_statistics` on a units x raters array and the mask of its given ratings."""
    counts = np.column_stack([(values == c).sum(axis=1) for c in categories] or [np.zeros(len(values))]).astype(float)
    per_unit = counts.sum(axis=1)
    paired, rated = per_unit >= 2, per_unit > 0
    result = {"units": int(paired.sum()), "raters": values.shape[1]}
    if not paired.any():
        return result | {name: math.nan for name in STATISTICS} | {"prevalence": {c: math.nan for c in categories}}
    # Percent agreement: the share of agreeing rater pairs, averaged over the units rated at least twice.
    pairable, pairs = counts[paired], per_unit[paired]
    observed = float(((pairable * (pairable - 1)).sum(axis=1) / (pairs * (pairs - 1))).mean())
    # Category shares: averaged over the rated units (Fleiss, Gwet) ...
    shares = (counts[rated] / per_unit[rated, None]).mean(axis=0)
    fleiss_chance = float((shares ** 2).sum())
    gwet_chance = float((shares * (1 - shares)).sum() / (len(categories) - 1)) if len(categories) > 1 else 0.0
    # ... and pooled over the pairable values (Krippendorff's coincidence matrix).
    total = pairable.sum()
    alpha_observed = float((pairable * (pairable - 1) / (pairs[:, None] - 1)).sum() / total)
    totals = pairable.sum(axis=0)
    alpha_chance = float((totals * (totals - 1)).sum() / (total * (total - 1)))
    return result | {
        "percent agreement": 100 * observed,
        "Cohen's kappa": _cohen(values, present, categories) if values.shape[1] == 2 else math.nan,
        "Fleiss' kappa": _ratio(observed - fleiss_chance, 1 - fleiss_chance),
        "Gwet's AC1": _ratio(observed - gwet_chance, 1 - gwet_chance),
        "Krippendorff's alpha": _ratio(alpha_observed - alpha_chance, 1 - alpha_chance),
        "prevalence": {c: 100 * float(n) / counts.sum() for c, n in zip(categories, counts.sum(axis=0))},
    }


def _cohen(values: np.ndarray, present: np.ndarray, categories: list) -> float:
    """Cohen's kappa of two raters on the units both rated, chance from each rater's own category shares."""
    both = present.all(axis=1)
    if not both.any():
        return math.nan
    first, second = values[both, 0], values[both, 1]
    observed = float((first == second).mean())
    chance = sum(float((first == c).mean()) * float((second == c).mean()) for c in categories)
    return _ratio(observed - chance, 1 - chance)

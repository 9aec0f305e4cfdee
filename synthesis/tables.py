"""Small helpers for the review's tables: list-valued cells, filters, stable ordering and rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

__all__ = ["cell_values", "matches", "filter_rows", "round_half_up", "percent"]


def cell_values(value: Any) -> list:
    """The values in a cell: a list cell as is, an empty cell as ``[]``, anything else as ``[value]``."""
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [value]


def matches(value: Any, operator: str, expected: str) -> bool:
    """Whether a cell satisfies ``operator expected``.

    ``=`` is equality, or membership for list cells (``=*`` means not empty; ``a|b`` means either);
    ``!=`` its negation; ``~`` a substring of any value.
    """
    values = [str(v) for v in cell_values(value)]
    if operator == "~":
        return any(expected in v for v in values)
    if expected == "*":
        hit = bool(values)
    else:
        hit = any(v in expected.split("|") for v in values)
    return hit if operator == "=" else not hit


def filter_rows(table: pd.DataFrame, conditions: str) -> pd.DataFrame:
    """Rows of ``table`` meeting every condition of ``col=value&col!=value&col~text``."""
    if not conditions:
        return table
    mask = pd.Series(True, index=table.index)
    for condition in conditions.split("&"):
        for operator in ("!=", "~", "="):
            if operator in condition:
                column, expected = condition.split(operator, 1)
                break
        else:
            raise ValueError(f"condition {condition!r} has no operator (=, != or ~)")
        if column not in table.columns:
            raise KeyError(f"no column {column!r}; columns are {', '.join(table.columns)}")
        mask &= table[column].map(lambda v, o=operator, e=expected: matches(v, o, e))
    return table[mask]


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as papers do (0.5 away from zero), not to even as Python's ``round`` does."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(n: float, denominator: float) -> float:
    """``n`` as a percentage of ``denominator`` (unrounded)."""
    if not denominator:
        raise ZeroDivisionError("the denominator is zero: no documents to count in")
    return 100.0 * n / denominator

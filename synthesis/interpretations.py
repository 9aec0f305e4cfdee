"""The project's readings of a paper (``interpretations.csv``), shown beside the values they concern."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review

__all__ = ["recorded_value", "interpretation_table"]


def recorded_value(review: Review, file: str, row: str, field: str):
    """The value ``field`` of the row or list item ``row`` of ``file`` in the review folder.

    Raises
    ------
    LookupError
        When the review has no such file, row or field.
    """
    table = review.table(file)
    if table is not None:
        found = table[table.iloc[:, 0] == row]
        if found.empty or field not in table.columns:
            raise LookupError(f"{file} has no row {row!r} with a column {field!r}")
        return found.iloc[0][field]
    document = review.document(file)
    if document is None:
        raise LookupError(f"the review has no {file}")
    items = [item for values in document.values() if isinstance(values, list)
             for item in values if isinstance(item, dict) and item.get("id") == row]
    if not items or field not in items[0]:
        raise LookupError(f"{file} has no item {row!r} with a key {field!r}")
    return items[0][field]


def interpretation_table(review: Review) -> pd.DataFrame:
    """Every interpretation the project made, with the value as recorded and what the paper says.

    Returns
    -------
    pandas.DataFrame
        Columns ``file``, ``row``, ``field``, ``recorded`` (the value in the file now), ``interpretation``,
        ``paper_says`` and ``source``; empty when the review records none.
    """
    columns = ["file", "row", "field", "recorded", "interpretation", "paper_says", "source"]
    table = review.table("interpretations.csv")
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for entry in table.to_dict("records"):
        try:
            value = recorded_value(review, entry["file"], entry["row"], entry["field"])
        except LookupError as exc:
            value = f"(not found: {exc})"
        shown = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
        rows.append({**{k: entry[k] for k in columns if k in entry}, "recorded": shown})
    return pd.DataFrame(rows, columns=columns)

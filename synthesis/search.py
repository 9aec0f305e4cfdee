"""The search stage: strategy blocks, the Boolean query, databases, other methods and the search log."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review

__all__ = ["format_term", "boolean_query", "strategy_blocks", "databases", "other_methods", "search_log",
           "strategy_availability"]


def format_term(term: str) -> str:
    """A term as a database expects it: phrases (several words) in double quotes, truncation kept."""
    term = term.strip()
    return f'"{term}"' if " " in term and not term.startswith('"') else term


def boolean_query(review: Review) -> str | None:
    """The strategy as one Boolean query: OR inside each block, AND across blocks.

    Returns None when the paper does not publish its blocks.
    """
    strategy = review.document("search/strategy.yml") or {}
    blocks = strategy.get("blocks") or []
    if not blocks:
        return None
    return "\nAND ".join("(" + " OR ".join(format_term(t) for t in block["terms"]) + ")" for block in blocks)


def strategy_blocks(review: Review) -> pd.DataFrame:
    """One row per concept block: its name, number of terms, the OR-combined terms and the source."""
    strategy = review.document("search/strategy.yml") or {}
    rows = [{"block": b["name"], "terms": len(b["terms"]),
             "query": " OR ".join(format_term(t) for t in b["terms"]), "source": b["source"]}
            for b in strategy.get("blocks") or []]
    return pd.DataFrame(rows, columns=["block", "terms", "query", "source"])


def databases(review: Review) -> pd.DataFrame:
    """The databases searched, with platform and dates, as the paper reports them."""
    strategy = review.document("search/strategy.yml") or {}
    dates = strategy.get("dates") or {}
    rows = [{"database": d["name"], "platform": d.get("platform", ""),
             "from": dates.get("from") or "no limit", "to": dates.get("to") or "not reported",
             "source": d["source"]} for d in strategy.get("databases") or []]
    return pd.DataFrame(rows, columns=["database", "platform", "from", "to", "source"])


def other_methods(review: Review) -> pd.DataFrame:
    """Searching beyond databases: citation tracking, grey literature, experts, stakeholders."""
    strategy = review.document("search/strategy.yml") or {}
    rows = [{"method": m["method"], "detail": m.get("detail", ""), "source": m["source"]}
            for m in strategy.get("other_methods") or []]
    return pd.DataFrame(rows, columns=["method", "detail", "source"])


def search_log(review: Review) -> pd.DataFrame:
    """The search log with hits shown as 'not reported' where the paper gives none."""
    log = review.table("search/log.csv")
    if log is None:
        return pd.DataFrame(columns=["database", "date", "query", "hits", "note"])
    shown = log[["database", "date", "query", "hits", "note"]].copy()
    shown["hits"] = shown["hits"].map(lambda h: "not reported" if h is None or pd.isna(h) else int(h))
    shown["date"] = shown["date"].map(lambda d: d or "not reported")
    return shown.reset_index(drop=True)


def strategy_availability(review: Review) -> str:
    """Where the full strategy is published, for a review whose text does not print it."""
    strategy = review.document("search/strategy.yml") or {}
    full = strategy.get("full_strategy") or {}
    if full.get("published", True) and strategy.get("blocks"):
        return "The paper prints its search terms; they are shown above."
    return f"The paper's text does not print its search terms; the full strategy is in {full.get('where', 'a supplement')}."

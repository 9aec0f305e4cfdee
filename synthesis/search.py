"""The search stage: strategy blocks, the Boolean query, databases, other methods and the search log."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review
from synthesis.wording import is_published, missing

__all__ = ["format_term", "boolean_query", "strategy_blocks", "databases", "other_methods", "search_log",
           "strategy_availability", "SYNTAXES", "render_strategy", "strategy_by_database", "apply_strategy",
           "known_item_recall", "strategy_markdown", "included_items"]


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
    if not is_published(review):
        return missing(review, "search_blocks")
    if full.get("published", True) and strategy.get("blocks"):
        return "The paper prints its search terms; they are shown above."
    return f"The paper's text does not print its search terms; the full strategy is in {full.get('where', 'a supplement')}."


#: Database interfaces the strategy can be written for.
SYNTAXES = ["PubMed", "Ovid", "EBSCO", "Scopus", "Web of Science"]


def _blocks(review: Review) -> list[dict]:
    return (review.document("search/strategy.yml") or {}).get("blocks") or []


def _ovid_term(term: str) -> str:
    return term.strip().replace('"', "")


def render_strategy(review: Review, syntax: str) -> str | None:
    """The strategy written in one database interface's syntax, title and abstract fields.

    PubMed: ``term[tiab]`` ORed in brackets, ANDed; Ovid (MEDLINE, PsycINFO, Embase): numbered lines with
    ``.ti,ab.`` and a final ``1 and 2 and 3``; EBSCO (CINAHL): ``TI (...) OR AB (...)`` per search ``S1``...;
    Scopus: ``TITLE-ABS-KEY(...)``; Web of Science: ``TS=(...)``. Returns None without published blocks.
    """
    blocks = _blocks(review)
    if not blocks:
        return None
    if syntax not in SYNTAXES:
        raise ValueError(f"unknown syntax {syntax!r}; one of {', '.join(SYNTAXES)}")
    terms = [[t.strip() for t in block["terms"]] for block in blocks]
    if syntax == "PubMed":
        return "\nAND ".join("(" + " OR ".join(f"{format_term(t)}[tiab]" for t in block) + ")" for block in terms)
    if syntax == "Ovid":
        lines = [f"{i}. ({' or '.join(_ovid_term(t) for t in block)}).ti,ab." for i, block in enumerate(terms, 1)]
        lines.append(f"{len(terms) + 1}. " + " and ".join(str(i) for i in range(1, len(terms) + 1)))
        return "\n".join(lines)
    if syntax == "EBSCO":
        lines = []
        for i, block in enumerate(terms, 1):
            joined = " OR ".join(format_term(t) for t in block)
            lines.append(f"S{i}  TI ( {joined} ) OR AB ( {joined} )")
        lines.append(f"S{len(terms) + 1}  " + " AND ".join(f"S{i}" for i in range(1, len(terms) + 1)))
        return "\n".join(lines)
    field = "TITLE-ABS-KEY" if syntax == "Scopus" else "TS="
    return "\nAND ".join(f"{field}(" + " OR ".join(format_term(t) for t in block) + ")" for block in terms)


def strategy_by_database(review: Review) -> pd.DataFrame:
    """The strategy in the syntax of each interface, one row per interface."""
    rows = [{"interface": syntax, "strategy": render_strategy(review, syntax)} for syntax in SYNTAXES]
    rows = [row for row in rows if row["strategy"]]
    return pd.DataFrame(rows, columns=["interface", "strategy"])


def _term_pattern(term: str):
    import re

    words = [re.escape(w).replace(r"\*", r"\w*") for w in re.split(r"[\s-]+", term.strip().strip('"')) if w]
    return re.compile(r"\b" + r"[\s\W]+".join(words) + (r"" if term.strip().endswith("*") else r"\b"), re.IGNORECASE)


def apply_strategy(review: Review, records: pd.DataFrame, fields: tuple[str, ...] = ("title", "abstract", "keywords")
                   ) -> pd.DataFrame:
    """Which records the strategy retrieves when run locally on their text.

    Returns the records' ids with, per block, whether any of its terms occurs (truncation and phrases as in the
    databases, case ignored) and ``retrieved`` when every block does.
    """
    blocks = _blocks(review)
    present = [f for f in fields if f in records.columns]
    # agg over no rows returns a frame, not a series of texts
    text = records[present].fillna("").astype(str).agg(" ".join, axis=1) if len(records) and present \
        else pd.Series([""] * len(records), index=records.index, dtype=str)
    result = pd.DataFrame({"record_id": records["record_id"].values})
    for block in blocks:
        patterns = [_term_pattern(t) for t in block["terms"]]
        result[block["name"]] = text.map(lambda s, ps=patterns: any(p.search(s) for p in ps)).values
    result["retrieved"] = result[[b["name"] for b in blocks]].all(axis=1) if blocks else False
    return result


def known_item_recall(review: Review, known: pd.DataFrame, fields: tuple[str, ...] = ("title", "abstract", "keywords")
                      ) -> tuple[pd.DataFrame, str]:
    """Which known relevant records (e.g. the included studies) the strategy finds, and a sentence with the recall.

    Only the fields given are searched; with titles alone, recall is a lower bound of what the databases,
    which also search abstracts and subject headings, would find.
    """
    hits = apply_strategy(review, known, fields)
    table = known[["record_id", "title"]].merge(hits, on="record_id")
    if not _blocks(review):
        return table.iloc[0:0], ("The strategy's terms are not published, so known-item recall cannot be checked."
                                 if is_published(review) else missing(review, "search_blocks"))
    if table.empty:
        return table, missing(review, "known_item_recall")
    found = int(table["retrieved"].sum())
    searched = ", ".join(f for f in fields if f in known.columns and known[f].notna().any())
    sentence = (f"The strategy retrieves **{found} of {len(table)}** known items "
                f"({100 * found / len(table):.0f}%) when run on their {searched}.")
    return table, sentence


def strategy_markdown(review: Review) -> str:
    """The strategy in every interface's syntax as Markdown (a heading and a code block each)."""
    table = strategy_by_database(review)
    if table.empty:
        return strategy_availability(review)
    return "\n\n".join(f"**{row.interface}**\n```\n{row.strategy}\n```" for row in table.itertuples())


def included_items(review: Review) -> pd.DataFrame:
    """The included documents (``studies.csv``) as records in the normalised schema (empty when not published)."""
    from synthesis.records import RECORD_FIELDS

    studies = review.table("studies.csv")
    if studies is None:
        return pd.DataFrame(columns=RECORD_FIELDS)
    records = pd.DataFrame({
        "record_id": studies["study_id"], "source_file": "studies.csv", "line": review.lines.get("studies.csv"),
        "database": review.slug, "format": "review folder", "type": studies["type"], "title": studies["title"],
        "authors": studies["authors"].str.replace(", ", "; ", regex=False), "year": studies["year"],
        "journal": studies["journal"], "volume": studies["volume"], "issue": studies["issue"],
        "pages": studies["pages"], "doi": studies["doi"], "pmid": studies["pmid"], "abstract": "", "keywords": "",
        "url": ""})
    return records[RECORD_FIELDS].fillna("")

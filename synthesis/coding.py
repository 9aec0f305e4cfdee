"""Coded evidence: excerpts with their pages, facilitators and barriers, and the audit trail behind each link."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review

__all__ = ["excerpts_table", "determinants_table", "audit_trail"]


def _citations(review: Review) -> dict[str, str]:
    studies = review.table("studies.csv")
    if studies is None:
        return {}
    return {row["study_id"]: f"{row['authors'].split(',')[0]} {row['year']}" for row in studies.to_dict("records")}


def excerpts_table(review: Review) -> pd.DataFrame:
    """Each coded excerpt with its document (author, year), page and the nodes it was coded to."""
    excerpts = review.table("coding/excerpts.csv")
    columns = ["excerpt", "document", "page", "nodes", "quote"]
    if excerpts is None:
        return pd.DataFrame(columns=columns)
    nodes = review.table("coding/nodes.csv")
    labels = dict(zip(nodes["node_id"], nodes["label"])) if nodes is not None else {}
    cite = _citations(review)
    return pd.DataFrame({
        "excerpt": excerpts["excerpt_id"],
        "document": excerpts["document"].map(lambda d: cite.get(d, d)),
        "page": excerpts["page"].fillna(""),
        "nodes": excerpts["nodes"].map(lambda nodes: "; ".join(labels.get(n, n) for n in nodes or [])),
        "quote": excerpts["quote"]}, columns=columns).reset_index(drop=True)


def determinants_table(review: Review) -> pd.DataFrame:
    """Facilitators and barriers per influence, as the paper's table words them."""
    determinants = review.table("coding/determinants.csv")
    columns = ["influence", "direction", "text"]
    if determinants is None:
        return pd.DataFrame(columns=columns)
    labels = dict(zip(review.table("coding/nodes.csv")["node_id"], review.table("coding/nodes.csv")["label"]))
    return pd.DataFrame({"influence": determinants["node_id"].map(labels), "direction": determinants["direction"],
                         "text": determinants["text"]}).reset_index(drop=True)


def audit_trail(review: Review) -> pd.DataFrame:
    """For every link of the final theory: the documents cited for it and the quotes (with pages) that show it.

    A quote is attached to a link when it was coded to the link's context, mechanism and outcome.
    """
    links = review.table("coding/links.csv")
    columns = ["link", "context", "mechanism (as phrased)", "outcome (as phrased)", "documents", "quotes"]
    if links is None:
        return pd.DataFrame(columns=columns)
    nodes = review.table("coding/nodes.csv")
    labels = dict(zip(nodes["node_id"], nodes["label"]))
    excerpts = review.table("coding/excerpts.csv")
    cite = _citations(review)
    rows = []
    for link in links.to_dict("records"):
        wanted = {link["context"], link["mechanism"], link["outcome"]}
        quotes = []
        if excerpts is not None:
            for excerpt in excerpts.to_dict("records"):
                if wanted <= set(excerpt["nodes"]) and excerpt["document"] in link["documents"]:
                    quotes.append(f"{cite.get(excerpt['document'], excerpt['document'])}, p. {excerpt['page']}: "
                                  f"\u201c{excerpt['quote'][:90]}\u2026\u201d")
        rows.append({"link": link["link_id"], "context": labels.get(link["context"], link["context"]),
                     "mechanism (as phrased)": link["mechanism_text"], "outcome (as phrased)": link["outcome_text"],
                     "documents": "; ".join(cite.get(d, d) for d in link["documents"]),
                     "quotes": " | ".join(quotes)})
    return pd.DataFrame(rows, columns=columns)

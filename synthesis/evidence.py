"""The one evidence model: which documents support each coding node, from nodes, links and excerpts alike.

Every later stage asks this module, so a node has one count everywhere: the tallies of notebook 03, the theory
status, the CMOC diagrams and the final model of notebook 04.

A document supports a node when the review records it against the node in any of three ways:

- an excerpt of the document is coded to the node (``coding/excerpts.csv``, e.g. from ``synthesis coding import``);
- the document is cited for a context -> mechanism -> outcome link through the node (``coding/links.csv``);
- the document is listed under the node (``documents`` in ``coding/nodes.csv``).

**The published-n floor.** A paper may publish that a node was coded in n documents while naming fewer of them
(or none). The node's count is then the larger of the documents the review names and the published n (or, where
only a percentage is published, the one whole number of documents that rounds to it). Where the review names
every document, as one's own review does, the count is simply the documents identified (zero for a node nobody
has coded yet; in a published example such a node is *not reported*).
"""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review
from synthesis.tables import cell_values, percent, round_half_up
from synthesis.wording import is_published

__all__ = ["EVIDENCE_COLUMNS", "SUPPORT_COLUMNS", "DIRECTIONS", "denominator", "evidence_rows", "node_documents", "node_support",
           "supported_nodes", "documents_for", "implied_n"]

#: One row per (document, node) record of evidence: ``via`` is excerpt, link or node list; ``item`` the row's id;
#: ``direction`` supports, refutes or refines (an empty ``direction`` in ``coding/`` means supports).
EVIDENCE_COLUMNS = ["document", "node", "via", "item", "direction"]

#: The columns of :func:`node_support`: ``documents`` support or refine the node, ``refuting`` refute it.
SUPPORT_COLUMNS = ["node_id", "label", "kind", "parent_id", "documents", "identified", "published n", "n", "basis",
                   "refining", "refuting"]

#: What a record of evidence can do to the theories whose nodes it is coded to.
DIRECTIONS = ("supports", "refines", "refutes")


def denominator(review: Review) -> tuple[int, str]:
    """How many units the tallies count in, and where that number comes from.

    The unit is ``review.yml``'s ``unit``: interventions are counted in ``units.csv``; documents in
    ``studies.csv`` or, where there is no list of them, in the number included (published in ``prisma.yml`` or
    derived from the screening decisions). A review with none of these yet counts in 0 units, and says so.
    """
    if review.meta["unit"] == "intervention" and review.table("units.csv") is not None:
        return len(review.table("units.csv")), "rows of units.csv"
    studies = review.table("studies.csv")
    if studies is not None:
        return len(studies), "rows of studies.csv"
    from synthesis.prisma import prisma_counts

    counts = prisma_counts(review).set_index("box")
    for key in ("total_studies", "new_studies"):
        n, status = counts.loc[key, "n"], counts.loc[key, "status"]
        if not pd.isna(n) and n:
            where = "prisma.yml" if status == "published" else "derived from screening/decisions.csv"
            return int(n), f"{key}, {where} (no list of included documents)"
    return 0, "no included documents yet (studies.csv has no rows)"


def evidence_rows(review: Review) -> pd.DataFrame:
    """Every record of a document against a node, in :data:`EVIDENCE_COLUMNS`, sorted; computed once per review."""
    return review.cached("evidence_rows", lambda: _evidence_rows(review))


def _evidence_rows(review: Review) -> pd.DataFrame:
    rows: list[tuple[str, str, str, str, str]] = []
    excerpts = review.table("coding/excerpts.csv")
    if excerpts is not None:
        rows += [(document, node, "excerpt", excerpt, direction or "supports") for excerpt, document, nodes, direction
                 in zip(excerpts["excerpt_id"], excerpts["document"], excerpts["nodes"], excerpts["direction"])
                 for node in cell_values(nodes)]
    links = review.table("coding/links.csv")
    if links is not None:
        rows += [(document, node, "link", link, direction or "supports") for link, documents, direction, *chain in
                 zip(links["link_id"], links["documents"], links["direction"], links["context"], links["mechanism"],
                     links["outcome"])
                 for document in cell_values(documents) for node in chain if node]
    nodes = review.table("coding/nodes.csv")
    if nodes is not None:
        rows += [(document, node, "node list", node, "supports") for node, documents in
                 zip(nodes["node_id"], nodes["documents"]) for document in cell_values(documents)]
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    return frame.sort_values(EVIDENCE_COLUMNS, kind="stable").reset_index(drop=True)


def node_documents(review: Review, directions: tuple[str, ...] = ("supports", "refines")
                   ) -> dict[str, frozenset[str]]:
    """Node id -> the documents whose evidence for it goes in one of ``directions`` (by default: in its favour).

    Every node of ``coding/nodes.csv`` is a key, coded or not, and so is any other node that is coded.
    """
    def compute() -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        nodes = review.table("coding/nodes.csv")
        for node in ([] if nodes is None else nodes["node_id"]):
            found[node] = set()
        rows = evidence_rows(review)
        for document, node, direction in zip(rows["document"], rows["node"], rows["direction"]):
            documents = found.setdefault(node, set())
            if direction in directions:
                documents.add(document)
        return {node: frozenset(documents) for node, documents in found.items()}

    return review.cached(("node_documents", directions), compute)


def implied_n(published_percent: float, total: int) -> int | None:
    """The one whole number of units that rounds to the published percentage, or None if none or several do."""
    if total <= 0:
        return None
    target = round_half_up(published_percent, 0)
    low, high = int((target - 0.5) * total / 100) - 1, int((target + 0.5) * total / 100) + 1
    candidates = [n for n in range(max(low, 0), min(high, total) + 1) if round_half_up(percent(n, total), 0) == target]
    return candidates[0] if len(candidates) == 1 else None


def _published_count(node: dict, total: int) -> tuple[int | None, str]:
    published = node.get("published_n")
    if published is not None and not pd.isna(published):
        return int(published), "published n"
    share = node.get("published_percent")
    if share is not None and not pd.isna(share):
        n = implied_n(float(share), total)
        if n is not None:
            return n, "implied by published %"
    return None, ""


def node_support(review: Review) -> pd.DataFrame:
    """Per node: the documents that support it, how many the review identifies, the published n, and the count.

    ``documents`` are those whose evidence supports or refines the node (``refining`` lists the latter again), and
    ``refuting`` those whose evidence refutes it; a document can stand in both. ``n`` applies the published-n floor
    (see the module's docstring) to ``documents``: the larger of the documents identified and the published count; ``basis`` says which gave it (``documents identified``, ``published n``, ``implied by
    published %``) or ``not reported`` where neither exists. Nodes are in ``coding/nodes.csv`` order, then any
    coded node that file does not list.
    """
    return review.cached("node_support", lambda: _node_support(review))


def _node_support(review: Review) -> pd.DataFrame:
    documents = node_documents(review)
    refining, refuting = node_documents(review, ("refines",)), node_documents(review, ("refutes",))
    nodes = review.table("coding/nodes.csv")
    described = {} if nodes is None else {row["node_id"]: row for row in nodes.to_dict("records")}
    total = denominator(review)[0] if described else 0
    # One's own review names every document it coded, so a node nobody coded has a count: zero.
    zero_is_known = not is_published(review)
    rows = []
    for node_id in list(described) + sorted(set(documents) - set(described)):
        node = described.get(node_id, {})
        ids = sorted(documents.get(node_id, ()))
        published, published_basis = _published_count(node, total)
        if published is not None and published > len(ids):
            n, basis = published, published_basis
        elif ids or published is not None or zero_is_known:
            n, basis = len(ids), "documents identified"
        else:
            n, basis = None, "not reported"
        rows.append({"node_id": node_id, "label": node.get("label") or node_id, "kind": node.get("kind") or "",
                     "parent_id": node.get("parent_id") or "", "documents": ids, "identified": len(ids),
                     "published n": published, "n": n, "basis": basis,
                     "refining": sorted(refining.get(node_id, ())), "refuting": sorted(refuting.get(node_id, ()))})
    return pd.DataFrame(rows, columns=SUPPORT_COLUMNS)


def supported_nodes(review: Review, min_documents: int = 1) -> set[str]:
    """The nodes whose count (with the published-n floor) reaches ``min_documents``."""
    support = node_support(review)
    return {node for node, n in zip(support["node_id"], support["n"]) if n is not None and n >= min_documents}


def documents_for(review: Review, nodes: list[str]) -> list[str]:
    """The documents recorded against any of ``nodes``, sorted."""
    documents = node_documents(review)
    return sorted(set().union(*(documents.get(node, frozenset()) for node in nodes))) if nodes else []

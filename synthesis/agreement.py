"""Agreement between coders and between screening reviewers, with the prevalence beside each statistic and the
disagreements listed; the statistics themselves are :mod:`synthesis.reliability`'s.

Coding is compared at the unit the tallies count: a document and a node, coded or not. Character-level
agreement (QualCoder's kappa) counts every uncoded character on which two coders "agree", which inflates it;
document x node counts each decision a tally rests on once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from synthesis.errors import ReviewError
from synthesis.reliability import STATISTICS, agreement_statistics, array_statistics
from synthesis.tables import round_half_up

__all__ = ["CoderCodings", "coding_ratings", "codings_from_qda", "codings_from_sheet",
           "coding_agreement", "coding_disagreements", "decision_agreement", "decision_disagreements",
           "review_ratings", "review_coding_agreement", "review_coding_disagreements"]

# --- coding: document x node -----------------------------------------------------------------------------------

_CODING_COLUMNS = ["coder", "document", "node", "text"]


@dataclass
class CoderCodings:
    """Several coders' codings and what they were compared on.

    Attributes
    ----------
    codings : DataFrame
        One row per coding: ``coder``, ``document``, ``node``, ``text``.
    documents, nodes, coders : list of str
        Every document, node and coder compared, coded or not: a coder who coded nothing still counts.
    problems : list of Problem
        Rows of a coding sheet that could not be used (kept out, and said so).
    """

    codings: pd.DataFrame
    documents: list[str]
    nodes: list[str]
    coders: list[str]
    problems: list = field(default_factory=list)


def codings_from_qda(paths: Sequence[str | Path]) -> CoderCodings:
    """Codings of several coders from REFI-QDA projects: one project per coder, or one project with several users.

    With two or more files each file is one coder, named by its file name without extension; with one file each
    user who made codings is a coder. Nodes are code paths (names from the top), so two coders' projects match
    by name even where the code guids differ. Documents are every source of the projects and nodes every
    codable code, coded or not.
    """
    from synthesis.qda import read_qda

    frames, documents, nodes = [], {}, {}
    stems = [Path(p).stem for p in paths]
    for path, stem in zip(paths, stems):
        if stems.count(stem) > 1:
            raise ReviewError(path, "two files have this name, so their coders cannot be told apart", field="file",
                              hint="name each coder's project after the coder, e.g. anna.qdpx and ben.qdpx")
        project = read_qda(path)
        code_paths = dict(zip(project.codes["code_id"], project.codes["path"]))
        codings = project.codings
        frames.append(pd.DataFrame({"coder": codings["user"].fillna("") if len(paths) == 1 else stem,
                                    "document": codings["source"],
                                    "node": codings["code_id"].map(code_paths).fillna(codings["code_id"]),
                                    "text": codings["text"]}, columns=_CODING_COLUMNS))
        documents.update(dict.fromkeys(project.sources["name"]))
        nodes.update(dict.fromkeys(project.codes.loc[project.codes["codable"], "path"]))
    codings = pd.concat(frames, ignore_index=True)
    coders = stems if len(paths) > 1 else sorted(codings["coder"].unique())
    if len(paths) == 1:
        if "" in coders:
            raise ReviewError(paths[0], "some codings name no user, so their coder is unknown", field="creatingUser",
                              hint="give each coder a project of their own and compare the files")
        if len(coders) < 2:
            raise ReviewError(paths[0], f"the codings are all by {coders[0] if coders else 'nobody'}",
                              field="creatingUser", hint="agreement needs two coders: give a second coder's project")
    return CoderCodings(codings, list(documents), list(nodes), coders)


def codings_from_sheet(path: str | Path) -> CoderCodings:
    """Codings of several coders from a CSV/XLSX coding sheet with a ``coder`` column.

    The sheet is read as :func:`synthesis.coding.excerpts_from_sheet` reads it; a row without a coder is an error
    naming its line. Documents and nodes are those the sheet names (a document nobody coded is not in a sheet);
    the problems are the rows the sheet reader could not use.
    """
    from synthesis.coding import excerpts_from_sheet

    excerpts, problems = excerpts_from_sheet(path)
    for excerpt in excerpts.to_dict("records"):
        if not excerpt["coder"]:
            line = re.search(r"row (\d+)$", excerpt["source"])
            raise ReviewError(path, "the row names no coder", line=int(line.group(1)) if line else None,
                              field="coder", hint="fill the coder column on every row")
    if excerpts.empty or excerpts["coder"].nunique() < 2:
        raise ReviewError(path, "fewer than two coders in the coder column", line=1, field="coder",
                          hint="agreement needs the codings of two or more coders in one sheet")
    rows = [{"coder": e["coder"], "document": e["document"], "node": node, "text": e["quote"]}
            for e in excerpts.to_dict("records") for node in e["nodes"].split(";")]
    codings = pd.DataFrame(rows, columns=_CODING_COLUMNS)
    return CoderCodings(codings, list(dict.fromkeys(codings["document"])), list(dict.fromkeys(codings["node"])),
                        sorted(codings["coder"].unique()), problems)


def coding_ratings(codings: pd.DataFrame, documents: Sequence[str] | None = None,
                   nodes: Sequence[str] | None = None, coders: Sequence[str] | None = None) -> pd.DataFrame:
    """Document x node x coder: 1 where the coder coded any text of the document to the node, else 0.

    Parameters
    ----------
    codings : DataFrame
        ``coder``, ``document``, ``node`` (one row per coding; several in one document count once).
    documents, nodes, coders : sequence of str, optional
        Every document, node and coder to compare (default: those in ``codings``). A document no coder coded to
        a node is a unit on which they agree, and a coder who coded nothing disagrees with every coding, so pass
        the full lists where they are known (:class:`CoderCodings` holds them).

    Returns
    -------
    DataFrame
        Indexed by (document, node), one column per coder (sorted), every pair of the lists.
    """
    documents = list(dict.fromkeys(list(documents or []) + list(codings["document"])))
    nodes = list(dict.fromkeys(list(nodes or []) + list(codings["node"])))
    coders = sorted(dict.fromkeys(list(coders or []) + list(codings["coder"])))
    index = pd.MultiIndex.from_product([documents, nodes], names=["document", "node"])
    coded = codings.assign(coded=1).drop_duplicates(["coder", "document", "node"]) \
        .pivot_table(index=["document", "node"], columns="coder", values="coded", aggfunc="max")
    return coded.reindex(index=index, columns=coders).fillna(0).astype(int)


def _rounded(statistics: dict) -> dict:
    """Percent agreement to 0.1, coefficients to 0.001 (no negative zero), None where not defined."""
    return {name: None if math.isnan(statistics[name]) else
            round_half_up(statistics[name], 1 if name == "percent agreement" else 3) + 0.0 for name in STATISTICS}


def coding_agreement(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per node and overall (all document x node units pooled): documents, the prevalence (% of coder x
    document ratings that are "coded"), each coder's documents, the disagreements and :data:`STATISTICS`.

    A coefficient left empty is not defined: no coder (or every coder everywhere) used the node, so chance
    agreement is 1; the prevalence beside it says why. High agreement with a low kappa at a prevalence near 0
    or 100 % is the kappa paradox that AC1 is designed to avoid.
    """
    coders = list(ratings.columns)
    values = ratings.to_numpy(dtype=int)
    documents = ratings.index.get_level_values("document")
    node_codes, node_names = pd.factorize(ratings.index.get_level_values("node"))
    members_of = pd.Series(np.arange(len(values))).groupby(node_codes).indices
    groups = [(name, members_of[k]) for k, name in enumerate(node_names)]
    rows = []
    for node, members in groups + [("(all nodes)", np.arange(len(values)))]:
        group = values[members]
        statistics = array_statistics(group, np.ones(group.shape, dtype=bool), [0, 1])
        coded = group.sum(axis=1)
        rows.append({"node": node, "documents": len(pd.unique(documents[members])), "units": len(group),
                     "prevalence %": round_half_up(statistics["prevalence"][1], 1),
                     **{f"coded by {c}": int(group[:, i].sum()) for i, c in enumerate(coders)},
                     "disagreements": int(((coded > 0) & (coded < len(coders))).sum()), **_rounded(statistics)})
    return pd.DataFrame(rows)


def coding_disagreements(ratings: pd.DataFrame, codings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every document x node some coders coded and others did not, with who did which and the coded text.

    The table to discuss and resolve; ``codings`` (with a ``text`` column) adds the excerpts, so the discussion
    starts from the quotes.
    """
    coders = list(ratings.columns)
    values = ratings.to_numpy(dtype=int)
    coded = values.sum(axis=1)
    split = (coded > 0) & (coded < len(coders))
    texts: dict = {}
    if codings is not None and "text" in codings:
        for coder, document, node, text in zip(codings["coder"], codings["document"], codings["node"],
                                               codings["text"]):
            if text:
                texts.setdefault((document, node), {}).setdefault(coder, []).append(text)
    rows = []
    for (document, node), row in zip(ratings.index[split], values[split]):
        quotes = texts.get((document, node), {})
        rows.append({"document": document, "node": node,
                     "coded by": "; ".join(c for c, v in zip(coders, row) if v),
                     "not coded by": "; ".join(c for c, v in zip(coders, row) if not v),
                     "coded text": " | ".join(f"{c}: \u201c{t}\u201d" for c in coders for t in quotes.get(c, []))})
    return pd.DataFrame(rows, columns=["document", "node", "coded by", "not coded by", "coded text"])


# --- screening: record x reviewer -------------------------------------------------------------------------------

def decision_agreement(decisions: pd.DataFrame, categories: Sequence | None = None) -> pd.DataFrame:
    """Agreement of screening reviewers on a record x reviewer table of decisions (include, exclude, maybe ...).

    A missing cell is a record the reviewer did not screen; records screened by one reviewer only do not count.
    Returns one row: records compared, reviewers, the prevalence of each decision (% of decisions) and
    :data:`STATISTICS`. The screening module builds the table from ``screening/decisions.csv`` (one stage).
    """
    statistics = agreement_statistics(decisions, categories)
    prevalence = {f"{c} %": round_half_up(share, 1) if not math.isnan(share) else None
                  for c, share in statistics["prevalence"].items()}
    return pd.DataFrame([{"records": statistics["units"], "reviewers": statistics["raters"], **prevalence,
                          **_rounded(statistics)}])


def decision_disagreements(decisions: pd.DataFrame) -> pd.DataFrame:
    """The records on which the reviewers who screened them decided differently, with each one's decision."""
    reviewers = list(decisions.columns)
    rows = []
    for record, row in decisions.iterrows():
        given = {r: row[r] for r in reviewers if row[r] is not None and not pd.isna(row[r])}
        if len(set(given.values())) > 1:
            rows.append({"record": record, **{r: given.get(r, "") for r in reviewers}})
    return pd.DataFrame(rows, columns=["record"] + reviewers)


# --- a review's own double coding --------------------------------------------------------------------------------

def _review_codings(review) -> pd.DataFrame | None:
    """One row per coder, document and node of ``coding/excerpts.csv``, where two or more coders coded; else None."""
    excerpts = review.table("coding/excerpts.csv")
    if excerpts is None:
        return None
    coded = excerpts[excerpts["coder"].notna() & (excerpts["coder"] != "")]
    if coded["coder"].nunique() < 2:
        return None
    return pd.DataFrame([{"coder": row["coder"], "document": row["document"], "node": node, "text": row["quote"]}
                         for row in coded.to_dict("records") for node in row["nodes"]], columns=_CODING_COLUMNS)


def review_ratings(review) -> pd.DataFrame | None:
    """Document x node x coder ratings from ``coding/excerpts.csv`` where two or more coders coded it, else None.

    Every included document (``studies.csv``) and every node (``coding/nodes.csv``) is a unit, coded or not, so a
    document neither coder coded to a node counts as agreement on "not coded".
    """
    codings = _review_codings(review)
    if codings is None:
        return None
    studies, nodes = review.table("studies.csv"), review.table("coding/nodes.csv")
    return coding_ratings(codings, list(studies["study_id"]) if studies is not None else None,
                          list(nodes["node_id"]) if nodes is not None else None)


def review_coding_agreement(review) -> pd.DataFrame:
    """:func:`coding_agreement` of the review's double coding (empty where fewer than two coders coded)."""
    ratings = review_ratings(review)
    return pd.DataFrame() if ratings is None else coding_agreement(ratings)


def review_coding_disagreements(review) -> pd.DataFrame:
    """:func:`coding_disagreements` of the review's double coding, with the quotes (empty with fewer than two coders)."""
    ratings = review_ratings(review)
    return pd.DataFrame() if ratings is None else coding_disagreements(ratings, _review_codings(review))

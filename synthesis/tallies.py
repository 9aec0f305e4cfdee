"""Coding tallies: "coded in n of N (%)" per node, strength-of-theme ordering, unit attributes and CMO links."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from synthesis import registry
from synthesis.diagrams import draw_presence_matrix
from synthesis.evidence import denominator, evidence_rows, node_support
from synthesis.review import Review
from synthesis.tables import cell_values, percent, round_half_up
from synthesis.wording import units_word

__all__ = ["denominator", "unit_table", "unit_tally", "node_tally", "theme_ordering", "link_counts",
           "documents_per_link", "subgroup_results", "denominator_sentence", "unit_tallies", "node_tallies",
           "presence_matrix", "coded_in", "cooccurrence", "robustness", "leave_one_out", "node_labels",
           "matrix_figure", "matrix_tallies", "labelled_cooccurrence", "robustness_table"]


def unit_table(review: Review) -> pd.DataFrame | None:
    """The table of counted units (``units.csv`` for interventions, else ``studies.csv``) with its case variables.

    Case variables from a QDA project (``coding/cases.csv``, see :func:`synthesis.qda.case_attributes`) join the
    table as columns of their own, so they can be tallied like any attribute; a column the table already has wins.
    """
    return review.cached("unit_table", lambda: _unit_table(review))


def _unit_table(review: Review) -> pd.DataFrame | None:
    from synthesis.qda import case_attributes

    by_intervention = review.meta["unit"] == "intervention"
    table = review.table("units.csv") if by_intervention else review.table("studies.csv")
    if table is None or review.table("coding/cases.csv") is None:
        return table
    cases = case_attributes(review, "intervention" if by_intervention else "document")
    id_column = cases.columns[0]
    extra = cases[[id_column] + [c for c in cases.columns[1:] if c not in table.columns]]
    return table.merge(extra, how="left", left_on=table.columns[0], right_on=id_column,
                       suffixes=("", " (case)")).drop(columns=[] if id_column == table.columns[0] else [id_column])


def _coded_in(n: int, total: int, decimals: int = 0) -> str:
    return f"{n} of {total} ({round_half_up(percent(n, total), decimals):g}%)"


def unit_tally(review: Review, column: str) -> pd.DataFrame:
    """Units per value of an attribute (a list cell counts once for each value), with "n of N (%)".

    Units with no value are counted as 'not reported', so the column always accounts for every unit;
    a unit listed under two values is counted under both, so the n may add up to more than N.
    """
    table = unit_table(review)
    if table is None:
        return pd.DataFrame(columns=["value", "n", "coded in", "units"])
    total = len(table)
    id_column = table.columns[0]
    members: dict[str, list[str]] = {}
    for row in table.to_dict("records"):
        values = cell_values(row[column]) or ["not reported"]
        for value in values:
            members.setdefault(str(value), []).append(str(row.get("label") or row[id_column]))
    rows = [{"value": value, "n": len(units), "coded in": _coded_in(len(units), total), "units": ", ".join(units)}
            for value, units in members.items()]
    result = pd.DataFrame(rows, columns=["value", "n", "coded in", "units"])
    result["_last"] = result["value"] == "not reported"
    return result.sort_values(["_last", "n", "value"], ascending=[True, False, True], kind="stable") \
        .drop(columns="_last").reset_index(drop=True)


def node_tally(review: Review, kind: str | None = None, threshold_percent: float = 0.0) -> pd.DataFrame:
    """Nodes with "coded in n of N (%)", ranked by strength of theme.

    Parameters
    ----------
    review : Review
    kind : str, optional
        Only nodes of this kind (``context``, ``theme``, ``influence`` ...).
    threshold_percent : float
        Nodes coded in at least this percentage of units are flagged ``kept`` (the Implementation
        Measure's rule was 10%).

    Returns
    -------
    pandas.DataFrame
        ``n`` is the node's count in the one evidence model (:func:`synthesis.evidence.node_support`): the documents
        coded to it, or the published count where the paper names fewer (``n basis`` says which). Nodes with no
        count are left out. Ties in ``n`` keep the order of ``coding/nodes.csv``.
    """
    columns = ["node_id", "label", "parent", "n", "n basis", "N", "percent", "published percent", "coded in",
               "rank", "kept"]
    support = node_support(review)
    nodes = review.table("coding/nodes.csv")
    total, _ = denominator(review)
    if nodes is None or not total:
        return pd.DataFrame(columns=columns)
    labels = dict(zip(nodes["node_id"], nodes["label"]))
    published_percent = dict(zip(nodes["node_id"], nodes["published_percent"]))
    selected = support if kind is None else support[support["kind"] == kind]
    rows = [{"node_id": node["node_id"], "label": node["label"], "parent": labels.get(node["parent_id"], ""),
             "n": int(node["n"]), "n basis": node["basis"], "N": total,
             "percent": round_half_up(percent(node["n"], total), 1),
             "published percent": published_percent.get(node["node_id"]), "coded in": _coded_in(int(node["n"]), total)}
            for node in selected.to_dict("records") if node["n"] is not None]
    result = pd.DataFrame(rows, columns=columns[:-2])
    result["rank"] = result["n"].rank(method="min", ascending=False).astype(int) if len(result) else []
    result = result.sort_values("rank", kind="stable").reset_index(drop=True)
    result["kept"] = result["percent"] >= threshold_percent
    return result


def theme_ordering(review: Review, kind: str | None = None) -> list[str]:
    """Node labels from strongest to weakest theme (ties in the paper's order)."""
    return list(node_tally(review, kind)["label"])


def link_counts(review: Review) -> pd.DataFrame:
    """Context -> mechanism -> outcome chains with the number of distinct documents cited for each.

    Several links of the paper may share one chain (the same mechanism and outcome phrased twice); their
    documents are pooled, so a document is counted once per chain.
    """
    links = review.table("coding/links.csv")
    columns = ["context", "mechanism", "outcome", "documents", "n documents", "links"]
    if links is None:
        return pd.DataFrame(columns=columns)
    nodes = review.table("coding/nodes.csv")
    labels = dict(zip(nodes["node_id"], nodes["label"])) if nodes is not None else {}
    chains: dict[tuple, dict] = {}
    for link in links.to_dict("records"):
        key = (link["context"], link["mechanism"], link["outcome"])
        chain = chains.setdefault(key, {"documents": set(), "links": []})
        chain["documents"].update(link["documents"])
        chain["links"].append(link["link_id"])
    rows = [{"context": labels.get(c, c), "mechanism": labels.get(m, m), "outcome": labels.get(o, o),
             "documents": ", ".join(sorted(chain["documents"])), "n documents": len(chain["documents"]),
             "links": ", ".join(chain["links"])} for (c, m, o), chain in chains.items()]
    result = pd.DataFrame(rows, columns=columns)
    return result.sort_values(["context", "n documents", "mechanism", "outcome"], ascending=[True, False, True, True],
                              kind="stable").reset_index(drop=True)


def documents_per_link(review: Review) -> pd.DataFrame:
    """How many links each included document is cited for (0 where it supports none)."""
    links = review.table("coding/links.csv")
    studies = review.table("studies.csv")
    if links is None or studies is None:
        return pd.DataFrame(columns=["study_id", "authors", "year", "links"])
    cited: dict[str, int] = {}
    for documents in links["documents"]:
        for document in documents:
            cited[document] = cited.get(document, 0) + 1
    result = studies[["study_id", "authors", "year"]].copy()
    result["links"] = result["study_id"].map(lambda s: cited.get(s, 0))
    return result.sort_values(["links", "study_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def subgroup_results(review: Review) -> pd.DataFrame:
    """Subgroup and sensitivity analyses as published, with each percentage recomputed from its n."""
    subgroups = review.table("coding/subgroups.csv")
    columns = ["analysis", "subgroup", "n", "of", "published %", "recomputed %", "finding", "source"]
    if subgroups is None:
        return pd.DataFrame(columns=columns)
    rows = []
    for row in subgroups.to_dict("records"):
        recomputed = None
        if row["n_studies"] is not None and row["denominator"]:
            decimals = 1 if row["published_percent"] is not None and float(row["published_percent"]) % 1 else 0
            recomputed = round_half_up(percent(row["n_studies"], row["denominator"]), decimals)
        rows.append({"analysis": row["analysis"], "subgroup": row["subgroup"], "n": row["n_studies"],
                     "of": row["denominator"], "published %": row["published_percent"], "recomputed %": recomputed,
                     "finding": row["finding"], "source": row["source"]})
    return pd.DataFrame(rows, columns=columns)


def denominator_sentence(review: Review) -> str:
    """One sentence saying what the percentages are percentages of."""
    total, basis = denominator(review)
    if not total:
        return f"No percentages yet: {basis}."
    return f"Percentages are of **{total} {units_word(review)}** ({basis})."


def unit_tallies(review: Review, columns: list[str]) -> pd.DataFrame:
    """:func:`unit_tally` for several attributes in one table (an ``attribute`` column first)."""
    table = unit_table(review)
    if table is None:
        return pd.DataFrame(columns=["attribute", "value", "n", "coded in", "units"])
    frames = [unit_tally(review, column).assign(attribute=column) for column in columns if column in table.columns]
    if not frames:
        return pd.DataFrame(columns=["attribute", "value", "n", "coded in", "units"])
    result = pd.concat(frames, ignore_index=True)
    return result[["attribute", "value", "n", "coded in", "units"]]


def node_tallies(review: Review, kinds: list[str], threshold_percent: float = 0.0) -> pd.DataFrame:
    """:func:`node_tally` for several node kinds in one table (a ``kind`` column first)."""
    frames = [node_tally(review, kind, threshold_percent).assign(kind=kind) for kind in kinds]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    result = pd.concat(frames, ignore_index=True)
    return result[["kind"] + [c for c in result.columns if c != "kind"]]


# --- the document x node matrix and what is computed from it ---------------------------------------------------

def presence_matrix(review: Review, unit: str = "document") -> pd.DataFrame:
    """Units x nodes, 1 where a unit is coded to a node, from every coding the review has.

    The 1s are the documents of the one evidence model (:func:`synthesis.evidence.evidence_rows`: excerpts, links
    and the ``documents`` of ``coding/nodes.csv``) whose evidence supports or refines the node; counts a paper publishes without naming the documents are not
    in the matrix (see :func:`synthesis.evidence.node_support`). Rows are every included document (``studies.csv``), coded or not; with
    ``unit="intervention"`` (or ``"study"``) documents are pooled into the units they describe (``units`` column).
    The matrix is computed once per review and unit and shared: treat it as read-only.
    """
    return review.cached(("presence_matrix", unit), lambda: _presence_matrix(review, unit))


def _presence_matrix(review: Review, unit: str) -> pd.DataFrame:
    rows = evidence_rows(review)
    frame = rows[rows["direction"] != "refutes"][["document", "node"]].drop_duplicates()
    nodes = review.table("coding/nodes.csv")
    studies = review.table("studies.csv")
    documents = list(studies["study_id"]) if studies is not None and len(studies) else sorted(set(frame["document"]))
    coded_nodes = set(frame["node"])
    order = [n for n in (nodes["node_id"] if nodes is not None else []) if n in coded_nodes]
    order += sorted(coded_nodes - set(order))
    matrix = pd.crosstab(frame["document"], frame["node"]).clip(upper=1).reindex(
        index=documents, columns=order, fill_value=0).astype(int)
    matrix.index.name, matrix.columns.name = "document", "node"
    if unit != "document" and studies is not None:
        membership = {study: cell_values(units) or ["not reported"]
                      for study, units in zip(studies["study_id"], studies["units"])}
        long = [(u, d) for d, units in membership.items() for u in units]
        mapping = pd.DataFrame(long, columns=["unit", "document"])
        matrix = mapping.merge(matrix, left_on="document", right_index=True).drop(columns="document") \
            .groupby("unit", sort=True).max()
        matrix.index.name = unit
    return matrix


def coded_in(matrix: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Per node of a presence matrix: n units coded, N, percent, "coded in n of N (%)" and the rank (ties share)."""
    total = len(matrix)
    counts = matrix.sum(axis=0)
    result = pd.DataFrame({"node_id": counts.index, "label": [(labels or {}).get(n, n) for n in counts.index],
                           "n": counts.values.astype(int), "N": total})
    result["percent"] = result["n"].map(lambda n: round_half_up(percent(n, total), 1) if total else 0.0)
    result["coded in"] = result["n"].map(lambda n: _coded_in(int(n), total) if total else "")
    result["rank"] = result["n"].rank(method="min", ascending=False).astype(int)
    return result.sort_values(["rank"], kind="stable").reset_index(drop=True)


def cooccurrence(matrix: pd.DataFrame) -> pd.DataFrame:
    """Nodes x nodes: the number of units coded to both (the diagonal is each node's own count)."""
    values = matrix.to_numpy()
    return pd.DataFrame(values.T @ values, index=matrix.columns, columns=matrix.columns)


def _ordering_change(full: pd.Series, subset: pd.Series, top_k: int) -> dict:
    from scipy.stats import kendalltau

    present = full[full > 0].index
    tau = kendalltau(full[present], subset.reindex(present, fill_value=0)).statistic if len(present) > 1 else 1.0
    top_full = set(full.sort_values(ascending=False, kind="stable").index[:top_k])
    top_subset = set(subset[subset > 0].sort_values(ascending=False, kind="stable").index[:top_k])
    return {"kendall tau": round(float(tau), 3) if tau == tau else None,
            f"enter top {top_k}": ", ".join(sorted(top_subset - top_full)),
            f"leave top {top_k}": ", ".join(sorted(top_full - top_subset)),
            "disappear": ", ".join(sorted(set(present) - set(subset[subset > 0].index)))}


def robustness(matrix: pd.DataFrame, subsets: dict[str, list[str]], top_k: int = 5) -> pd.DataFrame:
    """How the strength-of-theme ordering changes within subsets of units (subgroups, quality filters).

    For each subset: its size, Kendall's tau between the node counts in all units and in the subset, nodes that
    enter or leave the top k, and nodes that disappear (coded somewhere, but in no unit of the subset).
    """
    full = matrix.sum(axis=0)
    rows = []
    for name, members in subsets.items():
        subset = matrix.loc[matrix.index.intersection(members)].sum(axis=0)
        rows.append({"subset": name, "units": len(matrix.index.intersection(members)),
                     **_ordering_change(full, subset, top_k)})
    return pd.DataFrame(rows)


def leave_one_out(matrix: pd.DataFrame, top_k: int = 5) -> pd.DataFrame:
    """:func:`robustness` with each coded unit left out in turn (the least stable first).

    The counts without one unit are the full counts minus that unit's row, so each case costs one pass over
    the nodes, not over the whole matrix.
    """
    full = matrix.sum(axis=0)
    rows = []
    for unit, coded_row in zip(matrix.index, matrix.to_numpy()):
        if not coded_row.any():
            continue
        subset = pd.Series(full.to_numpy() - coded_row, index=full.index)
        rows.append({"subset": f"without {unit}", "units": len(matrix) - 1, **_ordering_change(full, subset, top_k)})
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    return result.sort_values(["kendall tau", "subset"], kind="stable").reset_index(drop=True)


def node_labels(review: Review) -> dict[str, str]:
    """Node id -> label, for showing matrices and tallies."""
    nodes = review.table("coding/nodes.csv")
    return dict(zip(nodes["node_id"], nodes["label"])) if nodes is not None else {}


def matrix_tallies(review: Review, unit: str = "document") -> pd.DataFrame:
    """:func:`coded_in` of the presence matrix, with node labels (empty when the review has no coding).

    Beside the matrix's own count, ``evidence n`` is the node's count in the evidence model, which is larger where
    the paper publishes a count without naming every document (``basis`` says so).
    """
    matrix = presence_matrix(review, unit)
    if matrix.empty or not matrix.values.any():
        return pd.DataFrame()
    table = coded_in(matrix, node_labels(review))
    if unit != "document":
        return table
    support = node_support(review).set_index("node_id")
    return table.assign(**{"evidence n": table["node_id"].map(support["n"]).astype("Int64"),
                           "basis": table["node_id"].map(support["basis"])})


def labelled_cooccurrence(review: Review, rows_kind: str, columns_kind: str, unit: str = "document") -> pd.DataFrame:
    """Co-occurrence of one kind of node with another (e.g. mechanisms x outcomes), labelled."""
    matrix = presence_matrix(review, unit)
    nodes = review.table("coding/nodes.csv")
    if matrix.empty or nodes is None:
        return pd.DataFrame()
    kinds = dict(zip(nodes["node_id"], nodes["kind"]))
    table = cooccurrence(matrix)
    rows = [n for n in table.index if kinds.get(n) == rows_kind]
    columns = [n for n in table.columns if kinds.get(n) == columns_kind]
    if not rows or not columns:
        return pd.DataFrame()
    labels = node_labels(review)
    return table.loc[rows, columns].rename(index=labels, columns=labels)


def robustness_table(review: Review, top_k: int = 5, unit: str = "document") -> pd.DataFrame:
    """Leave-one-out robustness of the ordering computed from the review's own coding (empty without coding)."""
    matrix = presence_matrix(review, unit)
    if matrix.empty or not matrix.values.any():
        return pd.DataFrame()
    table = leave_one_out(matrix, top_k)
    labels = node_labels(review)
    for column in [c for c in table.columns if c.startswith(("enter", "leave", "disappear"))]:
        table[column] = table[column].map(lambda s: ", ".join(labels.get(x, x) for x in s.split(", ")) if s else "")
    return table



def matrix_figure(review: Review, unit: str = "document") -> plt.Figure | None:
    """The presence matrix drawn as a grid of units by nodes (:func:`synthesis.diagrams.draw_presence_matrix`).

    None when the review has no coding.
    """
    matrix = presence_matrix(review, unit)
    if matrix.empty or not matrix.values.any():
        return None
    nodes = review.table("coding/nodes.csv")
    kinds = dict(zip(nodes["node_id"], nodes["kind"])) if nodes is not None else {}
    return draw_presence_matrix(review.title, matrix, kinds, node_labels(review), unit)

# The values published claims compute from the tallies (see data/README.md, "Computed values").

def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _percent_row(review: Review, spec: str) -> pd.DataFrame:
    """The row of ``FILE:ROW_ID`` (its first column is the id)."""
    name, row_id = spec.rsplit(":", 1)
    table = registry.table(review, name)
    return table[table.iloc[:, 0] == row_id]


@registry.computes("percent", "FILE:ROW_ID", inputs=_percent_row)
def _percent_value(review: Review, spec: str) -> float:
    name, row_id = spec.rsplit(":", 1)
    row = _percent_row(review, spec)
    if row.empty:
        raise LookupError(f"no row {row_id!r} in {name}")
    row = row.iloc[0]
    if name == "coding/nodes.csv":
        if row["published_n"] is None or pd.isna(row["published_n"]):
            raise LookupError(f"{row_id} has no published n to compute a percentage from")
        return percent(row["published_n"], denominator(review)[0])
    return percent(row["n_studies"], row["denominator"])


def _ranked_rows(review: Review, spec: str) -> pd.DataFrame:
    """The rows a ranking reads: a table's influences where it has kinds, else all its rows."""
    table = registry.table(review, spec.rsplit(":", 1)[0])
    return table[table["kind"] == "influence"] if "kind" in table else table


def _numeric_second(target: str) -> bool:
    return _is_number(target.split(":")[1])


@registry.computes("top", "FILE:K", valid=_numeric_second, inputs=_ranked_rows)
def _top_value(review: Review, spec: str) -> str:
    return "; ".join(theme_ordering(review)[: int(spec.rsplit(":", 1)[1])])


@registry.computes("atleast", "FILE:PERCENT", valid=_numeric_second, inputs=_ranked_rows)
def _at_least_value(review: Review, spec: str) -> int:
    return int((node_tally(review)["percent"] >= float(spec.rsplit(":", 1)[1])).sum())

"""The final programme theory (stage 04): each theory's status from the coding evidence, the final model set in
the paper's typographic convention, and the trail from a status to the words in the documents."""

from __future__ import annotations

import html
import re

import matplotlib.pyplot as plt
import pandas as pd

from synthesis.diagrams import draw_nested_cmoc
from synthesis.errors import ReviewError
from synthesis.evidence import documents_for, evidence_rows, node_support
from synthesis.initial_theory import theory_table
from synthesis.review import Review
from synthesis.wording import basis_word, missing

__all__ = ["classify_theories", "final_status", "styled_statement", "final_model_sections", "final_model",
           "FINAL_LEGEND", "status_counts", "FINAL_FORMATS", "theory_evidence_trail", "REFUTATION_RULES",
           "contexts_with_links", "nested_cmoc_diagram", "diagrams_sentence"]


_STYLE = {"kept": "normal", "refined": "normal", "in final model": "normal", "unsupported": "strikethrough",
          "new": "capitals"}


_LATEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_LATEX_REPLACEMENT = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _latex_escape(text: str) -> str:
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_REPLACEMENT.get(m.group(1), "\\" + m.group(1)), text)


#: The formats :func:`styled_statement` and :func:`final_model` write.
FINAL_FORMATS = ("markdown", "html", "latex", "text")


def styled_statement(text: str, status: str, fmt: str = "markdown") -> str:
    """``text`` set in the paper's convention for ``status``: normal, struck through or in capitals.

    HTML and LaTeX are escaped; LaTeX strikethrough is ``\\sout`` from the ``ulem`` package.
    """
    if fmt not in FINAL_FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FINAL_FORMATS)}")
    style = _STYLE.get(status, "normal")
    if style == "capitals":
        text = text.upper()
    if fmt == "html":
        text = html.escape(text, quote=False)
    elif fmt == "latex":
        text = _latex_escape(text)
    if style == "strikethrough":
        return {"markdown": f"~~{text}~~", "html": f"<s>{text}</s>", "latex": f"\\sout{{{text}}}"}.get(fmt, text)
    return text


_EVIDENCE_COLUMNS = ["theory", "label", "initial", "nodes", "documents", "n documents", "refuting", "n refuting",
                     "from the evidence",
                     "stated status", "final status", "basis", "agree"]


#: How refuting evidence counts in a theory's status (notebook 04's ``refutation`` parameter).
REFUTATION_RULES = {
    "outweigh": "a node is supported when its supporting documents reach min_documents and outnumber the refuting "
                "ones, and refuted when the refuting documents reach min_documents and are at least as many",
    "veto": "any refuting document refutes the node, whatever its support",
    "ignore": "refuting evidence is shown beside the support but never changes a status",
}


def _node_states(review: Review, min_documents: int, refutation: str) -> dict[str, str]:
    """Node id -> supported, refuted or untested, under the refutation rule."""
    if refutation not in REFUTATION_RULES:
        raise ReviewError("parameters", f"{refutation!r} is not a refutation rule", field="refutation",
                          hint="use one of: " + ", ".join(REFUTATION_RULES))
    states = {}
    for row in node_support(review).to_dict("records"):
        support, against = row["n"] or 0, len(row["refuting"])
        if refutation == "veto" and against:
            states[row["node_id"]] = "refuted"
        elif refutation == "outweigh" and against >= min_documents and against >= support:
            states[row["node_id"]] = "refuted"
        elif support >= min_documents:
            states[row["node_id"]] = "supported"
        else:
            states[row["node_id"]] = "untested"
    return states


def _status_from_evidence(nodes: list[str], states: dict[str, str], refined: set[str], is_initial: bool) -> str:
    if not nodes:
        return "no nodes named"
    supported = [n for n in nodes if states.get(n) == "supported"]
    if not is_initial:
        return "new" if supported else "unsupported"
    if not supported:
        return "unsupported"
    whole = len(supported) == len(nodes) and not refined.intersection(nodes)
    return "kept" if whole else "refined"


def classify_theories(review: Review, min_documents: int = 1, refutation: str = "outweigh") -> pd.DataFrame:
    """Each theory classified kept, refined, unsupported or new from the coding evidence, beside the stated status.

    A theory is tested by the coding nodes it names (``nodes`` in ``theory/initial.yml`` or ``final.yml``). A node
    is supported when at least ``min_documents`` documents support it, refuted or left untested as the
    ``refutation`` rule says (:data:`REFUTATION_RULES`; evidence has a ``direction`` in ``coding/``). An initial
    theory whose nodes are all supported, with no evidence refining them, is *kept*; partly supported, refuted in
    part or refined by the evidence, *refined*; with no node supported, *unsupported*. A theory first named in
    ``final.yml`` and supported is *new*, and so is every supported context no theory names. Where the paper (or, in
    one's own review, the review team) states a status in ``theory/final.yml``, that status is final and the
    evidence is shown beside it, with whether the two agree.
    """
    if min_documents < 1:
        raise ReviewError("parameters", "min_documents must be at least 1: a theory with no documents is never "
                          "supported", field="min_documents", hint="pass -p min_documents=1 or more")
    states = _node_states(review, min_documents, refutation)
    support = node_support(review)
    counts = {node: n for node, n in zip(support["node_id"], support["n"]) if n is not None}
    refined = {node for node, documents in zip(support["node_id"], support["refining"]) if documents}
    refuting = dict(zip(support["node_id"], support["refuting"]))
    initial = review.document("theory/initial.yml") or {}
    final = {t["id"]: t for t in (review.document("theory/final.yml") or {}).get("theories") or []}
    theories = [(t, True) for t in initial.get("theories") or []]
    theories += [(t, False) for t_id, t in final.items() if t_id not in {t["id"] for t, _ in theories}]
    named: set[str] = set()
    rows = []
    for theory, is_initial in theories:
        nodes = list(theory.get("nodes") or final.get(theory["id"], {}).get("nodes") or [])
        named.update(nodes)
        evidence = _status_from_evidence(nodes, states, refined, is_initial)
        stated = final.get(theory["id"], {}).get("status", "")
        rows.append(_evidence_row(review, theory["id"], theory.get("label", theory["id"]), is_initial, nodes,
                                  counts, refuting, evidence, stated))
    nodes_table = review.table("coding/nodes.csv")
    if nodes_table is not None:
        for node in nodes_table[nodes_table["kind"] == "context"].to_dict("records"):
            if node["node_id"] not in named and states.get(node["node_id"]) == "supported":
                rows.append(_evidence_row(review, node["node_id"], node["label"], False, [node["node_id"]],
                                          counts, refuting, "new", ""))
    return pd.DataFrame(rows, columns=_EVIDENCE_COLUMNS)


def _evidence_row(review, theory_id, label, is_initial, nodes, counts, refuting, evidence, stated) -> dict:
    ids = documents_for(review, nodes)
    against = sorted(set().union(*(refuting.get(node, []) for node in nodes))) if nodes else []
    n = max([len(ids)] + [counts.get(node, 0) for node in nodes])
    final = stated or (evidence if evidence != "no nodes named" else "not assessed")
    comparable = stated and evidence != "no nodes named" and stated != "in final model"
    agree = ("yes" if stated == evidence else "no") if comparable else ""
    return {"theory": theory_id, "label": label, "initial": is_initial, "nodes": "; ".join(nodes),
            "documents": "; ".join(ids), "n documents": n if nodes else None, "refuting": "; ".join(against),
            "n refuting": len(against) if nodes else None, "from the evidence": evidence,
            "stated status": stated or "not stated", "final status": final,
            "basis": basis_word(review) if stated else ("the evidence" if nodes else ""), "agree": agree}


def final_status(review: Review, fmt: str = "markdown", min_documents: int = 1, refutation: str = "outweigh"
                 ) -> pd.DataFrame:
    """Each theory's final status (the paper's where it states one, else the evidence's), set in its convention."""
    table = theory_table(review)
    statements = {r["id"]: f"{r['label']}: {r['statement'] or r['topic_label']}".strip(": ")
                  for r in table.to_dict("records")}
    notes = {t["id"]: t.get("note", "") for t in (review.document("theory/final.yml") or {}).get("theories") or []}
    rows = []
    for row in classify_theories(review, min_documents, refutation).to_dict("records"):
        text = statements.get(row["theory"], row["label"])
        rows.append({"theory": row["theory"], "status": row["final status"],
                     "as set in the final model": styled_statement(text, row["final status"], fmt),
                     "basis": row["basis"], "note": notes.get(row["theory"], "")})
    return pd.DataFrame(rows, columns=["theory", "status", "as set in the final model", "basis", "note"])


def final_model_sections(review: Review, min_documents: int = 1, refutation: str = "outweigh"
                         ) -> list[tuple[str, list[tuple[str, str]]]]:
    """The final programme theory grouped by area: ``[(heading, [(status, plain text), ...]), ...]``."""
    table = theory_table(review).set_index("id")
    statements = {i: f"{r['label']}: {r['statement'] or r['topic_label']}".strip(": ") for i, r in table.iterrows()}
    initial = review.document("theory/initial.yml") or {}
    area_labels = {a["id"]: a["label"] for a in initial.get("areas") or []}
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in classify_theories(review, min_documents, refutation).to_dict("records"):
        area = table["area"].get(row["theory"], "") if row["theory"] in table.index else ""
        status = row["final status"]
        heading = area_labels.get(area, "New theories" if status == "new" else "Other theories")
        groups.setdefault(heading, []).append((status, statements.get(row["theory"], row["label"])))
    return list(groups.items())


#: The legend printed with every rendering of the final model.
FINAL_LEGEND = "Kept or refined theories in normal type; unsupported struck through; new in capitals."


def final_model(review: Review, fmt: str = "markdown", min_documents: int = 1, refutation: str = "outweigh") -> str:
    """The final programme theory as one document in ``fmt`` (markdown, html, latex or text), grouped by area.

    Every theory is set in the paper's convention: kept and refined in normal type, unsupported struck
    through, new in capitals. LaTeX needs ``\\usepackage[normalem]{ulem}`` for the strikethrough.
    Empty when the review has no theories.
    """
    if fmt not in FINAL_FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FINAL_FORMATS)}")
    sections = final_model_sections(review, min_documents, refutation)
    if not sections:
        return ""
    title = f"Final programme theory: {review.title}"
    styled = [(heading, [styled_statement(text, status, fmt) for status, text in items])
              for heading, items in sections]
    if fmt == "html":
        parts = [f"<h2>{html.escape(title)}</h2>", f"<p><em>{html.escape(FINAL_LEGEND)}</em></p>"]
        parts += [f"<h3>{html.escape(heading)}</h3>\n<ul>\n" + "\n".join(f"  <li>{i}</li>" for i in items)
                  + "\n</ul>" for heading, items in styled]
    elif fmt == "latex":
        parts = [f"% requires \\usepackage[normalem]{{ulem}}\n\\section*{{{_latex_escape(title)}}}",
                 f"\\emph{{{_latex_escape(FINAL_LEGEND)}}}"]
        parts += [f"\\subsection*{{{_latex_escape(heading)}}}\n\\begin{{itemize}}\n"
                  + "\n".join(f"  \\item {i}" for i in items) + "\n\\end{itemize}" for heading, items in styled]
    elif fmt == "markdown":
        parts = [f"# {title}", f"*{FINAL_LEGEND}*"]
        parts += [f"## {heading}\n\n" + "\n".join(f"- {i}" for i in items) for heading, items in styled]
    else:
        parts = [title, FINAL_LEGEND]
        parts += [f"{heading}\n\n" + "\n".join(f"- {i}" for i in items) for heading, items in styled]
    return "\n\n".join(parts) + "\n"


def status_counts(review: Review, min_documents: int = 1, refutation: str = "outweigh") -> pd.DataFrame:
    """How many theories ended in each status, with the typographic convention that marks it."""
    table = final_status(review, min_documents=min_documents, refutation=refutation).rename(columns={"theory": "id"})
    if table.empty:
        return pd.DataFrame(columns=["status", "theories", "ids", "set in"])
    counts = table.groupby("status", sort=True)["id"].agg(["count", lambda ids: ", ".join(ids)])
    counts.columns = ["theories", "ids"]
    counts["set in"] = [_STYLE.get(s, "normal") for s in counts.index]
    return counts.reset_index()


def _memo_index(review: Review) -> dict[tuple[str, str], list[str]]:
    """(what, id) -> the texts of the memos about it: an excerpt, a node or a document (``coding/memos.csv``)."""
    memos = review.table("coding/memos.csv")
    index: dict[tuple[str, str], list[str]] = {}
    for memo in ([] if memos is None else memos.to_dict("records")):
        text = f"{memo['memo_id']}: {memo['text']}"
        for what in ("excerpt", "node", "document"):
            if memo.get(what) and (what != "document" or memo["about"] == "document"):
                index.setdefault((what, memo[what]), []).append(text)
    return index


def theory_evidence_trail(review: Review) -> pd.DataFrame:
    """For every theory, each node that tests it and each coded excerpt behind that node (document, page, quote).

    Memos (``coding/memos.csv``) about the excerpt, the node or the document stand beside each row.

    The trail from a theory's status to the words in the documents: one row per theory, node and excerpt; a node
    supported only through links or a node list shows its documents without a quote.
    """
    columns = ["theory", "node", "document", "page", "quote", "via", "memos"]
    initial = (review.document("theory/initial.yml") or {}).get("theories") or []
    final = (review.document("theory/final.yml") or {}).get("theories") or []
    excerpts = review.table("coding/excerpts.csv")
    quoted = {} if excerpts is None else {row["excerpt_id"]: row for row in excerpts.to_dict("records")}
    rows_of = evidence_rows(review).groupby("node")
    support = node_support(review)
    labels = dict(zip(support["node_id"], support["label"]))
    memos = _memo_index(review)
    rows = []
    seen: set[str] = set()
    for theory in initial + final:
        if theory["id"] in seen or not theory.get("nodes"):
            continue
        seen.add(theory["id"])
        for node in theory["nodes"]:
            if node not in rows_of.groups:
                continue
            for record in rows_of.get_group(node).to_dict("records"):
                excerpt = quoted.get(record["item"]) if record["via"] == "excerpt" else None
                about = [("excerpt", record["item"]), ("node", node), ("document", record["document"])]
                rows.append({"theory": theory["id"], "node": labels.get(node, node), "document": record["document"],
                             "page": (excerpt or {}).get("page") or "", "quote": (excerpt or {}).get("quote") or "",
                             "via": record["via"],
                             "memos": " | ".join(dict.fromkeys(m for key in about for m in memos.get(key, [])))})
    return pd.DataFrame(rows, columns=columns).drop_duplicates().reset_index(drop=True)


def contexts_with_links(review: Review) -> list[str]:
    """Node ids of the contexts that have at least one mechanism-outcome link, in the paper's order."""
    links = review.table("coding/links.csv")
    nodes = review.table("coding/nodes.csv")
    if links is None or nodes is None:
        return []
    linked = set(links["context"])
    return [n for n in nodes.loc[nodes["kind"] == "context", "node_id"] if n in linked]


def _documents(frame: pd.DataFrame) -> int:
    """Distinct documents cited across the links of ``frame``."""
    return len({d for docs in frame["documents"] for d in docs})


def nested_cmoc_diagram(review: Review, context_id: str) -> plt.Figure:
    """The nested CMOCs of one context (:func:`synthesis.diagrams.draw_nested_cmoc`), each mechanism and outcome
    with the distinct documents cited for it, most cited first.

    Raises
    ------
    ReviewError
        When ``coding/links.csv`` has no link for the context.
    """
    links = review.table("coding/links.csv")
    chosen = links[links["context"] == context_id] if links is not None else pd.DataFrame()
    if chosen.empty:
        raise ReviewError("coding/links.csv", f"no links for context {context_id!r}", field="context",
                          hint="draw one of " + ", ".join(contexts_with_links(review)))
    labels = review.table("coding/nodes.csv").set_index("node_id")["label"]
    counts = {kind: {node: _documents(chosen[chosen[kind] == node]) for node in set(chosen[kind])}
              for kind in ("mechanism", "outcome")}
    mechanisms = sorted(counts["mechanism"], key=lambda m: (-counts["mechanism"][m], m))
    outcomes = sorted(counts["outcome"], key=lambda o: (-counts["outcome"][o], o))
    pairs = [(mechanisms.index(mechanism), outcomes.index(outcome), _documents(group))
             for (mechanism, outcome), group in chosen.groupby(["mechanism", "outcome"], sort=True)]
    return draw_nested_cmoc(review.title, labels[context_id],
                            [(labels[m], counts["mechanism"][m]) for m in mechanisms],
                            [(labels[o], counts["outcome"][o]) for o in outcomes], pairs, _documents(chosen))


def diagrams_sentence(review: Review) -> str:
    """How many nested CMOC diagrams the review has, or why it has none."""
    count = len(contexts_with_links(review))
    if count:
        return f"{count} nested CMOC diagram(s), one per context with published links."
    return missing(review, "nested_cmoc")

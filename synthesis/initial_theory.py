"""The initial programme theory (stage 02): CMOCs by area and topic, their published elements and the theories
they draw on."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from synthesis import registry
from synthesis.diagrams import draw_theory_map
from synthesis.review import Review
from synthesis.wording import is_published, missing

__all__ = ["theory_table", "theories_by_topic", "area_counts", "element_inventory", "theory_sources", "cmoc_table",
           "initial_theory_note", "theory_map"]


@registry.derived_table("theories")
def theory_table(review: Review) -> pd.DataFrame:
    """One row per theory of the initial model, joined with its topic, area and final status.

    Returns an empty table (with the columns) when the review publishes no initial theories.
    """
    columns = ["id", "label", "area", "topic", "topic_label", "statement", "contexts", "mechanisms", "outcomes",
               "partial", "sources", "status", "source"]
    initial = review.document("theory/initial.yml") or {}
    topics = {t["id"]: t for t in initial.get("topics") or []}
    final = {t["id"]: t for t in (review.document("theory/final.yml") or {}).get("theories") or []}
    rows = []
    for theory in initial.get("theories") or []:
        topic = topics.get(theory["topic"], {})
        mechanisms = ["; ".join(filter(None, (m.get("resource"), m.get("reasoning"))))
                      for m in theory.get("mechanisms") or []]
        rows.append({
            "id": theory["id"], "label": theory.get("label", theory["id"]), "area": topic.get("area", ""),
            "topic": theory["topic"], "topic_label": topic.get("label", ""),
            "statement": theory.get("statement", ""), "contexts": theory.get("contexts") or [],
            "mechanisms": mechanisms, "outcomes": theory.get("outcomes") or [],
            "partial": bool(theory.get("partial", False)), "sources": theory.get("sources") or [],
            "status": final.get(theory["id"], {}).get("status", "not assessed"), "source": theory["source"]})
    for theory_id, theory in final.items():
        # Final theories missing from the initial model: new ones, and those whose origin the paper leaves unsaid.
        if theory["status"] in ("new", "in final model") and theory_id not in {r["id"] for r in rows}:
            rows.append({"id": theory_id, "label": theory.get("label", theory_id), "area": "", "topic": "",
                         "topic_label": "", "statement": theory.get("statement", ""), "contexts": [],
                         "mechanisms": [], "outcomes": [], "partial": False, "sources": [], "status": theory["status"],
                         "source": theory["source"]})
    return pd.DataFrame(rows, columns=columns)


def theories_by_topic(review: Review) -> pd.DataFrame:
    """Topics in the paper's order with the theories under each and how many of their elements are published."""
    table = theory_table(review)
    initial = review.document("theory/initial.yml") or {}
    rows = []
    for topic in initial.get("topics") or []:
        members = table[table["topic"] == topic["id"]]
        published = members.apply(lambda r: bool(r["contexts"] or r["mechanisms"] or r["outcomes"]), axis=1)
        rows.append({"area": topic["area"], "topic": topic["label"],
                     "theories": ", ".join(members["label"]), "n": len(members),
                     "with published C, M or O": int(published.sum()) if len(members) else 0})
    return pd.DataFrame(rows, columns=["area", "topic", "theories", "n", "with published C, M or O"])


def area_counts(review: Review) -> pd.DataFrame:
    """Per area, the number of CMOCs the paper states beside the number of theories it numbers.

    Theories with status ``unsupported`` are not counted, as they are not in the final model.
    """
    table = theory_table(review)
    initial = review.document("theory/initial.yml") or {}
    rows = []
    for area in initial.get("areas") or []:
        in_model = table[(table["area"] == area["id"]) & (table["status"] != "unsupported")]
        stated = area.get("published_count")
        rows.append({"area": area["label"], "stated by the paper": "not stated" if stated is None else stated,
                     "numbered theories": len(in_model),
                     "agree": "" if stated is None else "yes" if stated == len(in_model) else "no",
                     "source": area["source"]})
    table = pd.DataFrame(rows, columns=["area", "stated by the paper", "numbered theories", "agree", "source"])
    # One's own review states no counts to compare with: only the theories it numbers.
    return table if is_published(review) else table.drop(columns=["stated by the paper", "agree"])


def element_inventory(review: Review) -> pd.DataFrame:
    """Every context, mechanism and outcome stated for the theories, with the theories that use it."""
    table = theory_table(review)
    uses: dict[tuple[str, str], list[str]] = {}
    for row in table.to_dict("records"):
        for kind in ("contexts", "mechanisms", "outcomes"):
            for element in row[kind]:
                uses.setdefault((kind[:-1], element), []).append(row["label"])
    rows = [{"element": kind, "text": text, "theories": ", ".join(labels), "n theories": len(labels)}
            for (kind, text), labels in uses.items()]
    order = {"context": 0, "mechanism": 1, "outcome": 2}
    result = pd.DataFrame(rows, columns=["element", "text", "theories", "n theories"])
    if result.empty:
        return result
    result["_order"] = result["element"].map(order)
    return result.sort_values(["_order", "n theories", "text"], ascending=[True, False, True],
                              kind="stable").drop(columns="_order").reset_index(drop=True)


def theory_sources(review: Review) -> pd.DataFrame:
    """The register of middle-range and substantive theories (and other sources) with the theories drawing on each."""
    sources = review.table("theory/sources.csv")
    if sources is None:
        return pd.DataFrame(columns=["source_id", "kind", "name", "ref_number", "used_for", "theories"])
    table = theory_table(review)
    drawn = {sid: [r["label"] for r in table.to_dict("records") if sid in r["sources"]] for sid in sources["source_id"]}
    shown = sources[["source_id", "kind", "name", "ref_number", "used_for"]].copy()
    shown["theories"] = shown["source_id"].map(lambda s: ", ".join(drawn[s]))
    return shown.fillna("").reset_index(drop=True)


def cmoc_table(review: Review) -> pd.DataFrame:
    """The CMOCs with their published elements, one row per theory (lists joined for reading)."""
    table = theory_table(review)
    if table.empty:
        return pd.DataFrame(columns=["theory", "topic", "context", "mechanism", "outcome", "partial", "source"])
    joined = lambda items: "; ".join(items) if items else "not reported"
    return pd.DataFrame({"theory": table["label"], "topic": table["topic_label"],
                         "context": table["contexts"].map(joined), "mechanism": table["mechanisms"].map(joined),
                         "outcome": table["outcomes"].map(joined), "partial": table["partial"],
                         "source": table["source"]})


def initial_theory_note(review: Review) -> str:
    """Why a review shows no initial theories (its own note), for the notebooks' plain sentence."""
    initial = review.document("theory/initial.yml") or {}
    if initial.get("note"):
        return initial["note"].strip()
    return missing(review, "theories_by_topic")


def theory_map(review: Review) -> plt.Figure | None:
    """The theory map: areas, their topics (with the theories under each) and the middle-range theories each
    topic draws on (:func:`synthesis.diagrams.draw_theory_map`).

    Returns None when the review publishes no topics of an initial theory (nothing to map).
    """
    table = theory_table(review)
    initial = review.document("theory/initial.yml") or {}
    topics = initial.get("topics") or []
    if table.empty or not topics:
        return None
    area_labels = {a["id"]: a["label"] for a in initial.get("areas") or []}
    members = table.groupby("topic")["label"].agg(", ".join).to_dict()
    sources = review.table("theory/sources.csv")
    names = dict(zip(sources["source_id"], sources["name"])) if sources is not None else {}
    topic_ids = {topic["id"] for topic in topics}
    used: dict[str, list[str]] = {}
    for row in table.to_dict("records"):
        for source_id in row["sources"]:
            if row["topic"] in topic_ids:
                used.setdefault(source_id, []).append(row["topic"])
    return draw_theory_map(review.title, topics, area_labels, members, names, used)

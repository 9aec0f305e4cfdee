"""Theory refinement as data: the rounds a programme theory went through, what changed in each, and on what evidence.

``theory/iterations.yml`` holds the rounds (round 0 is ``theory/initial.yml`` unless the file lists it; the last round
is the final theory). Each theory in a round has a status against the round before: kept, refined, split, merged,
new or dropped, with the evidence (excerpt or document ids) and memos behind the change. ``synthesis check`` makes
sure every round accounts for every theory of the round before and cites only evidence and memos that exist.
"""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review
from synthesis.final_theory import styled_statement
from synthesis.initial_theory import theory_table

__all__ = ["rounds", "later_rounds", "round_table", "round_diff", "refinement_trail", "ROUND_CONVENTION"]

#: How a status is set in a round's diff, after the final model's convention (new in capitals, gone struck through).
ROUND_CONVENTION = {"initial": "kept", "kept": "kept", "refined": "refined", "split": "new", "merged": "new",
                    "new": "new", "dropped": "unsupported"}


def rounds(review: Review) -> list[dict]:
    """Every round, round 0 first, each with its theories (id, status, statement, ...); empty without iterations."""
    listed = list((review.document("theory/iterations.yml") or {}).get("rounds") or [])
    if not listed:
        return []
    if listed[0]["round"] != 0:
        initial = theory_table(review)
        statements = [{"id": row["id"], "status": "initial",
                       "statement": f"{row['statement'] or row['topic_label']}"} for row in initial.to_dict("records")]
        listed.insert(0, {"round": 0, "label": "Initial programme theory", "theories": statements,
                          "source": "theory/initial.yml"})
    return listed


def later_rounds(review: Review) -> list[int]:
    """The numbers of the rounds after the initial theory (1, 2, ...), each to be set against the one before."""
    return [round_["round"] for round_ in rounds(review)[1:]]


def _statements(round_: dict, before: dict[str, str]) -> dict[str, str]:
    """Theory id -> its statement in this round (carried from the round before where it did not change)."""
    return {t["id"]: t.get("statement") or before.get(t["id"], "") for t in round_["theories"]}


def round_table(review: Review) -> pd.DataFrame:
    """One row per round and theory: the round's date and label, the theory's status, statement and evidence."""
    columns = ["round", "date", "label", "theory", "status", "from", "statement", "change", "evidence", "memos"]
    rows, before = [], {}
    for round_ in rounds(review):
        statements = _statements(round_, before)
        for theory in round_["theories"]:
            rows.append({"round": round_["round"], "date": str(round_.get("date") or ""),
                         "label": round_.get("label") or "", "theory": theory["id"], "status": theory["status"],
                         "from": "; ".join(theory.get("from") or []), "statement": statements[theory["id"]],
                         "change": theory.get("change") or "", "evidence": "; ".join(theory.get("evidence") or []),
                         "memos": "; ".join(theory.get("memos") or [])})
        before = {**before, **statements}
    return pd.DataFrame(rows, columns=columns)


def round_diff(review: Review, number: int, fmt: str = "markdown") -> pd.DataFrame:
    """Round ``number`` against the round before, set in the final model's convention.

    Kept theories in normal type; a refined one shows its old statement struck through beside the new; new, split and
    merged theories in capitals (with where they come from); dropped ones struck through.
    """
    columns = ["theory", "status", "as set", "change", "evidence", "memos"]
    all_rounds = rounds(review)
    if not 0 < number < len(all_rounds):
        return pd.DataFrame(columns=columns)
    before: dict[str, str] = {}
    for round_ in all_rounds[:number]:
        before = {**before, **_statements(round_, before)}
    current = all_rounds[number]
    statements = _statements(current, before)
    rows = []
    for theory in current["theories"]:
        status, text = theory["status"], statements[theory["id"]]
        styled = styled_statement(text, ROUND_CONVENTION[status], fmt)
        if status == "refined" and before.get(theory["id"]) and before[theory["id"]] != text:
            styled = f"{styled_statement(before[theory['id']], 'unsupported', fmt)} {styled}"
        if theory.get("from"):
            styled += f" (from {', '.join(theory['from'])})"
        rows.append({"theory": theory["id"], "status": status, "as set": styled, "change": theory.get("change") or "",
                     "evidence": "; ".join(theory.get("evidence") or []),
                     "memos": "; ".join(theory.get("memos") or [])})
    return pd.DataFrame(rows, columns=columns)


def refinement_trail(review: Review) -> pd.DataFrame:
    """Every change of every round with the evidence behind it: each excerpt's document, page and quote, each memo.

    One row per change and cited item; kept theories are left out (nothing changed to justify).
    """
    columns = ["round", "theory", "status", "change", "cited", "document", "page", "quote or memo"]
    excerpts = review.table("coding/excerpts.csv")
    quoted = {} if excerpts is None else {row["excerpt_id"]: row for row in excerpts.to_dict("records")}
    memos_table = review.table("coding/memos.csv")
    memos = {} if memos_table is None else dict(zip(memos_table["memo_id"], memos_table["text"]))
    rows = []
    for round_ in rounds(review)[1:]:
        for theory in round_["theories"]:
            if theory["status"] == "kept":
                continue
            base = {"round": round_["round"], "theory": theory["id"], "status": theory["status"],
                    "change": theory.get("change") or ""}
            for item in theory.get("evidence") or []:
                excerpt = quoted.get(item)
                rows.append({**base, "cited": item, "document": excerpt["document"] if excerpt else item,
                             "page": (excerpt or {}).get("page") or "", "quote or memo": (excerpt or {}).get("quote")
                             or ""})
            for memo in theory.get("memos") or []:
                rows.append({**base, "cited": memo, "document": "", "page": "", "quote or memo": memos.get(memo, "")})
            if not theory.get("evidence") and not theory.get("memos"):
                rows.append({**base, "cited": "", "document": "", "page": "", "quote or memo": ""})
    return pd.DataFrame(rows, columns=columns)

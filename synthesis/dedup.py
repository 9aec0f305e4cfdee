"""De-duplication of bibliographic records: duplicate groups (never deletion), why each pair matched, and a
queue of possible duplicates for a person to decide.

Pairs are proposed by blocking (same DOI, same normalised title, title prefix or suffix, or same first author,
year, volume and first page) and decided by rules that prefer missing a duplicate to merging two different
papers: different DOIs never match, and a shared title alone is not enough when the year, volume, pages or
kind of publication disagree.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations
from typing import Callable

import pandas as pd
from rapidfuzz import fuzz

from synthesis.records import RECORD_FIELDS, normalise_doi

__all__ = ["DedupResult", "prepare", "candidate_pairs", "decide", "deduplicate", "pairwise_scores"]

_MAX_BLOCK = 60
_CONFERENCE = re.compile(r"proceeding|conference|congress|symposium|meeting|abstract|amcis|hicss|icis|ecis",
                         re.IGNORECASE)
# Annotations databases add to titles: "[Erratum appears in ...]", "[Review] [57 refs]", ". [Russian]",
# "(Structured abstract)", "[corrected]"; a truncated "[Erratum ..." without its closing bracket too.
_ANNOTATION = re.compile(
    r"\[(?:[^\]]*(?:erratum|refs|review|corrected|comment|abstract|retracted|reprint)[^\]]*|[a-z]+)\]"
    r"|\((?:structured abstract|abstract|review)\)|\[(?:published )?erratum[^\]]*$"
    # a trailing citation of the corrected article: "(vol 360, pg 542, 2009)", "(N Engl J Med (2009) 360 (542))"
    r"|\((?:vol \d+[^)]*|[^()]*\(\d{4}\)[^()]*(?:\([^()]*\))?)\)\s*$", re.IGNORECASE)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


_ERRATUM = re.compile(r"^\s*(?:erratum|correction|corrigendum)\s*(?:to)?\s*[:.-]\s*|\(vol \d+, pg \d+", re.IGNORECASE)


def _clean_title(title: str) -> str:
    title = _ERRATUM.sub(" ", str(title or "")).strip()
    if title.startswith("[") and title.rstrip(".").endswith("]") and title.count("[") == 1:
        title = title.strip("[].")  # a translated title is printed in brackets
    return _fold(_ANNOTATION.sub(" ", title))


def _surname(author: str) -> str:
    author = _fold(author.split(",")[0] if "," in author else author.split(" ")[0] if author else "")
    return author.replace(" ", "")


def _digits(value) -> str:
    match = re.search(r"\d+", str(value or ""))
    return match.group(0).lstrip("0") if match else ""


def _first_page(value) -> str:
    """The first page's digits ('S7' -> 7, 'c37' -> 37, 'e12410' -> 12410); '' for 'Suppl-11' and the like."""
    match = re.match(r"^\s*[A-Za-z]?(\d+)", str(value or ""))
    return match.group(1).lstrip("0") if match else ""


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The comparison keys of each record: folded title, first-author surname, year, volume, first page, DOI."""
    frame = pd.DataFrame(index=records.index)
    frame["record_id"] = records["record_id"].astype(str)
    frame["title"] = records["title"].fillna("").map(_clean_title)
    frame["title_key"] = frame["title"].str.replace(" ", "", regex=False)
    authors = records["authors"].fillna("").astype(str)
    frame["first_author"] = authors.map(lambda a: _surname(re.split(r";| and ", a)[0].strip()))
    frame["author_text"] = authors.map(lambda a: _fold(a).replace(" ", ""))
    frame["year"] = pd.to_numeric(records["year"], errors="coerce")
    frame["volume"] = records["volume"].map(_digits)
    frame["first_page"] = records["pages"].map(_first_page)
    frame["doi"] = records["doi"].fillna("").map(normalise_doi)
    venue = records["journal"].fillna("").astype(str) + " " + records["type"].fillna("").astype(str)
    frame["conference"] = venue.map(lambda v: bool(_CONFERENCE.search(v)))
    frame["erratum"] = records["title"].fillna("").astype(str).map(lambda t: bool(_ERRATUM.search(t)))
    content = records[[c for c in RECORD_FIELDS if c not in ("record_id", "source_file", "line", "database")]]
    content = content.astype(object).where(content.notna(), "").astype(str)
    frame["content"] = content.agg("\x1f".join, axis=1).map(
        lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest())
    return frame


def candidate_pairs(prepared: pd.DataFrame) -> set[tuple[int, int]]:
    """Pairs of row positions worth comparing, from several blocking keys (oversized blocks are skipped)."""
    keys: list[pd.Series] = [
        prepared["content"],
        prepared["doi"].where(prepared["doi"] != ""),
        prepared["title_key"].where(prepared["title_key"].str.len() >= 12),
        prepared["title_key"].str[:30].where(prepared["title_key"].str.len() >= 30),
        prepared["title_key"].str[-30:].where(prepared["title_key"].str.len() >= 30),
        (prepared["year"].astype(str) + "|" + prepared["volume"] + "|" +
         prepared["first_page"]).where((prepared["volume"] != "") & (prepared["first_page"] != "")),
    ]
    pairs: set[tuple[int, int]] = set()
    positions = pd.Series(range(len(prepared)), index=prepared.index)
    for index, key in enumerate(keys):
        groups = positions.groupby(key.values, sort=False).agg(list) if key.notna().any() else []
        for members in groups:
            if len(members) < 2 or (len(members) > _MAX_BLOCK and index > 0):
                continue
            pairs.update(combinations(sorted(members), 2))
    return pairs


@dataclass(frozen=True)
class Decision:
    """The verdict on one pair: ``duplicate``, ``possible`` or ``distinct``, with the evidence."""

    verdict: str
    title_similarity: float
    reason: str


def _authors_compatible(a, b) -> bool:
    if not a["first_author"] or not b["first_author"]:
        return True
    if a["first_author"] in b["author_text"] or b["first_author"] in a["author_text"]:
        return True
    return fuzz.ratio(a["first_author"], b["first_author"]) >= 80


def decide(a, b) -> Decision:
    """Compare two prepared records (rows of :func:`prepare`).

    In order: identical content is a duplicate; two different DOIs are distinct; one DOI is a duplicate.
    Without DOIs, a duplicate needs a near-identical title (>= 95) in the same year with either volume and
    first page agreeing, or no disagreement at all (volume, first page, kind of publication) and compatible
    first authors; a close title (>= 90), or one title being the other cut short, needs year, volume and
    first page to agree; a year apart (online vs print) is accepted only with volume and first page agreeing.
    Near-misses go to the possible queue.
    """
    if a["content"] == b["content"]:
        return Decision("duplicate", 100.0, "identical records")
    similarity = fuzz.ratio(a["title"], b["title"]) if a["title"] and b["title"] else 0.0
    if a["doi"] and b["doi"]:
        if a["doi"] == b["doi"]:
            return Decision("duplicate", similarity, f"same DOI {a['doi']}")
        return Decision("distinct", similarity, "different DOIs")
    same_year = a["year"] == b["year"]
    near_year = same_year or abs((a["year"] or 0) - (b["year"] or 0)) == 1
    agree = [n for n in ("volume", "first_page") if a[n] and a[n] == b[n]]
    located = len(agree) == 2
    conflicts = [n.replace("_", " ") for n in ("volume", "first_page") if a[n] and b[n] and a[n] != b[n]]
    if a["conference"] != b["conference"] and not located:
        conflicts.append("journal vs conference")
    if a["erratum"] != b["erratum"]:
        conflicts.append("erratum vs article")
    authors = _authors_compatible(a, b)
    same_authors = bool(a["author_text"] and b["author_text"]) and fuzz.ratio(a["author_text"], b["author_text"]) >= 90
    shorter, longer = sorted((a["title"], b["title"]), key=len)
    truncated = len(shorter) >= (20 if located else 30) and (longer.startswith(shorter) or longer.endswith(shorter))
    evidence = f"title {similarity:.0f}; year {'same' if same_year else 'differs'}"
    if agree:
        evidence += "; same " + ", ".join(n.replace("_", " ") for n in agree)
    if conflicts:
        evidence += "; differs: " + ", ".join(conflicts)
    if not authors:
        evidence += "; first authors differ"
    if similarity >= 95 and same_year and (located or (not conflicts and authors)):
        return Decision("duplicate", similarity, evidence)
    if (similarity >= 90 or truncated) and same_year and located and authors:
        return Decision("duplicate", similarity, evidence + ("; one title cut short" if truncated else ""))
    if similarity >= 95 and near_year and located and authors:
        return Decision("duplicate", similarity, evidence + "; years one apart")
    no_volume_conflict = "volume" not in conflicts
    if similarity >= 97 and same_year and same_authors and no_volume_conflict and "journal vs conference" not in conflicts:
        return Decision("duplicate", similarity, evidence + "; same author list")
    if truncated and same_year and "volume" in agree and same_authors:
        return Decision("duplicate", similarity, evidence + "; one title cut short; same author list")
    disagreements = (not near_year) + len(conflicts) + (not authors)
    if ((similarity >= 85 or truncated) and disagreements < 2) or (located and near_year and authors):
        return Decision("possible", similarity, evidence)
    return Decision("distinct", similarity, evidence)


class _Groups:
    """Union-find that refuses to join groups holding different DOIs (no chain may merge two DOIs)."""

    def __init__(self, dois: list[str]) -> None:
        self.parent = list(range(len(dois)))
        self.dois = [{d} if d else set() for d in dois]

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if self.dois[root_a] and self.dois[root_b] and not (self.dois[root_a] & self.dois[root_b]):
            return False
        self.parent[root_b] = root_a
        self.dois[root_a] |= self.dois[root_b]
        return True


@dataclass
class DedupResult:
    """The outcome of :func:`deduplicate`.

    Attributes
    ----------
    groups : DataFrame
        One row per input record: ``record_id``, ``group_id``, ``kept`` (True for the one kept per group),
        ``reason`` (why it was kept, or which record it duplicates and why).
    pairs : DataFrame
        Every pair judged a duplicate, with the title similarity and the evidence.
    possible : DataFrame
        Pairs for a person to decide, with the same columns.
    """

    groups: pd.DataFrame
    pairs: pd.DataFrame
    possible: pd.DataFrame

    def unique(self, records: pd.DataFrame) -> pd.DataFrame:
        """The kept record of every group, in input order."""
        kept = set(self.groups.loc[self.groups["kept"], "record_id"])
        return records[records["record_id"].astype(str).isin(kept)]


def _completeness(records: pd.DataFrame) -> pd.Series:
    fields = ["title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract"]
    present = [records[f].notna() & (records[f].astype(str).str.strip() != "") for f in fields if f in records]
    return sum(p.astype(int) for p in present)


def deduplicate(records: pd.DataFrame, prefer: list[str] | None = None,
                progress: Callable[[str], None] | None = None) -> DedupResult:
    """Group duplicate records; nothing is deleted.

    Parameters
    ----------
    records : DataFrame
        Records in the schema of :data:`synthesis.records.RECORD_FIELDS` (``record_id`` unique).
    prefer : list of str, optional
        Databases in order of preference for the record kept in each group (e.g. ``["MEDLINE", "Embase"]``);
        then the most complete record, then the first in input order.
    progress : callable, optional
        Receives a line per stage.

    Returns
    -------
    DedupResult
    """
    report = progress or (lambda line: None)
    records = records.reset_index(drop=True)
    if records["record_id"].duplicated().any():
        duplicated = records.loc[records["record_id"].duplicated(), "record_id"].iloc[0]
        raise ValueError(f"record_id {duplicated!r} is not unique")
    prepared = prepare(records)
    pairs = candidate_pairs(prepared)
    report(f"{len(records)} records, {len(pairs)} candidate pairs")
    rows = prepared.to_dict("records")
    groups = _Groups(list(prepared["doi"]))
    matched, possible = [], []
    for i, j in sorted(pairs):
        decision = decide(rows[i], rows[j])
        entry = {"record_a": rows[i]["record_id"], "record_b": rows[j]["record_id"],
                 "title_similarity": round(decision.title_similarity, 1), "evidence": decision.reason}
        if decision.verdict == "duplicate":
            if groups.union(i, j):
                matched.append(entry)
            else:
                possible.append({**entry, "evidence": decision.reason + "; would join records with different DOIs"})
        elif decision.verdict == "possible":
            possible.append(entry)
    report(f"{len(matched)} duplicate pairs, {len(possible)} possible")
    roots = [groups.find(i) for i in range(len(records))]
    rank = {database: index for index, database in enumerate(prefer or [])}
    order = pd.DataFrame({
        "root": roots,
        "preference": records.get("database", pd.Series([""] * len(records))).map(lambda d: rank.get(d, len(rank))),
        "completeness": -_completeness(records),
        "position": range(len(records)),
    })
    order = order.sort_values(["root", "preference", "completeness", "position"], kind="stable")
    kept_position = order.groupby("root")["position"].first()
    group_number = {root: n for n, root in enumerate(sorted(set(roots), key=lambda r: kept_position[r]), start=1)}
    why_pair = {}
    for entry in matched:
        why_pair.setdefault(entry["record_a"], entry)
        why_pair.setdefault(entry["record_b"], entry)
    group_sizes = pd.Series(roots).value_counts().to_dict()
    result_rows = []
    for position, root in enumerate(roots):
        kept = kept_position[root] == position
        record_id = records.at[position, "record_id"]
        if kept:
            members = group_sizes[root]
            reason = "unique" if members == 1 else _kept_reason(prefer, records, position, members)
        else:
            kept_id = records.at[kept_position[root], "record_id"]
            pair = why_pair.get(record_id, {})
            reason = f"duplicate of {kept_id}: {pair.get('evidence', 'same group')}"
        result_rows.append({"record_id": record_id, "group_id": f"G{group_number[root]:06d}", "kept": kept,
                            "reason": reason})
    columns = ["record_a", "record_b", "title_similarity", "evidence"]
    return DedupResult(pd.DataFrame(result_rows), pd.DataFrame(matched, columns=columns),
                       pd.DataFrame(possible, columns=columns))


def _kept_reason(prefer, records, position, members) -> str:
    database = records.at[position, "database"] if "database" in records else ""
    if prefer and database in prefer:
        return f"kept of {members}: preferred source {database}"
    return f"kept of {members}: most complete record"


def pairwise_scores(predicted_groups: list[set[str]], true_groups: list[set[str]]) -> dict[str, float]:
    """Pairwise precision and recall of predicted duplicate groups against true ones (false merges counted)."""
    def pair_set(groups):
        return {tuple(sorted(p)) for g in groups for p in combinations(sorted(g), 2)}

    predicted, true = pair_set(predicted_groups), pair_set(true_groups)
    correct = predicted & true
    return {"predicted_pairs": len(predicted), "true_pairs": len(true), "correct": len(correct),
            "false_merges": len(predicted - true),
            "precision": len(correct) / len(predicted) if predicted else 1.0,
            "recall": len(correct) / len(true) if true else 1.0}

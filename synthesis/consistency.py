"""Each paper checked against itself, as a peer reviewer would: every finding a row of the reproduction report.

- partitions (``partitions:`` in ``published.yml``): the paper's lists or counts over a set cover the whole
  set exactly once, naming the members left out or counted twice;
- nested counts: a theme is coded in no more papers than its context, and no node in more than were included;
- the reference lists: page ranges that run backwards or overlap another work's in the same volume, a volume
  whose references give different years, and the same work listed with another year, volume or pages in the
  other reviews' lists;
- the appraisal checklists (``appraisal/tool.yml``): the number of items the paper gives each checklist against the
  questions of the packaged checklist of the same tool (``synthesis/appraisal_tools/``);
- citations in the text (``citations_in_text.csv``): each cited number is in the reference list, the cited work
  is what the sentence says it is (its title, authors, or its row of studies.csv), and a concept is cited with
  the same reference numbers wherever it is named.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from synthesis import appraisal, tallies
from synthesis.citations import read_reference_files
from synthesis.records import normalise_doi
from synthesis.review import Review

__all__ = ["parse_ids", "page_range", "partition_checks", "nested_count_checks", "reference_checks",
           "checklist_checks", "citation_checks", "self_checks", "COLUMNS"]

COLUMNS = ["id", "kind", "claim", "source", "published", "computed", "status", "note"]


def parse_ids(text: str) -> list[int]:
    """The ids of a list as a paper prints them ("#1,7,9–11" -> [1, 7, 9, 10, 11]).

    Raises
    ------
    ValueError
        When a part is neither a number nor a range of numbers.
    """
    ids = []
    for part in re.split(r"\s*,\s*", str(text).replace("#", "").strip()):
        match = re.fullmatch(r"(\d+)(?:\s*[-\u2013]\s*(\d+))?", part)
        if not match:
            raise ValueError(f"{part!r} in {text!r} is not a number or a range such as 9-11")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        ids.extend(range(first, last + 1))
    return ids


def page_range(pages: str) -> tuple[int, int] | None:
    """First and last page of a printed range, the last written in full ("1012-24" -> (1012, 1024)).

    Returns None for a single page, an article number or anything else that is not a numeric range.
    """
    match = re.fullmatch(r"\s*(\d*)\s*[-\u2013]\s*(\d+)\s*", str(pages or ""))
    if not match:
        return None
    first, last = match.group(1), match.group(2)
    if not first:
        return (0, int(last))  # "-46": the first page is missing, so the range cannot run forwards
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return int(first), int(last)


def _row(check_id: str, claim: str, source: str, published, computed, ok: bool, evidence: str) -> dict:
    return {"id": check_id, "kind": "self-check", "claim": claim, "source": source, "published": str(published),
            "computed": str(computed), "status": "match" if ok else "mismatch", "note": evidence}


def partition_checks(review: Review) -> list[dict]:
    """One row per ``partitions:`` entry: do the parts cover the whole exactly once?

    An entry gives either ``members`` (part -> the ids the paper lists for it) with ``whole`` (every id of the
    set), or ``counts`` (part -> the number the paper states) with ``total``.
    """
    rows = []
    for partition in (review.document("published.yml") or {}).get("partitions") or []:
        pid, claim, source = partition["id"], partition["claim"], partition["source"]
        if "members" in partition:
            whole = parse_ids(partition["whole"])
            owners: dict[int, list[str]] = defaultdict(list)
            for part, listed in partition["members"].items():
                for member in parse_ids(listed):
                    owners[member].append(part)
            left_out = [m for m in whole if m not in owners]
            twice = [f"#{m} ({', '.join(owners[m])})" for m in sorted(owners) if len(owners[m]) > 1]
            outside = [f"#{m}" for m in sorted(owners) if m not in whole]
            counted = sum(len(parts) for parts in owners.values())
            evidence = "; ".join(text for text in (
                f"left out: {', '.join(f'#{m}' for m in left_out)}" if left_out else "",
                f"counted twice: {', '.join(twice)}" if twice else "",
                f"not in the set: {', '.join(outside)}" if outside else "") if text)
            rows.append(_row(pid, claim, source, len(whole), f"{counted} listed, {len(owners)} different", not
                             (left_out or twice or outside), evidence or "every member listed exactly once"))
        else:
            counts = partition["counts"]
            total = sum(counts.values())
            sum_text = " + ".join(f"{n} {part}" for part, n in counts.items())
            rows.append(_row(pid, claim, source, partition["total"], total, total == partition["total"],
                             f"{sum_text} = {total}"))
    return rows


def nested_count_checks(review: Review) -> list[dict]:
    """Published coding counts: each node in no more documents than its parent, and than were included."""
    nodes = review.table("coding/nodes.csv")
    if nodes is None or "published_n" not in nodes or not nodes["published_n"].notna().any():
        return []
    counted = nodes[nodes["published_n"].notna()]
    n_by_id = counted.set_index("node_id")["published_n"]
    above_parent = [f"{row['node_id']} ({row['published_n']:g}) > {row['parent_id']} "
                    f"({n_by_id[row['parent_id']]:g})" for row in counted.to_dict("records")
                    if row["parent_id"] in n_by_id and row["published_n"] > n_by_id[row["parent_id"]]]
    total, basis = tallies.denominator(review)
    above_total = [f"{row['node_id']} ({row['published_n']:g})" for row in counted.to_dict("records")
                   if row["published_n"] > total]
    nested = counted["parent_id"].isin(n_by_id.index).sum()
    rows = []
    links = review.table("coding/links.csv")
    if links is not None and not links.empty:
        # The papers the text cites for a context's links are some of those coded for it: never more.
        cited = {context: {doc for docs in group["documents"] for doc in (docs or [])}
                 for context, group in links.groupby("context")}
        over = [f"{context}: {len(docs)} cited > {n_by_id[context]:g} coded" for context, docs in sorted(cited.items())
                if context in n_by_id and len(docs) > n_by_id[context]]
        compared = ", ".join(f"{context} {len(docs)} of {n_by_id[context]:g}" for context, docs in
                             sorted(cited.items()) if context in n_by_id)
        rows.append(_row("cited-within-coded", "Each node's links cite no more papers than it is coded in",
                         "coding counts; citations in the text", f"{len(cited)} nodes with links",
                         f"{len(over)} citing more", not over, "; ".join(over) or f"cited of coded: {compared}"))
    if nested:
        rows.append(_row("nested-counts", "Each node is coded in no more documents than the node it belongs to",
                         "coding counts", f"{nested} nested counts", f"{len(above_parent)} above their parent",
                         not above_parent, "; ".join(above_parent) or "every nested count is within its parent's"))
    rows.append(_row("counts-within-total", f"No node is coded in more than the {total} included ({basis})",
                     "coding counts", f"{len(counted)} counts", f"{len(above_total)} above {total}", not above_total,
                     "; ".join(above_total) or f"every count is at most {total}"))
    return rows


def _key(text: str) -> str:
    """A title or journal reduced to its letters and digits, without a leading article."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^(a|an|the)\s+", "", str(text or "").lower().strip()))


def _reference_frame(review: Review) -> pd.DataFrame:
    """This review's reference list and those of the review folders beside it (the other examples, for these)."""
    def read():
        folders = [review.path, *sorted(p for p in review.path.parent.iterdir() if p.is_dir() and p != review.path)]
        files = {(review.slug if folder == review.path else folder.name): sorted(folder.glob("search/citations/*.ris"))
                 for folder in folders}
        return read_reference_files({slug: paths for slug, paths in files.items() if paths})[0]
    return review.cached("consistency_reference_lists", read)


def reference_checks(review: Review) -> list[dict]:
    """The review's reference list checked for sanity and against the same works in the other reviews' lists."""
    frame = _reference_frame(review)
    if frame.empty or not (frame["database"] == review.slug).any():
        return []
    frame = frame.assign(range=frame["pages"].map(page_range), journal_key=frame["journal"].map(_key),
                         title_key=frame["title"].map(_key), doi_key=frame["doi"].map(normalise_doi))
    own = frame[frame["database"] == review.slug]
    ranges = own[own["range"].notna()]
    backwards = [f"{r['record_id']} pages {r['pages']}" for r in ranges.to_dict("records")
                 if r["range"][1] < r["range"][0] or r["range"][0] == 0]
    rows = [_row("reference-pages", "Every page range in the reference list runs forwards", "References",
                 f"{len(ranges)} page ranges", f"{len(backwards)} backwards or without a first page",
                 not backwards, "; ".join(backwards) or "every range runs forwards")]

    by_volume = frame[(frame["journal_key"] != "") & (frame["volume"] != "")].groupby(["journal_key", "volume"])
    overlaps, years_apart = [], []
    for (_, volume), group in by_volume:
        if not (group["database"] == review.slug).any() or group["title_key"].nunique() < 2:
            continue
        records = group.to_dict("records")
        for i, a in enumerate(records):
            for b in records[i + 1:]:
                if a["title_key"] == b["title_key"] or review.slug not in (a["database"], b["database"]):
                    continue
                if a["range"] and b["range"] and a["range"][0] <= b["range"][1] and b["range"][0] <= a["range"][1]:
                    overlaps.append(f"{a['record_id']} ({a['pages']}) and {b['record_id']} ({b['pages']}), "
                                    f"{a['journal']} {volume}")
        years = sorted({int(y) for y in group["year"] if str(y).isdigit()})
        if years and years[-1] - years[0] > 1:
            listed = ", ".join(f"{r['record_id']} {r['year']}" for r in records)
            years_apart.append(f"{records[0]['journal']} volume {volume}: {listed}")
    rows.append(_row("reference-page-overlap", "No two works in the same volume share pages", "References",
                     "different works, same volume", f"{len(overlaps)} overlapping", not overlaps,
                     "; ".join(overlaps) or "no overlapping page ranges"))
    rows.append(_row("reference-volume-years", "A volume's references give years within a year of each other",
                     "References", "one volume, one year", f"{len(years_apart)} volumes with years apart",
                     not years_apart, "; ".join(years_apart) or "every volume's years agree"))

    differences = []
    for key_column in ("doi_key", "title_key"):
        for _, group in frame[frame[key_column] != ""].groupby(key_column):
            if group["database"].nunique() < 2 or not (group["database"] == review.slug).any():
                continue
            ours = group[group["database"] == review.slug].iloc[0]
            for other in group[group["database"] != review.slug].to_dict("records"):
                fields = [f"{name} {ours[name]} vs {other[name]}" for name in ("year", "volume")
                          if ours[name] and other[name] and str(ours[name]) != str(other[name])]
                if ours["range"] and other["range"] and ours["range"] != other["range"]:
                    fields.append(f"pages {ours['pages']} vs {other['pages']}")
                if fields:
                    differences.append(f"{ours['record_id']} / {other['record_id']}: {', '.join(fields)}")
    differences = sorted(set(differences))
    rows.append(_row("reference-other-lists", "The same work is cited alike in the other reviews' lists",
                     "References", "same year, volume, pages", f"{len(differences)} differing", not differences,
                     "; ".join(differences) or "every shared work agrees"))
    return rows


def _question_ids(items: list[dict]) -> list[str]:
    """The questions of a checklist in order, a question split into lettered parts counted once ("Q5a", "Q5b"
    -> "Q5"); numbered criteria stay apart ("1.1" ... "1.5" are five)."""
    return list(dict.fromkeys(re.sub(r"(?<=\d)[a-z]$", "", str(item["id"])) for item in items))


def checklist_checks(review: Review) -> list[dict]:
    """The items the paper gives each appraisal checklist, against the packaged checklist of the same tool.

    The review's ``appraisal/tool.yml`` names the tool (its abbreviation, such as CASP, in the name) and the
    number of items the paper says each checklist has; every packaged version of that tool is compared.
    """
    tool = review.document("appraisal/tool.yml")
    if tool is None or not tool.get("checklists"):
        return []
    packaged = {name: entry for name, entry in appraisal.appraisal_tools().items()
                if re.search(rf"\b{re.escape(entry['tool'])}\b", str(tool.get("tool", "")))}
    rows = []
    for checklist in tool["checklists"]:
        name, stated = checklist["name"], checklist["items"]
        slug = re.sub(r"\W+", "-", name.lower()).strip("-")
        for version, entry in sorted(packaged.items()):
            items = entry["checklists"].get(name)
            claim = f"The {stated}-item {name} checklist has {stated} items in {version}"
            if items is None:
                rows.append(_row(f"checklist-items-{slug}", claim, tool.get("source", "appraisal/tool.yml"), stated,
                                 "no such checklist", False, f"{version} has no checklist named {name!r}"))
                continue
            questions = _question_ids(items)
            unscored = [str(item["id"]) for item in items if item.get("scored", True) is False]
            evidence = (f"{version} {name}: {len(questions)} questions ({questions[0]}-{questions[-1]}), "
                        f"{len(items) - len(unscored)} of its {len(items)} items scored yes/no"
                        + (f" ({', '.join(unscored)} not)" if unscored else ""))
            rows.append(_row(f"checklist-items-{slug}", claim, tool.get("source", "appraisal/tool.yml"), stated,
                             len(questions), len(questions) == stated, evidence))
    return rows


def _holds(expectation: str, fields: dict) -> tuple[bool, str]:
    """Whether a cited work's fields meet ``field~text``, ``field!~text`` or ``field=value``, and what they are."""
    field, operator, expected = re.match(r"^([a-z_]+)(!~|~|=)(.*)$", expectation).groups()
    value = fields.get(field)
    values = value if isinstance(value, list) else [] if value in (None, "") else [str(value)]
    shown = "; ".join(values) or "(none)"
    if operator == "=":
        return expected in values, shown
    contains = any(expected.lower() in v.lower() for v in values)
    return contains if operator == "~" else not contains, shown


def citation_checks(review: Review) -> list[dict]:
    """The citations the text makes, checked against the reference list, studies.csv and each other."""
    citations = review.table("citations_in_text.csv")
    frame = _reference_frame(review)
    if citations is None or citations.empty or frame.empty:
        return []
    own = frame[frame["database"] == review.slug]
    by_number = {int(m.group(1)): record for record in own.to_dict("records")
                 if (m := re.search(r"ref0*(\d+)$", str(record["record_id"])))}
    studies = review.table("studies.csv")
    study_by_ref = {} if studies is None or "ref" not in studies else \
        {int(row["ref"]): row for row in studies.to_dict("records") if row["ref"] is not None}
    missing, contradicted, concepts = [], [], defaultdict(list)
    checked = 0
    for citation in citations.to_dict("records"):
        numbers = [int(n) for n in citation["refs"]]
        if citation.get("concept"):
            concepts[citation["concept"]].append((citation["section"], tuple(numbers)))
        for number in numbers:
            if number not in by_number:
                missing.append(f"{citation['citation_id']}: [{number}]")
                continue
            if citation.get("expect"):
                checked += 1
                fields = {**by_number[number], **study_by_ref.get(number, {})}
                holds, shown = _holds(citation["expect"], fields)
                if not holds:
                    field = citation["expect"].split("~")[0].split("=")[0].rstrip("!")
                    contradicted.append(f"{citation['citation_id']} ({citation['section']}) says "
                                        f"'{citation['says']}', but [{number}] has {field} '{shown}'")
    rows = [_row("citations-in-list", "Every reference number the text cites is in the reference list",
                 "citations in the text", f"{len(citations)} citations", f"{len(missing)} numbers missing",
                 not missing, "; ".join(missing) or "every cited number is listed"),
            _row("citations-say-what-they-cite", "Each cited work is what the sentence says it is",
                 "citations in the text; References; studies.csv", f"{checked} cited works checked",
                 f"{len(contradicted)} not borne out", not contradicted,
                 "; ".join(contradicted) or "every cited work is what the sentence says")]
    differing = [f"{concept}: " + "; ".join(f"{section} [{', '.join(map(str, refs))}]" for section, refs in places)
                 for concept, places in sorted(concepts.items()) if len({refs for _, refs in places}) > 1]
    rows.append(_row("concept-reference-numbers", "A concept is cited with the same references wherever it is named",
                     "citations in the text", f"{len(concepts)} concepts", f"{len(differing)} cited differently",
                     not differing, " | ".join(differing) or "every concept keeps its references"))
    return rows


def self_checks(review: Review) -> pd.DataFrame:
    """Every check of the paper against itself, one row each, in the reproduction report's columns.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`COLUMNS`; ``kind`` is ``self-check`` and ``note`` gives the evidence (members left out
        or counted twice, the references at fault ...).
    """
    rows = partition_checks(review) + nested_count_checks(review) + reference_checks(review) + \
        checklist_checks(review) + citation_checks(review)
    return pd.DataFrame(rows, columns=COLUMNS)

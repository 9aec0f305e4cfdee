"""De-duplication: the project beside bib-dedupe, in the same run, and the project on a million records.

1. Each labelled set in ../shared/benchmarks/dedup/ and the 25 hard pairs of pair_cases.json (all pairs in one
   set; a grouping across two cases counts as a false merge): both tools' false merges and recall, the seconds
   of each and the speed ratio. Some sets label as one study what the project never merges automatically (an
   erratum and its article, a reply and the letter, a conference abstract and the article: records that differ
   in kind, pages, issue or volume); those pairs must be in the project's possible queue. Recall is also given
   without them (both tools), with their count by kind.
2. A realistic larger set with DOIs and long abstracts: the 2,695 records of the eight real exports in
   ../shared/open-reviews/snhl-phenotyping/data/search_returns/ (unlabelled: groups and speed only).
3. ``--scale N`` records (default 1,000,000) built by perturbing the real ones (seeded), de-duplicated with two
   worker processes: the blocking step's candidate pairs, the wall and CPU seconds and the peak memory.

    .venv/bin/python bench/dedup.py [--skip-peer] [--scale 1000000]

bib-dedupe is not a dependency of the project: `pip install -e .[bench]` (or `pip install bib-dedupe`) first.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

from synthesis.dedup import DedupResult, deduplicate, pairwise_scores
from synthesis.paths import PROJECT_ROOT
from synthesis.records import read_records, records_frame

SHARED = PROJECT_ROOT.parent / "shared"
SETS = SHARED / "benchmarks" / "dedup"
SNHL = SHARED / "open-reviews" / "snhl-phenotyping" / "data" / "search_returns"
# The project's record columns under the names bib-dedupe reads.
PEER_COLUMNS = {"record_id": "ID", "type": "ENTRYTYPE", "title": "title", "authors": "author", "year": "year",
                "journal": "journal", "volume": "volume", "issue": "number", "pages": "pages", "doi": "doi",
                "abstract": "abstract"}


def _groups(result) -> list[set[str]]:
    return [set(g) for g in result.groups.groupby("group_id")["record_id"].agg(list) if len(g) > 1]


def ours(records: pd.DataFrame, progress=None, workers: int = 1) -> tuple[float, list[set[str]], DedupResult]:
    start = time.perf_counter()
    result = deduplicate(records, progress=progress, workers=workers)
    return time.perf_counter() - start, _groups(result), result


_NEVER_MERGED = "never merged automatically"
_DIFFERENCES = re.compile(r"differs: ([^;]+)")


def never_merged(result: DedupResult, groups: list[set[str]], truth: list[set[str]]) -> dict[str, list]:
    """The true pairs the project left ungrouped on purpose (in the possible queue, "never merged
    automatically"), by the difference that kept them apart: a kind of document ("article vs erratum", "journal
    vs conference") where there is one, else the first field that differs ("pages", "issue", ...)."""
    def pairs(sets):
        return {tuple(sorted(p)) for g in sets for p in combinations(sorted(g), 2)}

    missed = pairs(truth) - pairs(groups)
    by_kind: dict[str, list] = {}
    for a, b, evidence in zip(result.possible["record_a"], result.possible["record_b"], result.possible["evidence"]):
        pair = tuple(sorted((str(a), str(b))))
        if pair not in missed or _NEVER_MERGED not in evidence:
            continue
        found = _DIFFERENCES.search(evidence)
        differences = found.group(1).split(", ") if found else ["the same DOI " + evidence.split(" but ")[-1]]
        kinds = [d for d in differences if " vs " in d and not d.startswith("number")]
        by_kind.setdefault((kinds or differences)[0].split(";")[0], []).append(pair)
    return by_kind


def peer(records: pd.DataFrame) -> tuple[float, list[set[str]]]:
    """bib-dedupe's prep, block, match and cluster on the same records (its own column names)."""
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    start = time.perf_counter()
    matched = match(block(prep(records, verbosity_level=0), verbosity_level=0), verbosity_level=0)
    groups = cluster(matched, verbosity_level=0)
    return time.perf_counter() - start, [set(g) for g in groups if len(g) > 1]


def for_peer(records: pd.DataFrame) -> pd.DataFrame:
    frame = records[list(PEER_COLUMNS)].rename(columns=PEER_COLUMNS)
    frame["year"] = frame["year"].astype("string").fillna("")
    frame["ENTRYTYPE"] = "article"
    return frame.fillna("")


def labelled_sets() -> list[tuple[str, pd.DataFrame, pd.DataFrame, list[set[str]]]]:
    """(name, records for the project, records for bib-dedupe, true groups) of every labelled set."""
    sets = []
    for folder in sorted(f for f in SETS.iterdir() if (f / "merged_record_ids.csv").exists()):
        truth = [set(ids.split(";")) for ids in pd.read_csv(folder / "merged_record_ids.csv")["merged_ids"]]
        records = records_frame(read_records(folder / "records_pre_merged.csv").records)
        sets.append((folder.name, records, pd.read_csv(folder / "records_pre_merged.csv"), truth))
    cases = json.loads((SETS / "pair_cases.json").read_text(encoding="utf-8"))["cases"]
    # A record appearing in several cases (same id, same fields) is one record; ids reused for other records
    # ("1", "2") are told apart by their fields. The true groups join the expected duplicates transitively.
    rows, ids, true_pairs = [], {}, []
    for case in cases:
        pair = []
        for side in ("record_a", "record_b"):
            row = {k: v for k, v in case[side].items() if v is not None}
            identity = json.dumps(row, sort_keys=True)
            if identity not in ids:
                ids[identity] = f"r{len(ids) + 1:02d}-{row.get('ID', '')}"
                rows.append({**row, "ID": ids[identity]})
            pair.append(ids[identity])
        if case["expected_duplicate"]:
            true_pairs.append(pair)
    truth: list[set[str]] = []
    for a, b in true_pairs:
        joined = {a, b}.union(*[g for g in truth if a in g or b in g])
        truth = [g for g in truth if not (a in g or b in g)] + [joined]
    raw = pd.DataFrame(rows).fillna("")
    with_booktitle = raw.assign(journal=raw["journal"].where(raw["journal"] != "", raw.get("booktitle", "")))
    path = Path(sys.argv[0]).with_name(".pair_cases.csv")
    try:
        with_booktitle.to_csv(path, index=False)
        records = records_frame(read_records(path).records)
    finally:
        path.unlink(missing_ok=True)
    sets.append(("pair_cases.json", records, raw, truth))
    return sets


def _pair_recall(groups: list[set[str]], true_pairs: list[set[str]]) -> float:
    """Recall of ``groups`` over ``true_pairs`` (each a set of two ids)."""
    return pairwise_scores(groups, true_pairs)["recall"]


def snhl_records() -> pd.DataFrame:
    paths = sorted(p for p in SNHL.iterdir() if p.suffix == ".csv")
    frames = [records_frame(read_records(p).records) for p in paths]
    frame = pd.concat(frames, ignore_index=True)
    frame["record_id"] = [f"r{n:05d}" for n in range(len(frame))]
    return frame


def perturbed(count: int, base: pd.DataFrame, seed: int = 20261121) -> pd.DataFrame:
    """``count`` records made from real ones: distinct papers by word substitution (new DOI, PubMed id, year,
    volume and pages), about one in four repeated with the noise real exports show (case, punctuation,
    annotations, a DOI or PubMed id one database lacks, an author list cut to the first author)."""
    rng = random.Random(seed)
    sources = base.to_dict("records")
    vocabulary = sorted({w for t in base["title"].dropna() for w in str(t).split() if w.isalpha() and len(w) > 3})
    rows = []
    while len(rows) < count:
        source = sources[rng.randrange(len(sources))]
        words = str(source["title"] or "").split()
        for _ in range(max(2, len(words) // 4)):
            if words:
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
        first = rng.randint(1, 3000)
        paper = dict(source, title=" ".join(words), year=rng.randint(1990, 2024), volume=str(rng.randint(1, 400)),
                     issue=str(rng.randint(1, 12)), pages=f"{first}-{first + rng.randint(1, 20)}",
                     doi=f"10.5555/p{len(rows):07d}" if source["doi"] else "", record_id=f"p{len(rows):07d}",
                     pmid=str(40000000 + len(rows)) if source.get("pmid") else "", paper=len(rows))
        rows.append(paper)
        if rng.random() < 0.25 and len(rows) < count:
            title = paper["title"]
            noisy = dict(paper, record_id=f"p{len(rows):07d}", title=rng.choice(
                [title.lower(), title + ". [Review] [12 refs]", title.replace(" ", "  "), title.rstrip(".") + "."]))
            if rng.random() < 0.3:
                noisy["doi"] = ""
            if rng.random() < 0.3:
                noisy["pmid"] = ""
            if rng.random() < 0.3:
                noisy["authors"] = str(paper["authors"] or "").split(";")[0]
            rows.append(noisy)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-peer", action="store_true", help="do not run bib-dedupe")
    parser.add_argument("--scale", type=int, default=1_000_000, help="records in the scale test (0 to skip)")
    args = parser.parse_args()
    if not SETS.is_dir():
        sys.exit(f"{SETS} is absent: the labelled sets live in ../shared/benchmarks/dedup/")
    print(f"{'set':<18}{'records':>8}{'false merges':>14}{'recall':>8}{'peer false':>12}{'peer recall':>13}"
          f"{'seconds':>9}{'peer s':>8}{'ratio':>8}{'recall*':>9}{'peer recall*':>14}")
    notes = []
    for name, records, raw, truth in labelled_sets():
        seconds, groups, result = ours(records)
        score = pairwise_scores(groups, truth)
        kept_apart = never_merged(result, groups, truth)
        # recall* leaves out the true pairs the project never merges automatically (for both tools).
        excluded = {p for found in kept_apart.values() for p in found}
        reduced = [{a, b} for g in truth for a, b in combinations(sorted(g), 2) if (a, b) not in excluded]
        line = f"{name:<18}{len(records):>8}{score['false_merges']:>14}{score['recall']:>8.3f}"
        peer_line = ""
        if not args.skip_peer:
            peer_seconds, peer_groups = peer(raw)
            peer_score = pairwise_scores(peer_groups, truth)
            line += (f"{peer_score['false_merges']:>12}{peer_score['recall']:>13.3f}{seconds:>9.2f}"
                     f"{peer_seconds:>8.2f}{peer_seconds / seconds:>7.1f}x")
            peer_line = f"{_pair_recall(peer_groups, reduced):>14.3f}"
        else:
            line += " " * 50
        print(line + f"{_pair_recall(groups, reduced):>9.3f}" + peer_line, flush=True)
        if kept_apart:
            notes.append(f"  {name}: {len(excluded)} of {score['true_pairs']} true pairs never merged automatically "
                         f"(each in possible.csv): " + ", ".join(f"{kind} {len(found)}" for kind, found in
                                                                 sorted(kept_apart.items(), key=lambda k: -len(k[1]))))
    print("\n".join(["recall* = recall without the pairs the project never merges automatically:"] + notes))
    if SNHL.is_dir():
        records = snhl_records()
        seconds, groups, _ = ours(records)
        line = (f"snhl exports: {len(records):,} records (DOIs, abstracts): {sum(len(g) - 1 for g in groups):,} "
                f"duplicates in {seconds:.2f} s")
        if not args.skip_peer:
            peer_seconds, peer_groups = peer(for_peer(records))
            line += (f"; bib-dedupe {sum(len(g) - 1 for g in peer_groups):,} in {peer_seconds:.2f} s; "
                     f"ratio {peer_seconds / seconds:.1f}x")
        print(line, flush=True)
    if args.scale:
        base = pd.concat([r for _, r, _, _ in labelled_sets()] + ([snhl_records()] if SNHL.is_dir() else []),
                         ignore_index=True)
        records = perturbed(args.scale, base)
        cpu = time.process_time()
        seconds, groups, _ = ours(records, progress=lambda line: print(f"  {line}", flush=True), workers=2)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
        peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                   + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        # CPU seconds beside wall seconds: on a shared machine the wall clock also counts other processes' turns.
        paper_of = dict(zip(records["record_id"], records["paper"]))
        # Generated papers a group joins beyond its first: 0 unless a substitution made two papers alike.
        across = sum(len({paper_of[r] for r in g}) - 1 for g in groups)
        print(f"scale: {len(records):,} perturbed records in {seconds:.1f} s wall, {cpu:.1f} s CPU (target < 300 s), "
              f"{sum(len(g) - 1 for g in groups):,} duplicates of {len(records) - records['paper'].nunique():,} "
              f"made, {across:,} merges across generated papers; peak memory of this process and its "
              f"largest worker {peak_mb:,.0f} MB (target < 8192)")


if __name__ == "__main__":
    main()

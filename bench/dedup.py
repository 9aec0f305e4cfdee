"""De-duplication: the project beside bib-dedupe on the labelled sets, and the project on 100,000 records.

For each set in ../shared/benchmarks/dedup/ both tools run in this process, one after the other, and the
script prints records, seconds, pairwise precision and recall, false merges, and the speed ratio. Then it
builds 100,000 records by perturbing the real ones (seeded) and times the project on them, with peak memory.

    .venv/bin/python bench/dedup.py [--skip-peer] [--scale 100000]

bib-dedupe is not a dependency of the project: `pip install bib-dedupe` into the environment first.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import pandas as pd

from synthesis.dedup import deduplicate, pairwise_scores
from synthesis.paths import PROJECT_ROOT
from synthesis.records import read_records, records_frame

SETS = PROJECT_ROOT.parent / "shared" / "benchmarks" / "dedup"


def true_groups(folder: Path) -> list[set[str]]:
    return [set(ids.split(";")) for ids in pd.read_csv(folder / "merged_record_ids.csv")["merged_ids"]]


def ours(folder: Path) -> tuple[float, list[set[str]], int]:
    records = records_frame(read_records(folder / "records_pre_merged.csv").records)
    start = time.perf_counter()
    result = deduplicate(records)
    seconds = time.perf_counter() - start
    groups = [set(g) for g in result.groups.groupby("group_id")["record_id"].agg(list) if len(g) > 1]
    return seconds, groups, len(records)


def peer(folder: Path) -> tuple[float, list[set[str]]]:
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    records = pd.read_csv(folder / "records_pre_merged.csv")
    start = time.perf_counter()
    matched = match(block(prep(records, verbosity_level=0), verbosity_level=0), verbosity_level=0)
    groups = cluster(matched, verbosity_level=0)
    return time.perf_counter() - start, [set(g) for g in groups if len(g) > 1]


def perturbed(count: int, seed: int = 20261121) -> pd.DataFrame:
    """``count`` records made from the real ones: distinct papers by word substitution, one in four duplicated
    with the kinds of noise the labelled sets show (case, punctuation, annotations, page style)."""
    rng = random.Random(seed)
    base = pd.concat([records_frame(read_records(f / "records_pre_merged.csv").records)
                      for f in sorted(SETS.iterdir()) if (f / "records_pre_merged.csv").exists()], ignore_index=True)
    vocabulary = sorted({w for t in base["title"].dropna() for w in str(t).split() if w.isalpha() and len(w) > 3})
    rows = []
    while len(rows) < count:
        source = base.iloc[rng.randrange(len(base))].to_dict()
        words = str(source["title"] or "").split()
        for _ in range(max(2, len(words) // 4)):
            if words:
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
        paper = dict(source, title=" ".join(words), year=rng.randint(1990, 2024), volume=str(rng.randint(1, 400)),
                     pages=f"{rng.randint(1, 3000)}-{rng.randint(3001, 3100)}",
                     record_id=f"p{len(rows):07d}")
        rows.append(paper)
        if rng.random() < 0.25 and len(rows) < count:
            noisy = dict(paper, record_id=f"p{len(rows):07d}", title=rng.choice(
                [paper["title"].lower(), paper["title"] + ". [Review] [12 refs]", paper["title"].replace(" ", "  "),
                 paper["title"].rstrip(".") + "."]))
            rows.append(noisy)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="De-duplication benchmark")
    parser.add_argument("--skip-peer", action="store_true", help="do not run bib-dedupe")
    parser.add_argument("--scale", type=int, default=100_000, help="records in the scale test (0 to skip)")
    args = parser.parse_args()
    if not SETS.is_dir():
        sys.exit(f"{SETS} is absent: the labelled sets live in ../shared/benchmarks/dedup/")
    print(f"{'set':<20}{'records':>8}  {'tool':<10}{'seconds':>8}{'precision':>10}{'recall':>8}{'false merges':>14}")
    for folder in sorted(f for f in SETS.iterdir() if (f / "merged_record_ids.csv").exists()):
        truth = true_groups(folder)
        seconds, groups, n = ours(folder)
        score = pairwise_scores(groups, truth)
        print(f"{folder.name:<20}{n:>8}  {'synthesis':<10}{seconds:>8.2f}{score['precision']:>10.3f}"
              f"{score['recall']:>8.3f}{score['false_merges']:>14}")
        if not args.skip_peer:
            peer_seconds, peer_groups = peer(folder)
            peer_score = pairwise_scores(peer_groups, truth)
            print(f"{'':<20}{'':>8}  {'bib-dedupe':<10}{peer_seconds:>8.2f}{peer_score['precision']:>10.3f}"
                  f"{peer_score['recall']:>8.3f}{peer_score['false_merges']:>14}"
                  f"   speed ratio {peer_seconds / seconds:.1f}x")
    if args.scale:
        records = perturbed(args.scale)
        start = time.perf_counter()
        result = deduplicate(records)
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        groups = result.groups["group_id"].nunique()
        print(f"scale: {len(records):,} perturbed records in {seconds:.1f} s (target < 60 s), {groups:,} groups, "
              f"{len(result.possible):,} possible pairs; peak memory of this process {peak_mb:,.0f} MB (target < 4096)")


if __name__ == "__main__":
    main()

"""RIS import speed: the project's reader beside rispy on the same large file, in the same run.

Builds a large RIS file by repeating the real exports in ../shared/fixtures/exports/ (rispy's own test files and
the synthesisr examples), then reads it with both. Prints records, seconds and the ratio.

    .venv/bin/python bench/import.py [--records 50000] [--repeat 3]

rispy is not a dependency of the project: `pip install rispy` into the environment first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from synthesis.paths import PROJECT_ROOT
from synthesis.records import read_records

EXPORTS = PROJECT_ROOT.parent / "shared" / "fixtures" / "exports"
SOURCES = ["synthesisr/ASP_ris_example.ris", "synthesisr/Scopus_ris_example.ris", "synthesisr/citesource_issue_24.ris",
           "rispy/example_full.ris", "rispy/example_urls.ris"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternate the two readers this many times, keep each "
                                                               "one's best (timings on a shared machine are noisy)")
    args = parser.parse_args()
    if not EXPORTS.is_dir():
        sys.exit(f"{EXPORTS} is absent")
    import rispy

    chunks = [(EXPORTS / name).read_text(encoding="utf-8-sig").strip() + "\n\n" for name in SOURCES]
    per_round = sum(len(read_records(EXPORTS / name).records) for name in SOURCES)
    rounds = max(1, args.records // per_round)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.ris"
        path.write_text("".join(chunks) * rounds, encoding="utf-8")
        size = path.stat().st_size / 1e6
        ours_seconds = theirs_seconds = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            ours = read_records(path, "ris")
            ours_seconds = min(ours_seconds, time.perf_counter() - start)
            start = time.perf_counter()
            with path.open(encoding="utf-8") as handle:
                theirs = rispy.load(handle)
            theirs_seconds = min(theirs_seconds, time.perf_counter() - start)
    print(f"file: {size:.1f} MB, {per_round * rounds:,} records expected")
    print(f"best of {args.repeat} runs each")
    print(f"synthesis: {len(ours.records):,} records in {ours_seconds:.2f} s")
    print(f"rispy:     {len(theirs):,} records in {theirs_seconds:.2f} s")
    print(f"ratio (rispy / synthesis): {theirs_seconds / ours_seconds:.2f} (target >= 1: not slower)")


if __name__ == "__main__":
    main()

"""Wall time of every notebook on every example review, beside papermill's floor, measured in the same run.

The floor is papermill executing a notebook that only imports pandas and matplotlib, as many times as there
are notebook runs, one after the other. Prints seconds for the floor, the pipeline with --jobs 1 and with
--jobs 2 (the default on a two-core machine: one notebook per core), and the ratios; the target is the
default run within 1.2x the floor.

    .venv/bin/python bench/pipeline.py [--repeat N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from synthesis.paths import example_reviews
from synthesis.pipeline import NOTEBOOKS, run_reviews


def floor(runs: int, folder: Path) -> float:
    """Seconds for ``runs`` papermill executions of an import-only notebook."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("import pandas\nimport matplotlib.pyplot")]
    source = folder / "floor.ipynb"
    nbformat.write(notebook, source)
    start = time.perf_counter()
    for index in range(runs):
        papermill.execute_notebook(str(source), str(folder / f"floor-{index}.ipynb"), kernel_name="python3",
                                   progress_bar=False, cwd=str(folder))
    return time.perf_counter() - start


def pipeline(jobs: int, folder: Path) -> float:
    """Seconds for ``synthesis run`` of every notebook on every example."""
    start = time.perf_counter()
    run_reviews([str(p) for p in example_reviews()], out_root=folder / f"jobs{jobs}", jobs=jobs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times and keep the best")
    args = parser.parse_args()
    runs = len(example_reviews()) * len(NOTEBOOKS)
    best = {"floor": float("inf"), "jobs1": float("inf"), "jobs2": float("inf")}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            best["floor"] = min(best["floor"], floor(runs, folder))
            best["jobs1"] = min(best["jobs1"], pipeline(1, folder))
            best["jobs2"] = min(best["jobs2"], pipeline(2, folder))
    print(f"notebook runs: {runs} ({len(example_reviews())} reviews x {len(NOTEBOOKS)} notebooks)")
    print(f"floor (papermill, import-only notebook x {runs}): {best['floor']:.1f} s")
    print(f"synthesis run --jobs 1: {best['jobs1']:.1f} s  ratio to floor {best['jobs1'] / best['floor']:.2f}")
    print(f"synthesis run --jobs 2: {best['jobs2']:.1f} s  ratio to floor {best['jobs2'] / best['floor']:.2f} "
          f"(target <= 1.2 for the default run, one notebook per core); "
          f"speed-up over --jobs 1: {best['jobs1'] / best['jobs2']:.2f}x")


if __name__ == "__main__":
    main()

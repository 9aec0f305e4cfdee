"""Running the stage notebooks with papermill into ``outputs/<slug>/``, with a manifest of what produced them."""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import nbformat
import yaml

from synthesis.errors import ReviewError
from synthesis.outputs import make_folder_atomic, write_text_atomic
from synthesis.paths import NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT, resolve_review
from synthesis.report import build_appendix
from synthesis.reproduction import reproduction_table
from synthesis.review import Review, display_path, load_review

__all__ = ["NOTEBOOKS", "select_notebooks", "notebook_parameters", "parse_parameter", "RunPlan", "plan_run",
           "run_reviews", "strip_volatile", "refresh_committed"]

#: The stage notebooks, in the order a review goes through them.
NOTEBOOKS = ["01_exploratory_search", "02_initial_theory", "03_coding_tallies", "04_final_theory",
             "05_measure_validation"]
_RESERVED = {"review", "output_dir"}
_PACKAGES = ["synthesis", "pandas", "numpy", "matplotlib", "networkx", "jsonschema", "pyyaml", "papermill",
             "nbformat", "nbconvert", "nbclient", "ipykernel"]


def select_notebooks(selection: str | None) -> list[str]:
    """Notebook stems from ``"01,03"`` (numbers or stems); all of them for None."""
    if not selection:
        return list(NOTEBOOKS)
    chosen = []
    for part in (p.strip() for p in selection.split(",") if p.strip()):
        matches = [n for n in NOTEBOOKS if n == part or n.split("_")[0] == part.zfill(2)]
        if not matches:
            raise ReviewError("--notebooks", f"{part!r} is not a notebook", field="notebooks",
                              hint="use numbers 01-05 or names: " + ", ".join(NOTEBOOKS))
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


def notebook_parameters(stem: str) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (name -> papermill's description)."""
    import papermill

    return papermill.inspect_notebook(str(NOTEBOOKS_DIR / f"{stem}.ipynb"))


def parse_parameter(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` into a name and a value read as a YAML scalar (numbers, true/false, text)."""
    if "=" not in text:
        raise ReviewError("-p", f"{text!r} is not NAME=VALUE", field="parameter", hint="e.g. -p threshold_percent=10")
    name, raw = text.split("=", 1)
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return name.strip(), value


_TYPES = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,)}


@dataclass
class RunPlan:
    """What ``synthesis run`` will do for one review: its notebooks and the parameters of each."""

    review: Review
    notebooks: list[str]
    parameters: dict[str, dict[str, Any]]
    destination: Path


def plan_run(review_arg: str | Path, notebooks: list[str], overrides: dict[str, Any], out_root: Path) -> RunPlan:
    """Validate the review and the parameters before anything runs.

    Review defaults (``review.yml`` ``parameters``) apply first, then ``-p`` overrides. A name that none of
    the chosen notebooks declares, or a value of the wrong type, is refused.
    """
    review = load_review(resolve_review(review_arg))
    declared = {stem: notebook_parameters(stem) for stem in notebooks}
    known = set().union(*[set(d) for d in declared.values()]) - _RESERVED
    for name in overrides:
        if name in _RESERVED:
            raise ReviewError("-p", f"{name} is set by synthesis run", field=name,
                              hint="give the review as an argument and the folder with --out")
        if name not in known:
            raise ReviewError("-p", f"no chosen notebook has a parameter {name!r}", field=name,
                              hint="known: " + (", ".join(sorted(known)) or "none") +
                                   "; see `papermill --help-notebook notebooks/<name>.ipynb`")
    defaults = review.meta.get("parameters") or {}
    parameters = {}
    for stem in notebooks:
        values = {k: v for k, v in (defaults.get(stem) or {}).items()}
        unknown_defaults = set(values) - set(declared[stem])
        if unknown_defaults:
            raise ReviewError(display_path(review.path / "review.yml"), f"{stem} has no parameter "
                              f"{sorted(unknown_defaults)[0]!r}", field=f"parameters.{stem}",
                              hint="known: " + ", ".join(sorted(set(declared[stem]) - _RESERVED)))
        values.update({k: v for k, v in overrides.items() if k in declared[stem]})
        for name, value in values.items():
            wanted = declared[stem][name].get("inferred_type_name", "None")
            if wanted in _TYPES and (not isinstance(value, _TYPES[wanted]) or
                                     (wanted != "bool" and isinstance(value, bool))):
                raise ReviewError("-p", f"{name} takes {wanted}, not {value!r}", field=name,
                                  hint=f"e.g. -p {name}={declared[stem][name].get('default')}")
        parameters[stem] = values
    return RunPlan(review, notebooks, parameters, out_root / review.slug)


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove timings and other metadata that change from run to run."""
    notebook.metadata.pop("papermill", None)
    for index, cell in enumerate(notebook.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        # papermill gives the cell it injects a random id; name it after the cell it follows instead.
        if "injected-parameters" in cell.metadata.get("tags", []) and index:
            cell["id"] = f"{notebook.cells[index - 1].get('id', index)}-injected"
    return notebook


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _git_commit() -> str:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = result.stdout.strip()
    if not commit:
        return "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return commit + ("+uncommitted changes" if dirty else "")


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _manifest(plan: RunPlan) -> dict:
    return {
        "review": plan.review.slug,
        "title": plan.review.title,
        "inputs": {p.relative_to(plan.review.path).as_posix(): _sha256(p) for p in plan.review.input_files()},
        "notebooks": {stem: {"source_sha256": _sha256(NOTEBOOKS_DIR / f"{stem}.ipynb"),
                             "parameters": plan.parameters[stem]} for stem in plan.notebooks},
        "versions": _versions(),
        "git_commit": _git_commit(),
    }


@functools.cache
def _html_exporter():
    """One HTML exporter per worker process: loading its templates costs more than one conversion."""
    from nbconvert import HTMLExporter

    return HTMLExporter()


def _execute(stem: str, plan: RunPlan, staging: Path, timeout: int) -> None:
    import papermill

    parameters = dict(plan.parameters[stem])
    parameters["review"] = os.path.relpath(plan.review.path, staging)
    parameters["output_dir"] = "."
    target = staging / f"{stem}.ipynb"
    try:
        papermill.execute_notebook(str(NOTEBOOKS_DIR / f"{stem}.ipynb"), str(target), parameters=parameters,
                                   kernel_name="python3", cwd=str(staging), progress_bar=False,
                                   execution_timeout=timeout, log_output=False)
    except papermill.PapermillExecutionError as exc:
        raise ReviewError(f"notebooks/{stem}.ipynb", f"cell {exc.exec_count} failed on {plan.review.slug}: "
                          f"{exc.ename}: {exc.evalue}", field="execution",
                          hint=f"open {display_path(target)} to see the failing cell") from None
    notebook = strip_volatile(nbformat.read(target, as_version=4))
    nbformat.write(notebook, target)
    html, _ = _html_exporter().from_notebook_node(notebook)
    write_text_atomic(staging / f"{stem}.html", html)


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """Hold an exclusive lock on ``folder`` (itself, so that no lock file is left behind) where the OS has flock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: runs there must not overlap
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def _install(staging: Path, destination: Path) -> None:
    """Move a finished run into place; the previous output stays whole until the new one is there.

    Runs that finish at the same moment take turns (a lock on the output root), so two runs of one review
    leave one complete output, never a mixture.
    """
    with _folder_lock(destination.parent):
        previous = destination.with_name(f".{destination.name}.previous")
        if previous.exists():
            shutil.rmtree(previous)
        if destination.exists():
            os.replace(destination, previous)
        os.replace(staging, destination)
        if previous.exists():
            shutil.rmtree(previous)


def run_reviews(reviews: list[str | Path], notebooks: list[str] | None = None, overrides: dict[str, Any] | None = None,
                out_root: str | Path | None = None, jobs: int = 1, timeout: int = 600,
                progress: Callable[[str], None] | None = None, appendix: bool = False) -> list[Path]:
    """Run the notebooks on each review, each review's outputs moved into place only when all succeed.

    Parameters
    ----------
    reviews : list
        Review folders or example slugs.
    notebooks : list of str, optional
        Notebook stems (default: all five).
    overrides : dict, optional
        Parameter values for every notebook that declares them.
    out_root : path, optional
        Parent of the ``<slug>/`` output folders (default ``outputs/``).
    jobs : int
        Notebooks run at once (independent notebooks of all reviews share the pool).
    timeout : int
        Seconds one cell may take.
    progress : callable, optional
        Receives one line per finished notebook.
    appendix : bool
        Also build ``<slug>/appendix/`` (:func:`synthesis.report.build_appendix`) before the outputs move
        into place.

    Returns
    -------
    list of Path
        The output folders written.
    """
    notebooks = notebooks or list(NOTEBOOKS)
    out_root = Path(out_root) if out_root else OUTPUTS_DIR
    out_root.mkdir(parents=True, exist_ok=True)
    plans = [plan_run(review, notebooks, overrides or {}, out_root) for review in reviews]
    slugs = [plan.review.slug for plan in plans]
    if len(set(slugs)) != len(slugs):
        raise ReviewError("synthesis run", "the same review is given twice", field="REVIEW", hint="give each once")
    stagings = {plan.review.slug: make_folder_atomic(out_root, f".{plan.review.slug}.")
                for plan in plans}
    tasks = [(plan, stem) for plan in plans for stem in plan.notebooks]
    report = progress or (lambda line: None)
    failed: list[BaseException] = []
    try:
        # Processes, not threads: papermill's cwd is a chdir of the calling process, which threads would share.
        with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            started = {pool.submit(_timed, _execute, stem, plan, stagings[plan.review.slug], timeout): (plan, stem)
                       for plan, stem in tasks}
            for done, future in enumerate(concurrent.futures.as_completed(started), start=1):
                plan, stem = started[future]
                try:
                    seconds = future.result()
                    report(f"[{done}/{len(tasks)}] {plan.review.slug} {stem} done in {seconds:.1f} s")
                except BaseException as exc:
                    failed.append(exc)
                    report(f"[{done}/{len(tasks)}] {plan.review.slug} {stem} FAILED")
        if failed:
            raise failed[0]
        written = []
        for plan in plans:
            staging = stagings[plan.review.slug]
            write_text_atomic(staging / "reproduction.csv",
                              reproduction_table(plan.review).to_csv(index=False, lineterminator="\n"))
            write_text_atomic(staging / "manifest.json", json.dumps(_manifest(plan), indent=2, sort_keys=True) + "\n")
            if appendix:
                build_appendix(plan.review, staging)
                report(f"{plan.review.slug} appendix written")
            _install(staging, plan.destination)
            written.append(plan.destination)
        return written
    finally:
        for staging in stagings.values():
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def refresh_committed() -> None:
    """Re-execute the committed notebooks in place on their defaults (for ``make notebooks``)."""
    import papermill

    for stem in NOTEBOOKS:
        path = NOTEBOOKS_DIR / f"{stem}.ipynb"
        papermill.execute_notebook(str(path), str(path), kernel_name="python3", cwd=str(NOTEBOOKS_DIR),
                                   progress_bar=False)
        nbformat.write(strip_volatile(nbformat.read(path, as_version=4)), path)
        print(f"refreshed {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] == ["--refresh-committed"]:
        refresh_committed()
    else:
        sys.exit("usage: python -m synthesis.pipeline --refresh-committed")

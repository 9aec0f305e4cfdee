"""Running the stage notebooks with papermill into ``outputs/<slug>/``, with a manifest of what produced them."""

from __future__ import annotations

import ast
import collections
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
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import nbformat
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from synthesis import __version__
from synthesis.errors import Problem, ReviewError, ReviewProblems
from synthesis.outputs import FIGURE_FORMATS, make_folder_atomic, write_text_atomic
from synthesis.paths import IN_CHECKOUT, NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT, PROJECT_VARIABLE, resolve_review
from synthesis.report import build_appendix
from synthesis.review import Review, display_path, load_review

__all__ = ["NOTEBOOKS", "select_notebooks", "notebook_parameters", "parse_parameter", "RunPlan", "check_overrides",
           "plan_run", "default_jobs", "RunFailed", "run_reviews", "required_distributions", "strip_volatile",
           "refresh_committed"]

#: The stage notebooks, in the order a review goes through them.
NOTEBOOKS = ["01_exploratory_search", "02_initial_theory", "03_coding_tallies", "04_final_theory",
             "05_measure_validation"]
_RESERVED = {"review", "output_dir"}


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


def _check_types(values: dict[str, Any], declared: dict[str, dict], where: str) -> None:
    """Refuse a value whose type differs from the one the notebook's parameters cell gives its default."""
    for name, value in values.items():
        wanted = declared[name].get("inferred_type_name", "None")
        if wanted in _TYPES and (not isinstance(value, _TYPES[wanted]) or
                                 (wanted != "bool" and isinstance(value, bool))):
            raise ReviewError(where, f"{name} takes {wanted}, not {value!r}", field=name,
                              hint=f"e.g. -p {name}={declared[name].get('default')}")


def check_overrides(notebooks: list[str], overrides: dict[str, Any],
                    declared: dict[str, dict[str, dict]] | None = None) -> dict[str, dict[str, dict]]:
    """Refuse ``-p`` names that no chosen notebook declares, reserved names and values of the wrong type.

    These are mistakes of the command, not of a review, so they stop a run before any review starts.

    Parameters
    ----------
    notebooks : list of str
        The chosen notebook stems.
    overrides : dict
        The ``-p`` values.
    declared : dict, optional
        Each notebook's parameters (:func:`notebook_parameters`), when already read.

    Returns
    -------
    dict
        Each chosen notebook's declared parameters, for :func:`plan_run`.
    """
    declared = declared or {stem: notebook_parameters(stem) for stem in notebooks}
    known = set().union(*[set(d) for d in declared.values()]) - _RESERVED
    for name in overrides:
        if name in _RESERVED:
            raise ReviewError("-p", f"{name} is set by synthesis run", field=name,
                              hint="give the review as an argument and the folder with --out")
        if name not in known:
            raise ReviewError("-p", f"no chosen notebook has a parameter {name!r}", field=name,
                              hint="known: " + (", ".join(sorted(known)) or "none") +
                                   "; see `papermill --help-notebook notebooks/<name>.ipynb`")
    for stem in notebooks:
        _check_types({k: v for k, v in overrides.items() if k in declared[stem]}, declared[stem], "-p")
    return declared


def plan_run(review_arg: str | Path, notebooks: list[str], overrides: dict[str, Any], out_root: Path,
             declared: dict[str, dict[str, dict]] | None = None) -> RunPlan:
    """Validate the review and the parameters before anything runs.

    Review defaults (``review.yml`` ``parameters``) apply first, then ``-p`` overrides. A name that none of
    the chosen notebooks declares, or a value of the wrong type, is refused.
    """
    declared = check_overrides(notebooks, overrides, declared)
    review = load_review(resolve_review(review_arg))
    review_yml = display_path(review.path / "review.yml")
    defaults = review.meta.get("parameters") or {}
    parameters = {}
    for stem in notebooks:
        values = dict(defaults.get(stem) or {})
        unknown_defaults = set(values) - set(declared[stem])
        if unknown_defaults:
            raise ReviewError(review_yml, f"{stem} has no parameter {sorted(unknown_defaults)[0]!r}",
                              field=f"parameters.{stem}",
                              hint="known: " + ", ".join(sorted(set(declared[stem]) - _RESERVED)))
        _check_types(values, declared[stem], review_yml)
        values.update({k: v for k, v in overrides.items() if k in declared[stem]})
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
    """The checkout's commit (marked when files differ from it); "not a git checkout" for an installed package."""
    if not IN_CHECKOUT:
        return "not a git checkout"
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


def required_distributions(distribution: str = "synthesis") -> list[str]:
    """Every distribution ``distribution`` needs at run time, directly or through another, from its metadata.

    Optional extras (test, lab, bench) are left out; an extra a requirement asks for (``pkg[extra]``) is
    followed. Names are normalised (PEP 503) and sorted; requirements not installed are kept, to be reported.
    """
    found: set[str] = set()
    pending = [(distribution, frozenset())]
    while pending:
        name, extras = pending.pop()
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": extra})
                                              for extra in extras | {""}):
                continue
            key = canonicalize_name(requirement.name)
            if key not in found:
                found.add(key)
                pending.append((key, frozenset(requirement.extras)))
    return sorted(found)


def _versions() -> dict[str, str]:
    """Python's version, this package's and that of every distribution it needs at run time."""
    versions = {"python": platform.python_version(), "synthesis": __version__}
    for name in required_distributions():
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


# ipykernel logs the shutdown's interrupt as an error (and, over TCP, warns on every start that loopback sockets
# are not encrypted): noise to a researcher. A kernel that dies still fails the run through nbclient.
QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]


@contextlib.contextmanager
def _kernel_options():
    """papermill's keyword arguments for one kernel: on POSIX, Unix sockets in a private folder.

    Over TCP, each pool process picks free ports by binding and releasing them, so two kernels started at once
    can race for one port; the loser never answers ("Kernel didn't respond in 60 seconds", seen on 2 cores).
    Sockets named inside a folder of the kernel's own cannot collide. The folder sits in the temporary
    directory because a socket's path is limited to about 100 characters.
    """
    if os.name != "posix":
        yield {"extra_arguments": QUIET_KERNEL}
        return
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="synthesis-kernel-") as folder:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(folder, "kernel")
        yield {"extra_arguments": QUIET_KERNEL, "config": config}


def _execute(stem: str, plan: RunPlan, staging: Path, timeout: int) -> None:
    import papermill

    # The kernel starts in the staging folder: tell an installed package where the project is.
    os.environ[PROJECT_VARIABLE] = str(PROJECT_ROOT)
    parameters = dict(plan.parameters[stem])
    parameters["review"] = os.path.relpath(plan.review.path, staging)
    parameters["output_dir"] = "."
    target = staging / f"{stem}.ipynb"
    try:
        with _kernel_options() as kernel_options:
            papermill.execute_notebook(str(NOTEBOOKS_DIR / f"{stem}.ipynb"), str(target), parameters=parameters,
                                       kernel_name="python3", cwd=str(staging), progress_bar=False,
                                       execution_timeout=timeout, log_output=False, **kernel_options,
                                       # Saved once at the end (and on a failure), not before every cell: the
                                       # staging folder is thrown away unless the whole review succeeds anyway.
                                       request_save_on_cell_execute=False)
    except papermill.PapermillExecutionError as exc:
        # The staging folder holding the executed copy is removed with the failed run, so the message carries
        # what a reader needs to find the cell in the notebook itself.
        first_line = next((line.strip() for line in exc.source.splitlines() if line.strip()), "")
        raise ReviewError(f"notebooks/{stem}.ipynb", f"cell {exc.exec_count} ({first_line[:80]}) failed on "
                          f"{plan.review.slug}: {exc.ename}: {exc.evalue}", field="execution",
                          hint=f"run `synthesis run {plan.review.path} --notebooks {stem[:2]}` after fixing the "
                               "input the error names, or open the notebook in Jupyter on this review") from None
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


def default_jobs() -> int:
    """Notebooks run at once when ``--jobs`` is not given: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity mask
        return max(1, os.cpu_count() or 1)


class RunFailed(ReviewProblems):
    """Some reviews failed; the others' outputs were installed.

    Attributes
    ----------
    failures : dict
        The error of each failed review, by the review as it was given.
    written : list of Path
        The output folders of the reviews that succeeded.
    """

    def __init__(self, failures: dict[str, ReviewError], written: list[Path], total: int) -> None:
        super().__init__([problem for error in failures.values() for problem in _problems(error)])
        self.failures, self.written, self.total = failures, written, total
        lines = [f"{len(failures)} of {total} review(s) failed"
                 + ("; the outputs of the others were written:" if written else ":")]
        lines += [f"  {review}: {problem}" for review, error in failures.items() for problem in _problems(error)]
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return self.args[0]

    def __reduce__(self):
        return (RunFailed, (self.failures, self.written, self.total))


def _problems(error: ReviewError) -> list[Problem]:
    return error.problems if isinstance(error, ReviewProblems) else [error.problem]


def _as_review_error(exc: Exception, review: str, stage: str) -> ReviewError:
    """The project's error for whatever stopped one review, so that the summary can name it."""
    if isinstance(exc, ReviewError):
        return exc
    return ReviewError(review, f"{stage} failed: {type(exc).__name__}: {exc}", field=stage,
                       hint="this is a fault in synthesis, not in the review: please report it with the review")


def run_reviews(reviews: list[str | Path], notebooks: list[str] | None = None, overrides: dict[str, Any] | None = None,
                out_root: str | Path | None = None, jobs: int | None = None, timeout: int = 600,
                progress: Callable[[str], None] | None = None, appendix: bool = False) -> list[Path]:
    """Run the notebooks on each review; each review's outputs move into place only when all of its notebooks succeed.

    A review that fails (its files do not load, a notebook fails, its appendix cannot be built) does not stop
    the others: they run and are installed, and the failures are raised together at the end.

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
    jobs : int, optional
        Notebooks run at once (independent notebooks of all reviews share the pool); default
        :func:`default_jobs`.
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

    Raises
    ------
    ReviewError
        For a mistake of the command itself (an unknown ``-p`` name, a review given twice), before anything runs.
    RunFailed
        After the other reviews were written, naming each review that failed and its error.
    """
    notebooks = notebooks or list(NOTEBOOKS)
    out_root = Path(out_root) if out_root else OUTPUTS_DIR
    report = progress or (lambda line: None)
    overrides = dict(overrides or {})
    if appendix:  # the appendix gives every figure in each format; a plain run writes the PNG it shows
        overrides["figure_formats"] = ",".join(FIGURE_FORMATS)
    plans, failures = _plan_all(list(map(str, reviews)), notebooks, overrides, out_root, report)
    if plans:
        out_root.mkdir(parents=True, exist_ok=True)
    stagings = {review: make_folder_atomic(out_root, f".{plan.review.slug}.")
                for review, plan in plans.items()}
    try:
        run_failures, written = _run_all(plans, stagings, jobs or default_jobs(), timeout, appendix, report)
        failures |= run_failures
    finally:
        for staging in stagings.values():
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    if failures:
        raise RunFailed({review: failures[review] for review in map(str, reviews) if review in failures}, written,
                        len(reviews))
    return written


def _plan_all(reviews: list[str], notebooks: list[str], overrides: dict[str, Any], out_root: Path,
              report: Callable[[str], None]) -> tuple[dict[str, RunPlan], dict[str, ReviewError]]:
    """Each review's plan, or the error that stops it loading; a review given twice stops the whole run."""
    declared = check_overrides(notebooks, overrides)
    plans: dict[str, RunPlan] = {}
    failures: dict[str, ReviewError] = {}
    for review in reviews:
        if review in plans or review in failures:
            raise ReviewError("synthesis run", f"{review} is given twice", field="REVIEW", hint="give each once")
        try:
            plans[review] = plan_run(review, notebooks, overrides, out_root, declared)
        except ReviewError as exc:
            failures[review] = exc
            report(f"{review} FAILED: it does not load")
    slugs = [plan.review.slug for plan in plans.values()]
    if len(set(slugs)) != len(slugs):
        raise ReviewError("synthesis run", "the same review is given twice", field="REVIEW", hint="give each once")
    return plans, failures


def _run_all(plans: dict[str, RunPlan], stagings: dict[str, Path], jobs: int, timeout: int, appendix: bool,
             report: Callable[[str], None]) -> tuple[dict[str, ReviewError], list[Path]]:
    """Every notebook of every planned review, and each review's finish (manifest, appendix, install) as soon as
    its notebooks are done, in one pool; the first error of each review that failed, and the folders written."""
    queue = collections.deque(("notebook", review, stem) for review, plan in plans.items() for stem in plan.notebooks)
    left = {review: len(plan.notebooks) for review, plan in plans.items()}
    progress = _Progress(len(queue), report)
    failures: dict[str, ReviewError] = {}
    written: dict[str, Path] = {}
    if not queue:
        return failures, []
    workers = min(jobs, len(queue))
    # Processes, not threads: papermill's cwd is a chdir of the calling process, which threads would share.
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        running: dict[concurrent.futures.Future, tuple[str, str, str]] = {}
        while queue or running:
            while queue and len(running) < workers:
                kind, review, stem = task = queue.popleft()
                work = (_execute, stem, plans[review], stagings[review], timeout) if kind == "notebook" \
                    else (_finish, plans[review], stagings[review], appendix)
                running[pool.submit(_timed, *work)] = task
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                kind, review, stem = running.pop(future)
                try:
                    seconds = future.result()
                except Exception as exc:  # one review's fault must not stop the others
                    failures.setdefault(review, _as_review_error(exc, review, stem))
                    seconds = None
                progress.tell(kind, plans[review].review.slug, stem, seconds, appendix)
                if kind == "finish" and seconds is not None:
                    written[review] = plans[review].destination
                elif kind == "notebook":
                    left[review] -= 1
                    if not left[review] and review not in failures:
                        # Ahead of the notebooks still waiting, so the appendix overlaps the other reviews' runs.
                        queue.appendleft(("finish", review, "appendix" if appendix else "manifest"))
    return failures, [written[review] for review in plans if review in written]


class _Progress:
    """One line per finished notebook (``[n/total]``) and per review written or failed."""

    def __init__(self, total: int, report: Callable[[str], None]) -> None:
        self.total, self.done, self.report = total, 0, report

    def tell(self, kind: str, slug: str, step: str, seconds: float | None, appendix: bool) -> None:
        if kind == "finish":
            self.report(f"{slug} FAILED: {step}" if seconds is None else
                        f"{slug} written in {seconds:.1f} s" + (" with its appendix" if appendix else ""))
            return
        self.done += 1
        outcome = "FAILED" if seconds is None else f"done in {seconds:.1f} s"
        self.report(f"[{self.done}/{self.total}] {slug} {step} {outcome}")


def _finish(plan: RunPlan, staging: Path, appendix: bool) -> None:
    """Write the manifest and (for a report) the appendix, then install the outputs (in a worker process)."""
    write_text_atomic(staging / "manifest.json", json.dumps(_manifest(plan), indent=2, sort_keys=True) + "\n")
    if appendix:
        build_appendix(plan.review, staging)
    _install(staging, plan.destination)


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def _check_committed_defaults(stem: str) -> None:
    """A committed notebook runs on its literal defaults, which must be its default review's own defaults.

    Otherwise the committed outputs would differ from ``synthesis run`` on that review (and papermill would commit
    an injected-parameters cell).
    """
    declared = notebook_parameters(stem)
    review = load_review(resolve_review(ast.literal_eval(declared["review"]["default"])))
    for name, value in ((review.meta.get("parameters") or {}).get(stem) or {}).items():
        if ast.literal_eval(declared[name]["default"]) != value:
            raise ReviewError(NOTEBOOKS_DIR / f"{stem}.ipynb", f"the default of {name!r} differs from "
                              f"{review.slug}'s review.yml", field=name,
                              hint="make the notebook's default the review's value, or commit it on another review")


def refresh_committed() -> None:
    """Re-execute the committed notebooks in place on their defaults (for ``make notebooks``, in a checkout)."""
    import papermill

    if not IN_CHECKOUT:
        raise ReviewError(NOTEBOOKS_DIR, "the notebooks of an installed package are not refreshed in place",
                          field="notebooks", hint="run `make notebooks` in a checkout of the repository")
    for stem in NOTEBOOKS:
        path = NOTEBOOKS_DIR / f"{stem}.ipynb"
        _check_committed_defaults(stem)
        with _kernel_options() as kernel_options:
            papermill.execute_notebook(str(path), str(path), kernel_name="python3", cwd=str(NOTEBOOKS_DIR),
                                       progress_bar=False, **kernel_options)
        nbformat.write(strip_volatile(nbformat.read(path, as_version=4)), path)
        print(f"refreshed {display_path(path)}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] == ["--refresh-committed"]:
        refresh_committed()
    else:
        sys.exit("usage: python -m synthesis.pipeline --refresh-committed")

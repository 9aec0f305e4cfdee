"""Shared fixtures (the example reviews, writable copies of them, the read-only ../shared folder) and markers."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import is_hypothesis_test

from synthesis import load_review
from synthesis.paths import PROJECT_ROOT, REVIEWS_DIR
from synthesis.pipeline import _folder_lock, run_reviews

SHARED = PROJECT_ROOT.parent / "shared"
EXAMPLES = ["perinatal-peer-support", "peer-relationship-appear", "psw-implementation"]


@pytest.fixture(scope="session")
def mcleish():
    return load_review(REVIEWS_DIR / "perinatal-peer-support")


@pytest.fixture(scope="session")
def hackmann():
    return load_review(REVIEWS_DIR / "peer-relationship-appear")


@pytest.fixture(scope="session")
def ibrahim():
    return load_review(REVIEWS_DIR / "psw-implementation")


@pytest.fixture
def review_copy(tmp_path):
    """A function copying an example review into a temporary folder, to break on purpose."""
    def copy(slug: str) -> Path:
        target = tmp_path / slug
        shutil.copytree(REVIEWS_DIR / slug, target)
        return target
    return copy


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a fresh clone without the project's shared folder)")
    return SHARED


@pytest.fixture
def with_decisions(review_copy):
    """A function writing a screening log (and resolutions) into a copy of psw-implementation; returns the folder.

    ``rows`` are (record, stage, reviewer, decision, reason); ``resolutions`` are (record, stage, decision, reason).
    """
    def write(rows, resolutions=None) -> Path:
        folder = review_copy("psw-implementation")
        (folder / "screening").mkdir(exist_ok=True)
        lines = ["decision_id,record_id,stage,reviewer,decision,reason,date,source"]
        lines += [f"d{n},{record},{stage},{reviewer},{decision},{reason},,log"
                  for n, (record, stage, reviewer, decision, reason) in enumerate(rows)]
        (folder / "screening" / "decisions.csv").write_text("\n".join(lines) + "\n")
        if resolutions is not None:
            lines = ["resolution_id,record_id,stage,decision,resolved_by,reason,note,source"]
            lines += [f"r{n},{record},{stage},{decision},C,{reason},,third reviewer"
                      for n, (record, stage, decision, reason) in enumerate(resolutions)]
            (folder / "screening" / "resolutions.csv").write_text("\n".join(lines) + "\n")
        return folder
    return write


def input_digests() -> dict[str, str]:
    """SHA-256 of every file in the example review folders, by its path below data/reviews/."""
    return {p.relative_to(REVIEWS_DIR).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(REVIEWS_DIR.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def session_run(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The session's one run of every notebook on every example with its appendix, as `synthesis report` does.

    Returns its output root and the example inputs' digests taken before it. Under pytest-xdist the workers
    share it: the first to need it runs it, under a lock, in the folder above their own temporary folders.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, digests = shared / "session-run", shared / "session-run" / "inputs-before.json"
    with _folder_lock(shared):
        if not digests.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            before = input_digests()
            run_reviews(EXAMPLES, out_root=folder / "outputs", jobs=2, appendix=True)
            digests.write_text(json.dumps(before))  # written last: the run is complete
    return folder / "outputs", json.loads(digests.read_text())


@pytest.fixture(scope="session")
def outputs(session_run) -> Path:
    """The output root of the session's run (``<slug>/`` per example)."""
    return session_run[0]


@pytest.fixture(scope="session")
def inputs_before(session_run) -> dict[str, str]:
    """The example inputs' digests taken before the session's run."""
    return session_run[1]


def pytest_collection_modifyitems(items):
    """Mark every test hypothesis drives `fuzz`, so that `make unit` can leave the fuzzing to `make test`."""
    for item in items:
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.obj):
            item.add_marker(pytest.mark.fuzz)

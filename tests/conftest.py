"""Shared fixtures: the example reviews, writable copies of them, and the read-only ../shared folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synthesis import load_review
from synthesis.paths import PROJECT_ROOT, REVIEWS_DIR

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

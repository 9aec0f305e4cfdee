"""Shared fixtures (the example reviews, writable copies of them, the read-only ../shared folder) and markers."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import is_hypothesis_test

from synthesis import load_review
from synthesis.paths import PROJECT_ROOT, REVIEWS_DIR
from synthesis.pipeline import run_reviews

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


def input_digests() -> dict[str, str]:
    """SHA-256 of every file in the example review folders, by its path below data/reviews/."""
    return {p.relative_to(REVIEWS_DIR).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(REVIEWS_DIR.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def inputs_before() -> dict[str, str]:
    """The example inputs' digests taken before the session's notebook run."""
    return input_digests()


@pytest.fixture(scope="session")
def outputs(tmp_path_factory, inputs_before) -> Path:
    """The session's one run of every notebook on every example with its appendix, as `synthesis report` does.

    Every test that needs run outputs reads these (the determinism test adds the one second run); the tests
    using it are kept on one xdist worker so that the run happens once.
    """
    root = tmp_path_factory.mktemp("outputs")
    run_reviews(EXAMPLES, out_root=root, jobs=2, appendix=True)
    return root


def pytest_collection_modifyitems(items):
    """Mark every test hypothesis drives `fuzz`; keep the tests sharing the notebook runs on one xdist worker."""
    for item in items:
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.obj):
            item.add_marker(pytest.mark.fuzz)
        if "outputs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("outputs"))

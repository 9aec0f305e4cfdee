"""Shared fixtures (the example reviews, writable copies of them, the read-only ../shared folder) and markers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import is_hypothesis_test

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


def pytest_collection_modifyitems(items):
    """Mark every test hypothesis drives `fuzz`; keep the tests sharing the notebook runs on one xdist worker."""
    for item in items:
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.obj):
            item.add_marker(pytest.mark.fuzz)
        if "outputs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("outputs"))

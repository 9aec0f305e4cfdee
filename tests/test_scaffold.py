"""Tests for synthesis.scaffold."""

import pytest

from synthesis.errors import ReviewError
from synthesis.review import check_review
from synthesis.scaffold import new_review


def test_new_review_is_valid(tmp_path):
    """A new folder from the templates passes the checker as it is."""
    folder = tmp_path / "my-review"
    written = new_review(folder)
    assert (folder / "review.yml") in written and (folder / "search" / "exports").is_dir()
    assert check_review(folder) == []
    assert "slug: my-review" in (folder / "review.yml").read_text()


def test_refuses_non_empty_folder(tmp_path):
    """An existing non-empty folder is never overwritten."""
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(ReviewError, match="not empty"):
        new_review(folder)
    assert (folder / "keep.txt").read_text() == "mine"


def test_refuses_bad_slug(tmp_path):
    """A folder name that cannot be a slug is refused with a hint."""
    with pytest.raises(ReviewError, match="slug"):
        new_review(tmp_path / "My Review")

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


def test_every_file_of_the_format_has_a_template(tmp_path):
    """`synthesis new` writes every file the schemas define, CSV files as exactly their schema's header row."""
    from synthesis.schemas import file_schemas

    folder = tmp_path / "complete"
    new_review(folder)
    for relative, schema in file_schemas().items():
        assert (folder / relative).is_file(), relative
        if schema.kind == "csv":
            assert (folder / relative).read_text().splitlines() == [",".join(schema.columns)]


def test_readme_lists_every_file_and_required_column(tmp_path):
    """The new folder's README names every file with its columns, required ones starred."""
    from synthesis.schemas import file_schemas

    folder = tmp_path / "documented"
    new_review(folder)
    readme = (folder / "README.md").read_text()
    for relative in file_schemas():
        assert f"`{relative}`" in readme
    assert "excerpt_id*, document*" in readme


def test_templates_carry_no_example_data(tmp_path):
    """A fresh review holds no theory, database or study of anybody else's: examples stay in comments."""
    from synthesis import load_review

    folder = tmp_path / "blank"
    new_review(folder)
    review = load_review(folder)
    assert not review.document("theory/initial.yml")["theories"]
    assert not review.document("search/strategy.yml")["databases"]
    assert review.table("studies.csv") is None and not review.has("coding/excerpts.csv")

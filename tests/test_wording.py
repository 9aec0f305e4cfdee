"""Tests for synthesis.wording: "the paper" only for published reviews."""

import json

import pytest

from synthesis import load_review, wording
from synthesis.paths import NOTEBOOKS_DIR
from synthesis.scaffold import new_review


def test_examples_are_published_and_a_new_review_is_not(mcleish, tmp_path):
    """A review with claims in published.yml is published; a fresh one (empty claims) is in progress."""
    new_review(tmp_path / "mine")
    assert wording.is_published(mcleish)
    assert not wording.is_published(load_review(tmp_path / "mine"))


def test_own_review_is_told_what_to_add(mcleish, tmp_path):
    """The same missing step reads as the paper's gap for an example and as a to-do naming the file for one's own."""
    new_review(tmp_path / "mine")
    own = load_review(tmp_path / "mine")
    assert "paper" in wording.missing(mcleish, "databases")
    assert "paper" not in wording.missing(own, "databases") and "search/strategy.yml" in wording.missing(own, "databases")
    assert wording.basis_word(own) == "the review team"


def test_every_sentence_has_both_forms():
    """Every entry of wording/missing.yml has a published and an own form, and neither speaks of the paper twice."""
    for name, forms in wording.missing_sentences().items():
        assert set(forms) == {"published", "own"}, name
        assert "paper" not in forms["own"], name


def test_notebooks_name_only_known_sentences():
    """Every wording.missing(rv, NAME) a notebook calls has a sentence (else the notebook would fail)."""
    import re

    names = set()
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            names |= set(re.findall(r'wording\.missing\(rv, "(\w+)"\)', "".join(cell["source"])))
    assert names and names <= set(wording.missing_sentences())


def test_unknown_name_is_an_error(mcleish):
    """Asking for a sentence that does not exist fails loudly rather than showing nothing."""
    with pytest.raises(KeyError):
        wording.missing(mcleish, "no-such-step")

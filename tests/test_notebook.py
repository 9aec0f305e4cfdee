"""Tests for synthesis.notebook (the calls around each notebook step)."""

import pandas as pd

from synthesis import notebook as nb


def test_open_review_sets_output_folder(tmp_path):
    """Opening a review by slug sets the output folder, defaulting to outputs/<slug>."""
    review = nb.open_review("psw-implementation", str(tmp_path))
    assert review.slug == "psw-implementation" and nb.output_folder() == tmp_path
    nb.open_review("psw-implementation")
    assert nb.output_folder().name == "psw-implementation"


def test_show_saves_table_or_says_why_not(tmp_path, capsys):
    """A table is saved and shown; an empty one shows the sentence instead and writes nothing."""
    nb.open_review("psw-implementation", str(tmp_path))
    nb.show(pd.DataFrame({"a": [1]}), "t")
    nb.show(pd.DataFrame(), "empty", empty="Nothing published.")
    assert (tmp_path / "tables/t.csv").exists() and not (tmp_path / "tables/empty.csv").exists()
    assert "Nothing published." in capsys.readouterr().out


def test_summary_names_the_unit(mcleish):
    """The review summary says what the tallies count."""
    assert "*Counting unit:* intervention" in nb.summary(mcleish)

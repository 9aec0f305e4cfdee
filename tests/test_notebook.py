"""Tests for synthesis.notebook (the calls around each notebook step)."""

import pandas as pd

import pytest

from synthesis import notebook as nb
from synthesis.errors import ReviewError


def test_open_review_gives_a_page_with_its_output_folder(tmp_path):
    """Opening a review by slug gives its page: the review and the output folder, defaulting to outputs/<slug>;
    two pages keep their own folders."""
    page = nb.open_review("psw-implementation", str(tmp_path))
    other = nb.open_review("psw-implementation")
    assert page.review.slug == "psw-implementation" and page.output_dir == tmp_path
    assert other.output_dir.name == "psw-implementation" and page.output_dir == tmp_path


def test_figure_formats_always_include_the_png_shown(tmp_path):
    """The PNG is always saved; other formats only when asked for; an unknown one is the project's error."""
    assert nb.open_review("psw-implementation", str(tmp_path)).figure_formats == ("png",)
    assert nb.open_review("psw-implementation", str(tmp_path), "PDF, svg").figure_formats == ("svg", "png", "pdf")
    with pytest.raises(ReviewError, match="'jpeg' is not a figure format"):
        nb.open_review("psw-implementation", str(tmp_path), "jpeg")


def test_show_saves_table_or_says_why_not(tmp_path, capsys):
    """A table is saved and shown; an empty one shows the sentence instead and writes nothing."""
    page = nb.open_review("psw-implementation", str(tmp_path))
    page.show(pd.DataFrame({"a": [1]}), "t")
    page.show(pd.DataFrame(), "empty", empty="Nothing published.")
    assert (tmp_path / "tables/t.csv").exists() and not (tmp_path / "tables/empty.csv").exists()
    assert "Nothing published." in capsys.readouterr().out


def test_summary_names_the_unit(mcleish):
    """The review summary says what the tallies count."""
    assert "*Counting unit:* intervention" in nb.summary(mcleish)


def test_table_is_shown_whole_with_its_caption(tmp_path):
    """A shown table's HTML has its caption and id, no row numbers, whole text and a dash for missing values."""
    long_text = "a sentence much longer than seventy characters, which pandas would otherwise cut short for display"
    shown = nb._Table(pd.DataFrame({"text": [long_text, None]}, index=[5, 6]), "cmocs", "The CMOCs.")
    page = shown._repr_html_()
    assert '<caption>The CMOCs.</caption>' in page and 'id="table-cmocs"' in page
    assert long_text in page and "\u2014" in page and "<th>5</th>" not in page and "None" not in page


def test_long_table_shows_its_first_rows_and_says_where_the_rest_are():
    """A table longer than SHOWN_ROWS shows only its first rows, and both the caption and the plain text say
    how many rows there are and which file holds them all; a short table has no such note."""
    long = nb._Table(pd.DataFrame({"n": range(nb.SHOWN_ROWS + 50)}), "excerpts", "The excerpts.")
    note = f"(the first {nb.SHOWN_ROWS} of {nb.SHOWN_ROWS + 50} rows; all of them are in tables/excerpts.csv)"
    assert len(long.table) == nb.SHOWN_ROWS and f"<caption>The excerpts. {note}</caption>" in long._repr_html_()
    assert repr(long).endswith(note) and f"<td>{nb.SHOWN_ROWS}</td>" not in long._repr_html_()
    short = nb._Table(pd.DataFrame({"n": [1]}), "excerpts", "The excerpts.")
    assert short.cut == "" and "first" not in repr(short)


def test_figure_is_shown_with_alt_text(tmp_path, capsys):
    """A shown figure is saved and displayed in a <figure> with alt text and its caption."""
    import matplotlib.pyplot as plt

    page = nb.open_review("psw-implementation", str(tmp_path), "png,svg")
    figure, ax = plt.subplots()
    ax.plot([0, 1])
    ax.set_title("A line")
    shown = nb._Figure(b"png", "prisma_flow", 600, "Caption.", "A line. Caption.")
    assert 'alt="A line. Caption."' in shown._repr_html_() and "<figcaption>Caption.</figcaption>" in shown._repr_html_()
    page.show_figure(figure, "prisma_flow")
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["prisma_flow.png", "prisma_flow.svg"]

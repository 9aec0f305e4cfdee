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


def test_table_is_shown_whole_with_its_caption(tmp_path):
    """A shown table's HTML has its caption and id, no row numbers, whole text and a dash for missing values."""
    nb.open_review("psw-implementation", str(tmp_path))
    long_text = "a sentence much longer than seventy characters, which pandas would otherwise cut short for display"
    shown = nb._Table(pd.DataFrame({"text": [long_text, None]}, index=[5, 6]), "cmocs", "The CMOCs.")
    page = shown._repr_html_()
    assert '<caption>The CMOCs.</caption>' in page and 'id="table-cmocs"' in page
    assert long_text in page and "\u2014" in page and "<th>5</th>" not in page and "None" not in page


def test_figure_is_shown_with_alt_text(tmp_path, capsys):
    """A shown figure is saved and displayed in a <figure> with alt text and its caption."""
    import matplotlib.pyplot as plt

    nb.open_review("psw-implementation", str(tmp_path))
    figure, ax = plt.subplots()
    ax.plot([0, 1])
    ax.set_title("A line")
    shown = nb._Figure(b"png", "prisma_flow", 600, "Caption.", "A line. Caption.")
    assert 'alt="A line. Caption."' in shown._repr_html_() and "<figcaption>Caption.</figcaption>" in shown._repr_html_()
    nb.show_figure(figure, "prisma_flow")
    assert (tmp_path / "figures/prisma_flow.svg").exists()

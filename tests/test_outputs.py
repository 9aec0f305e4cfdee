"""Tests for synthesis.outputs."""

import matplotlib.pyplot as plt
import pandas as pd

from synthesis.outputs import save_figure, save_table, write_text_atomic


def _figure():
    figure, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    return figure


def test_svg_is_byte_identical_and_undated(tmp_path):
    """Saving the same figure twice gives identical SVG with no date."""
    save_figure(_figure(), "a", tmp_path / "one")
    save_figure(_figure(), "a", tmp_path / "two")
    first = (tmp_path / "one/figures/a.svg").read_bytes()
    assert first == (tmp_path / "two/figures/a.svg").read_bytes() and b"<dc:date>" not in first
    assert (tmp_path / "one/figures/a.pdf").read_bytes() == (tmp_path / "two/figures/a.pdf").read_bytes()


def test_table_written_as_csv_and_markdown(tmp_path):
    """A table is written as CSV and Markdown, list cells joined."""
    save_table(pd.DataFrame({"a": [1], "b": [["x", "y"]]}), "t", tmp_path)
    assert (tmp_path / "tables/t.csv").read_text() == "a,b\n1,x; y\n"
    assert "| a |" in (tmp_path / "tables/t.md").read_text().replace("|   a |", "| a |")


def test_nothing_written_without_folder(tmp_path):
    """Without an output folder, tables and figures are only returned."""
    table = pd.DataFrame({"a": [1]})
    assert save_table(table, "t", None) is table and save_figure(None, "f", tmp_path) is None


def test_atomic_write_leaves_no_temporary(tmp_path):
    """Atomic writes leave only the final file."""
    write_text_atomic(tmp_path / "x.txt", "hello")
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_files_and_folders_follow_the_umask(tmp_path):
    """Atomic writes leave a file 0666 and a staging folder 0777 less the umask, not 0600 and 0700."""
    import os

    from synthesis.outputs import make_folder_atomic

    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "x.txt", "hello")
        folder = make_folder_atomic(tmp_path, ".staging.")
    finally:
        os.umask(old)
    assert (tmp_path / "x.txt").stat().st_mode & 0o777 == 0o640
    assert folder.stat().st_mode & 0o777 == 0o750


def test_import_leaves_matplotlib_style_alone():
    """Importing synthesis.outputs changes no matplotlib setting; applying the figure style does."""
    import subprocess
    import sys

    code = ("import matplotlib; before = dict(matplotlib.rcParams); import synthesis.outputs as o; "
            "assert dict(matplotlib.rcParams) == before; o.apply_figure_style(); "
            "assert matplotlib.rcParams['svg.fonttype'] == 'none'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_svg_keeps_text_as_text(tmp_path):
    """SVG text is written as <text> (searchable, read aloud), and whole float counts are written as integers."""
    figure = _figure()
    figure.axes[0].set_title("Searchable title")
    save_figure(figure, "t", tmp_path)
    assert "Searchable title" in (tmp_path / "figures/t.svg").read_text()
    save_table(pd.DataFrame({"n": [13220.0, None], "box": ["a", "b"]}), "counts", tmp_path)
    assert (tmp_path / "tables/counts.csv").read_text() == "n,box\n13220,a\n,b\n"

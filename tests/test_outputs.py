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

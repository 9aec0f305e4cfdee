"""Tests for synthesis.report: checklists, the four table formats, Word documents and the appendix's guards."""

import zipfile

import docx
import nbformat
import pandas as pd
import pytest

from synthesis import report
from synthesis.errors import ReviewError
from synthesis.paths import NOTEBOOKS_DIR


def test_checklists_have_every_item():
    """RAMESES has 19 items, ENTREQ 21 and PRISMA 2020 42 (27 numbered, with their lettered parts)."""
    counts = {name: len(report.load_checklist(name)["items"]) for name in report.CHECKLISTS}
    assert counts == {"RAMESES": 19, "ENTREQ": 21, "PRISMA 2020": 42}
    with pytest.raises(ReviewError, match="reporting_standards"):
        report.load_checklist("CONSORT")


def test_every_pointer_names_a_heading_of_its_notebook():
    """Each item the appendix reports points to a heading that exists in the notebook it names."""
    headings = {}
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        cells = nbformat.read(path, as_version=4).cells
        headings[path.stem] = {line[3:].strip() for c in cells if c.cell_type == "markdown"
                               for line in c.source.splitlines() if line.startswith("## ")}
    for name in report.CHECKLISTS:
        for item in report.load_checklist(name)["items"]:
            if "appendix" in item:
                place = item["appendix"]
                assert place["heading"] in headings[place["notebook"]], (name, item["item"])


def test_applicable_checklists(mcleish, hackmann, ibrahim):
    """A realist review gets RAMESES, a named ENTREQ applies, and PRISMA 2020 applies to every review with a flow."""
    assert report.applicable_checklists(mcleish) == ["RAMESES", "PRISMA 2020"]
    assert report.applicable_checklists(hackmann) == ["RAMESES", "ENTREQ", "PRISMA 2020"]
    assert report.applicable_checklists(ibrahim) == ["PRISMA 2020"]


def test_checklist_table_says_what_is_missing(mcleish, hackmann):
    """An item whose data the review lacks is listed as not reported, with the file it would need."""
    table = report.checklist_table(mcleish, "RAMESES").set_index("item")
    assert table.loc["14", "status"] == "reported"
    assert table.loc["11", "status"] == "not reported: the review has no coding/links.csv"
    assert table.loc["1", "status"] == "in the paper, not the appendix"
    appear = report.checklist_table(hackmann, "RAMESES").set_index("item")
    assert appear.loc["11", "reported in"] == "03_coding_tallies: Context -> mechanism -> outcome links, counted in documents"
    assert set(report.unreported_items(report.checklist_table(mcleish, "RAMESES"))["item"]) >= {"1", "11"}


def test_heading_anchor_matches_nbconvert():
    """Anchors are made as nbconvert makes heading ids."""
    assert report.heading_anchor("PRISMA 2020 counts") == "PRISMA-2020-counts"
    assert report.heading_anchor("Coded in n of N (%)") == "Coded-in-n-of-N-(%25)"


def test_table_formats(tmp_path):
    """A table is written as CSV, Markdown, escaped LaTeX and a Word table with the same cells."""
    table = pd.DataFrame({"theme": ["50% & more", "b_c"], "n": ["3", "4"]})
    written = report.write_table_formats(table, "themes", tmp_path, "Themes")
    assert [p.suffix for p in written] == [".csv", ".md", ".tex", ".docx"]
    assert "50\\% \\& more" in (tmp_path / "themes.tex").read_text()
    cells = [[c.text for c in row.cells] for row in docx.Document(tmp_path / "themes.docx").tables[0].rows]
    assert cells == [["theme", "n"], ["50% & more", "3"], ["b_c", "4"]]


def test_docx_is_byte_identical(tmp_path):
    """Two writes of one table give the same bytes: fixed dates in the properties and in the zip."""
    table = pd.DataFrame({"a": ["1"]})
    report.write_docx_table(table, tmp_path / "one.docx", "A")
    report.write_docx_table(table, tmp_path / "two.docx", "A")
    assert (tmp_path / "one.docx").read_bytes() == (tmp_path / "two.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_final_model_docx_strikes_unsupported(mcleish, tmp_path):
    """The Word final model strikes through exactly the two unsupported hypothesised negatives."""
    report.write_docx_final_model(mcleish, tmp_path / "final.docx")
    runs = [r for p in docx.Document(tmp_path / "final.docx").paragraphs for r in p.runs]
    struck = [r.text for r in runs if r.font.strike]
    assert len(struck) == 2 and all("hypothesised negative" in text for text in struck)


def test_appendix_needs_a_run(mcleish, tmp_path):
    """Building an appendix from a folder without executed notebooks says to run them first."""
    with pytest.raises(ReviewError, match="no executed notebooks"):
        report.build_appendix(mcleish, tmp_path)

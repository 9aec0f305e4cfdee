"""Tests for synthesis.report: checklists, the four table formats, Word documents and the appendix's guards."""

import shutil
import subprocess
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
    """A table is written as CSV, Markdown, escaped LaTeX and a Word table with the same cells, missing as a dash."""
    table = pd.DataFrame({"theme": ["50% & more", "b_c"], "n": ["3", None]})
    written = report.write_table_formats(table, "themes", tmp_path, "Table 2. Themes.")
    assert [p.suffix for p in written] == [".csv", ".md", ".tex", ".docx"]
    assert "50\\% \\& more" in (tmp_path / "themes.tex").read_text()
    assert (tmp_path / "themes.md").read_text().startswith("Table 2. Themes.\n")
    cells = [[c.text for c in row.cells] for row in docx.Document(tmp_path / "themes.docx").tables[0].rows]
    assert cells == [["theme", "n"], ["50% & more", "3"], ["b_c", "\u2014"]]
    assert (tmp_path / "preamble.tex").read_text() == report.LATEX_PREAMBLE


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


def test_latex_columns_sized_to_content():
    """LaTeX tables are booktabs longtables of wrapping p{} columns, the long-text column the widest."""
    table = pd.DataFrame({"id": ["T1", "T2"], "statement": ["a long statement " * 8, "another " * 12]})
    latex = report.latex_table(table, "Table 1. Statements.", "tab:statements")
    assert latex.count("p{") == 2 and "\\toprule" in latex and "\\bottomrule" in latex and "lllll" not in latex
    narrow, wide = report.column_widths(table, 60)
    assert wide > 3 * narrow and abs(narrow + wide - 1) < 1e-9


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="no TeX installation (apt-get install texlive-latex-recommended texlive-latex-extra)")
def test_latex_tables_compile(tmp_path, mcleish):
    """A real table (the perinatal CMOCs, long text with symbols) compiles with the preamble written beside it."""
    from synthesis import initial_theory

    report.write_table_formats(initial_theory.cmoc_table(mcleish), "cmocs", tmp_path, "Table 1. The CMOCs.")
    (tmp_path / "main.tex").write_text("\\documentclass{article}\n\\input{preamble}\n\\begin{document}\n"
                                       "\\input{cmocs}\n\\end{document}\n")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Overfull \\hbox" not in result.stdout.split("cmocs.tex")[-1]


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return notebook


def _shown(name):
    return nbformat.v4.new_output("display_data", data={
        "text/html": f'<table class="synthesis-table" id="table-{name}"><caption>{name}</caption></table>',
        "text/plain": name})


def test_prepare_notebook_leaves_out_what_a_reader_does_not_need(review_copy):
    """Tagged cells, the repeated review header and, without published numbers, the paper's sections go."""
    from synthesis.notebook import summary
    from synthesis.review import load_review

    folder = review_copy("perinatal-peer-support")
    review = load_review(folder)
    header = nbformat.v4.new_output("display_data", data={"text/markdown": summary(review)})
    omitted = nbformat.v4.new_markdown_cell("Change `review` below.", metadata={"tags": ["appendix-omit"]})
    opening = nbformat.v4.new_code_cell("rv = nb.open_review(review)", outputs=[header])
    data = nbformat.v4.new_code_cell("nb.show(t)", outputs=[_shown("cmocs")])
    paper = nbformat.v4.new_markdown_cell("## Reproduction report")
    paper_table = nbformat.v4.new_code_cell("nb.show(r)", outputs=[_shown("reproduction")])
    kept = report.prepare_notebook(_notebook(omitted, opening, data, paper, paper_table), review)
    assert [c.source for c in kept.cells] == [opening.source, data.source, paper.source, paper_table.source]
    assert kept.cells[0].outputs == []
    (folder / "published.yml").unlink()
    own = report.prepare_notebook(_notebook(opening, data, paper, paper_table), load_review(folder))
    assert [c.source for c in own.cells] == [opening.source, data.source]
    assert report.prepare_notebook(_notebook(nbformat.v4.new_markdown_cell("# Nothing")), review) is None


def test_captions_are_numbered_in_order():
    """Tables and figures are numbered separately, in the order they appear."""
    page = ('<table id="table-a" class="x">\n<caption>A.</caption></table><figure id="figure-f"><img alt="f">'
            '<figcaption>F.</figcaption></figure><table id="table-b"><caption>B.</caption></table>')
    numbered, tables, figures = report.number_captions(page)
    assert "<caption>Table 1. A.</caption>" in numbered and "<caption>Table 2. B.</caption>" in numbered
    assert "<figcaption>Figure 1. F.</figcaption>" in numbered
    assert tables == {"a": 1, "b": 2} and figures == {"f": 1}


def test_methods_summary(mcleish, ibrahim):
    """The methods summary comes from review.yml: question, method, approach, unit, databases, standards."""
    terms = dict(report.methods_summary(ibrahim))
    assert terms["Question"].startswith("Which influences") and "PRISMA 2009" in terms["Reported following"]
    assert terms["Approach"] == "A synthesis that builds no CMOCs."
    assert dict(report.methods_summary(mcleish))["Approach"].startswith("Realist synthesis")


def test_appendix_page_escapes_review_text(tmp_path, review_copy):
    """The page is rendered with autoescaping: markup in a review's title is shown, not run."""
    from synthesis.review import load_review

    folder = review_copy("psw-implementation")
    text = (folder / "review.yml").read_text()
    (folder / "review.yml").write_text(text.replace('title: "A systematic', 'title: "<script>x</script> A systematic'))
    review = load_review(folder)
    run = tmp_path / "run"
    run.mkdir()
    nbformat.write(_notebook(nbformat.v4.new_markdown_cell("# 1. Search"),
                             nbformat.v4.new_code_cell("nb.show(t)", outputs=[_shown("databases")])),
                   run / "01_exploratory_search.ipynb")
    (run / "tables").mkdir()
    (run / "tables/databases.csv").write_text("database,n\nPubMed,\n")
    appendix = report.build_appendix(review, run)
    page = (appendix / "appendix.html").read_text()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
    assert "Table 1. databases" in page and "<caption>Table 2. " + report.load_checklist("PRISMA 2020")["title"] in page
    document = docx.Document(appendix / "appendix.docx")
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [["database", "n"], ["PubMed", "\u2014"]]
    assert any(p.text.startswith("Table 1.") for p in document.paragraphs)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (apt-get install chromium)")
def test_pdf_is_printed_the_same_twice(tmp_path):
    """Chromium's PDF of a page has fixed dates and element ids and no machine paths, so the same page printed
    from two folders gives the same bytes."""
    printed = []
    for folder in ("one", "other"):
        (tmp_path / folder).mkdir()
        page = tmp_path / folder / "appendix.html"
        page.write_text("<!DOCTYPE html><html lang='en'><body><h1 id='top'>Appendix</h1><p><a href='#top'>top</a> "
                        "<a href=\"appendix.docx\">appendix.docx</a></p></body></html>")
        printed.append(report.print_pdf(page, tmp_path / folder / "appendix.pdf").read_bytes())
    assert printed[0].startswith(b"%PDF") and printed[0] == printed[1] and b"D:20000101000000" in printed[0]
    assert b"file://" not in printed[0]


def test_own_review_checklist_speaks_of_the_manuscript(review_copy):
    """Without published numbers there is no paper: items outside the appendix are in the manuscript."""
    from synthesis.review import load_review

    folder = review_copy("perinatal-peer-support")
    (folder / "published.yml").unlink()
    table = report.checklist_table(load_review(folder), "RAMESES").set_index("item")
    assert table.loc["1", "status"] == "in the manuscript, not the appendix"

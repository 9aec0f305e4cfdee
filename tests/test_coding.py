"""Tests for synthesis.coding."""

import pandas as pd

from synthesis import coding


def test_excerpts_with_pages(hackmann):
    """The nine coded quotes are listed with author, year and page."""
    table = coding.excerpts_table(hackmann)
    assert len(table) == 9 and table.loc[0, "document"] == "Barr KR 2020" and table.loc[0, "page"] == "5"


def test_audit_trail_attaches_quotes(hackmann):
    """A link gets the quotes coded to its context, mechanism and outcome from its documents."""
    trail = coding.audit_trail(hackmann).set_index("link")
    assert "Barr KR 2020, p. 5" in trail.loc["L01", "quotes"]
    assert trail.loc["L19", "documents"].count(";") == 7


def test_determinants(ibrahim):
    """Eight influences have a facilitator and a barrier text each."""
    table = coding.determinants_table(ibrahim)
    assert len(table) == 16 and set(table["direction"]) == {"facilitator", "barrier"}


def test_sheet_with_loose_column_names(tmp_path):
    """A coding sheet with its own column names maps to excerpts; bad roles are reported, rows never lost silently."""
    from synthesis.coding import excerpts_from_sheet

    path = tmp_path / "sheet.csv"
    path.write_text("Doc,Location,Coded text,Codes,CMO,Coding,Coder\n"
                    "barr2020,p5,They don't feel alone,C-accepting; M-self-acceptable,M,Deductive,RP\n"
                    "tse2017,p30,A quote,O-hope,X,guess,IC\n"
                    ",p1,,O-hope,,,IC\n")
    excerpts, problems = excerpts_from_sheet(path)
    assert excerpts.loc[0, ["document", "page", "nodes", "role", "mode"]].tolist() == [
        "barr2020", "p5", "C-accepting;M-self-acceptable", "M", "deductive"]
    assert sorted((p.line, p.field) for p in problems) == [(3, "mode"), (3, "role"), (4, "document/quote/node")]


def test_xlsx_sheet(tmp_path):
    """The same from an XLSX workbook."""
    from openpyxl import Workbook

    from synthesis.coding import excerpts_from_sheet

    workbook = Workbook()
    workbook.active.append(["document", "quote", "node"])
    workbook.active.append(["gray2017", "Connections", "C-available"])
    workbook.save(tmp_path / "s.xlsx")
    excerpts, problems = excerpts_from_sheet(tmp_path / "s.xlsx")
    assert excerpts.loc[0, "nodes"] == "C-available" and problems == []


def test_excerpts_from_qda(shared):
    """A QDA project's 158 coded selections become 158 excerpts, each with its codes' paths as nodes."""
    from synthesis.coding import excerpts_from_qda

    excerpts = excerpts_from_qda(shared / "fixtures/qdpx/qc-demo.qdpx")
    assert len(excerpts) == 158 and excerpts["nodes"].str.split(";").str.len().sum() == 205


def test_codes_and_sources_map_to_the_review(tmp_path):
    """QDA code paths and source file names become the review's node and study ids; what matches nothing is listed."""
    from synthesis.coding import map_to_review
    from synthesis.scaffold import new_review

    folder = tmp_path / "mapped"
    new_review(folder)
    (folder / "studies.csv").write_text("study_id,authors,year,title,type,source\n"
                                        "smith2020,Smith J,2020,Peer support at home,article,Search\n")
    (folder / "coding/nodes.csv").write_text("node_id,kind,label,source\nC-home,context,At home,Coding\n")
    excerpts = pd.DataFrame({"excerpt_id": ["X1", "X2"], "document": ["Smith2020.pdf", "Peer support at home"],
                             "quote": ["a", "b"], "nodes": ["Contexts/At  home", "C-home;Mechanisms/Trust"],
                             "source": ["p", "p"]})
    mapped, problems = map_to_review(excerpts, folder)
    assert list(mapped["document"]) == ["smith2020", "smith2020"]
    assert list(mapped["nodes"]) == ["C-home", "C-home;Mechanisms/Trust"]
    assert len(problems) == 1 and "'Mechanisms/Trust' (excerpts X2)" in problems[0].message
    assert problems[0].field == "nodes" and "coding/nodes.csv" in problems[0].hint


def test_sheet_direction_column(tmp_path):
    """A sheet's direction (or stance) column is carried into the excerpts; an unknown value is a problem, left empty."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Document,Quote,Code,Stance\nsmith2020,It helped,C-home,Refutes\nsmith2020,So-so,C-home,maybe\n")
    excerpts, problems = coding.excerpts_from_sheet(sheet)
    assert list(excerpts["direction"]) == ["refutes", ""]
    assert len(problems) == 1 and problems[0].field == "direction" and problems[0].line == 3

"""Tests for synthesis.coding."""

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

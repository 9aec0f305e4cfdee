"""Tests for synthesis.csvrows."""

import csv

import pytest

from synthesis.csvrows import csv_rows, header_and_rows, match_columns, ragged_row, read_sheet_rows, squash
from synthesis.errors import ReviewError


def test_rows_carry_the_line_they_start_on():
    """A quoted cell spanning lines moves the next row's line number on by as many lines."""
    text = 'a,b\n1,"two\nlines"\n3,x\n'
    assert list(csv_rows("t.csv", text)) == [(1, ["a", "b"]), (2, ["1", "two\nlines"]), (4, ["3", "x"])]


def test_tab_delimited():
    """The delimiter is the caller's: a TSV's commas stay inside their cells."""
    assert list(csv_rows("t.tsv", "a\tb\n1,2\t3\n", delimiter="\t")) == [(1, ["a", "b"]), (2, ["1,2", "3"])]


def test_unclosed_quote_names_the_row_it_opens_on():
    """A quote never closed is an error on the line of the row where it opens, after the rows before it."""
    rows = csv_rows("t.csv", 'a,b\n1,2\n3,"open\n4,5\n')
    assert next(rows) == (1, ["a", "b"]) and next(rows) == (2, ["1", "2"])
    with pytest.raises(ReviewError) as caught:
        next(rows)
    problem = caught.value.problem
    assert (problem.line, problem.field) == (3, "row") and problem.message.startswith("not valid CSV")
    assert "never closed" in problem.hint


def test_bad_quoting_in_the_header_is_a_header_error():
    """Text after a closing quote on line 1 is reported against the header, with a hint on quoting."""
    with pytest.raises(ReviewError) as caught:
        list(csv_rows("t.csv", '"a"b,c\n1,2\n'))
    assert (caught.value.problem.line, caught.value.problem.field) == (1, "header")
    assert "quot" in caught.value.problem.hint


def test_cell_over_the_size_limit():
    """A cell longer than the csv module's limit is an error naming the limit, not a crash."""
    limit = csv.field_size_limit()
    with pytest.raises(ReviewError) as caught:
        list(csv_rows("t.csv", "a\n" + "x" * (limit + 1) + "\n"))
    assert caught.value.problem.line == 2 and f"{limit:,}" in caught.value.problem.hint


def test_nul_characters_are_refused():
    """NUL characters are refused before any row, naming their line."""
    with pytest.raises(ReviewError) as caught:
        list(csv_rows("t.csv", "a,b\n1,2\n3,\x004\n"))
    assert (caught.value.problem.line, caught.value.problem.field) == (3, "encoding")


def test_header_stripped_and_blank_rows_left_out():
    """Header names lose surrounding spaces and a byte-order mark; blank rows are not rows."""
    header, rows = header_and_rows("t.csv", "\ufeff a , b\n1,2\n , \n3,4\n", empty_hint="hint")
    assert header == ["a", "b"] and list(rows) == [(2, ["1", "2"]), (4, ["3", "4"])]


@pytest.mark.parametrize("text, message", [("", "the file is empty"), ("  \n", "the file is empty"),
                                           ("\na,b\n", "the first line is blank, not a header row")])
def test_no_header(text, message):
    """A file without text, or with a blank first line, is an error on line 1 with the caller's hint."""
    with pytest.raises(ReviewError) as caught:
        header_and_rows("t.csv", text, empty_hint="write a header")
    assert caught.value.problem == caught.value.problem.__class__("t.csv", 1, "header", message, "write a header")


def test_ragged_rows():
    """A row with more or fewer cells than the header is a problem; a spreadsheet's short rows and trailing empty
    cells are not, text past the last column is."""
    assert ragged_row("t.csv", 2, ["1", "2"], 2) is None
    assert ragged_row("t.csv", 2, ["1"], 2).message == "row has 1 cells, the header has 2"
    assert ragged_row("t.csv", 3, ["1", "2", ""], 2).line == 3
    assert ragged_row("t.csv", 2, ["1"], 2, spreadsheet=True) is None
    assert ragged_row("t.csv", 2, ["1", "2", " ", ""], 2, spreadsheet=True) is None
    problem = ragged_row("t.csv", 2, ["1", "2", "x", ""], 2, spreadsheet=True)
    assert (problem.field, problem.message) == ("row", "row has 3 cells, the header has 2")


def test_sheet_rows_are_padded_and_checked(tmp_path):
    """A sheet (UTF-16 CSV here) gives its stripped header and non-blank rows padded to the header's width."""
    sheet = tmp_path / "s.csv"
    sheet.write_bytes("doc , quote,node\nd1,q\n,,\nd2,q,n,\n".encode("utf-16"))
    assert read_sheet_rows(sheet) == (["doc", "quote", "node"], [(2, ["d1", "q", ""]), (4, ["d2", "q", "n"])])


@pytest.mark.parametrize("text, line, field, message", [
    ("a,b,a\n1,2,3\n", 1, "a", "the column 'a' appears twice"),
    ("a,b\n1,2,3\n", 2, "row", "row has 3 cells, the header has 2"),
    ("", 1, "header", "the file is empty")])
def test_sheet_errors(tmp_path, text, line, field, message):
    """A column named twice, text past the last column and an empty sheet are errors naming line and field."""
    sheet = tmp_path / "s.csv"
    sheet.write_text(text)
    with pytest.raises(ReviewError) as caught:
        read_sheet_rows(sheet)
    assert (caught.value.problem.line, caught.value.problem.field, caught.value.problem.message) == (line, field,
                                                                                                    message)


def test_missing_sheet(tmp_path):
    """A sheet that does not exist is an error on the file, not an OSError."""
    with pytest.raises(ReviewError) as caught:
        read_sheet_rows(tmp_path / "nowhere.csv")
    assert caught.value.problem.field == "file"


def test_columns_match_loosely_best_synonym_first():
    """Names match ignoring case, spaces and punctuation; each target lists its positions, best synonym first."""
    assert squash("Publication Year (PY)") == "publicationyearpy"
    header = ["Date", "Article Title", "PY"]
    found = match_columns("t.csv", header, {"title": ["title", "articletitle"], "year": ["py", "date"],
                                            "doi": ["doi"]})
    assert found == {"title": [1], "year": [2, 0], "doi": []}


def test_two_columns_reading_as_one_are_ambiguous():
    """Two columns that squash to the same synonym are refused, unless one is named exactly as asked."""
    with pytest.raises(ReviewError) as caught:
        match_columns("t.csv", ["Title", "TITLE"], {"title": ["title"]})
    problem = caught.value.problem
    assert (problem.line, problem.field) == (1, "TITLE") and "both read as the title" in problem.message
    assert match_columns("t.csv", ["ID", "id"], {"record id": ["ID"]}) == {"record id": [0]}


def test_required_columns_missing():
    """Required targets without a column are one error on line 1 naming them and the columns found."""
    with pytest.raises(ReviewError) as caught:
        match_columns("t.csv", ["a", "b"], {"quote": ["quote"], "node": ["node", "code"], "page": ["page"]},
                      required=("quote", "node"), hint="name the columns quote and node")
    problem = caught.value.problem
    assert (problem.line, problem.field, problem.message) == (1, "header", "no column for quote, node")
    assert problem.hint == "name the columns quote and node; columns found: a, b"

"""Tests for synthesis.schemas."""

from synthesis.schemas import file_schemas, read_table, schema_for


def _read(tmp_path, text, schema="search/log.csv"):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return read_table(path, schema_for(schema), "t.csv")


def test_every_schema_has_a_distinct_path():
    """Each review file has exactly one schema, and CSV schemas name their key column."""
    schemas = file_schemas()
    assert len(schemas) == len({s.name for s in schemas.values()})
    assert all(s.key in s.columns for s in schemas.values() if s.kind == "csv" and s.key)


def test_wrong_type_names_line_and_column(tmp_path):
    """A non-numeric count is reported with its line and column."""
    _, problems, _ = _read(tmp_path, "run_id,database,hits,source\na,PubMed,12,x\nb,Scopus,many,x\n")
    assert [(p.line, p.field) for p in problems] == [(3, "hits")]
    assert "not a whole number" in problems[0].message


def test_missing_required_column(tmp_path):
    """A required column missing from the header is one problem on line 1."""
    _, problems, _ = _read(tmp_path, "run_id,source\na,x\n")
    assert [(p.line, p.field, p.message) for p in problems] == [(1, "database", "required column is missing")]


def test_unknown_column_is_refused(tmp_path):
    """A misspelt column is reported with the allowed names as the hint."""
    _, problems, _ = _read(tmp_path, "run_id,database,hitz,source\na,b,1,c\n")
    assert problems[0].field == "hitz" and "allowed" in problems[0].hint


def test_duplicate_key(tmp_path):
    """A repeated id names both lines."""
    _, problems, _ = _read(tmp_path, "run_id,database,source\na,PubMed,x\na,Scopus,x\n")
    assert problems[0].line == 3 and "line 2" in problems[0].message


def test_empty_cells_are_none_and_lists_split(tmp_path):
    """Empty cells become None and list columns are split on semicolons."""
    text = "study_id,authors,year,title,type,countries,source\ns1,A,2020,T,article,UK; USA,x\ns2,B,2021,U,report,,x\n"
    table, problems, lines = _read(tmp_path, text, "studies.csv")
    assert not problems
    assert table.loc[0, "countries"] == ["UK", "USA"] and table.loc[1, "countries"] is None
    assert lines == [2, 3] and not table.attrs


def test_non_finite_numbers_are_refused(tmp_path):
    """NaN and infinity are not accepted as numbers."""
    text = "node_id,kind,label,published_percent,source\nn1,theme,L,nan,x\nn2,theme,M,inf,x\n"
    _, problems, _ = _read(tmp_path, text, "coding/nodes.csv")
    assert [p.line for p in problems] == [2, 3]


def test_empty_file(tmp_path):
    """An empty file gets a hint with the header to write."""
    _, problems, _ = _read(tmp_path, "")
    assert problems[0].message == "the file is empty" and "run_id" in problems[0].hint


def test_row_with_too_many_cells(tmp_path):
    """A row with an unquoted comma is reported, not silently shifted."""
    _, problems, _ = _read(tmp_path, "run_id,database,source\na,Pub,Med,x\n")
    assert problems[0].line == 2 and "cells" in problems[0].message

"""Tests for synthesis.yamlfile."""

import pytest

from synthesis.errors import ReviewError
from synthesis.yamlfile import read_yaml


def test_line_of_nested_value(tmp_path):
    """The line of a value inside a list of mappings is found by its path."""
    path = tmp_path / "a.yml"
    path.write_text("top: 1\nitems:\n  - id: a\n    name: x\n  - id: b\n    name: y\n")
    document = read_yaml(path)
    assert document.line_of(("items", 1, "name")) == 6
    assert document.line_of(("items", 1, "missing")) == 5


def test_syntax_error_names_line(tmp_path):
    """A YAML syntax error is reported with its line, not as a parser traceback."""
    path = tmp_path / "b.yml"
    path.write_text("a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(ReviewError) as caught:
        read_yaml(path)
    assert caught.value.problem.line in (3, 4) and "not valid YAML" in str(caught.value)


def test_non_utf8_is_refused(tmp_path):
    """A file that is not UTF-8 gets a clear error with a hint to re-save it."""
    path = tmp_path / "c.yml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ReviewError, match="not UTF-8"):
        read_yaml(path)


def test_unquoted_dates_read_as_the_text_written(tmp_path):
    """`from: 2000-01-01` reads as the string "2000-01-01", as the review schemas expect; numbers stay numbers."""
    path = tmp_path / "strategy.yml"
    path.write_text("dates: {from: 2000-01-01, to: 2025-06-30}\nlimit: 3\n")
    assert read_yaml(path).data == {"dates": {"from": "2000-01-01", "to": "2025-06-30"}, "limit": 3}

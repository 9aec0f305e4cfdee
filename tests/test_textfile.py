"""Tests for synthesis.textfile."""

import pytest

from synthesis.errors import ReviewError
from synthesis.textfile import decode_text


def test_utf8_with_or_without_mark():
    """UTF-8 reads with its byte-order mark dropped."""
    assert decode_text("a.csv", "\ufeffcafé\n".encode(), "hint") == "café\n"


def test_utf16_only_when_allowed():
    """UTF-16 with its mark is read where allowed and refused, naming the encoding, elsewhere."""
    data = "title\nx\n".encode("utf-16")
    assert decode_text("a.ris", data, "hint", utf16=True) == "title\nx\n"
    with pytest.raises(ReviewError) as caught:
        decode_text("a.csv", data, "save as UTF-8")
    assert caught.value.problem.field == "encoding" and caught.value.problem.hint == "save as UTF-8"


def test_latin1_names_its_line():
    """A Latin-1 byte on line 3 is reported on line 3."""
    with pytest.raises(ReviewError) as caught:
        decode_text("a.csv", "a\nb\ncafé\n".encode("latin-1"), "hint")
    assert caught.value.problem.line == 3


def test_nul_characters_are_refused():
    """UTF-16 without its mark shows up as NUL characters and is refused."""
    with pytest.raises(ReviewError, match="NUL"):
        decode_text("a.csv", "ab\n".encode("utf-16-le"), "hint", utf16=True)

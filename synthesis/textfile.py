"""Decoding the bytes of a text input (an export, a sheet, a review file) with errors that say where and why."""

from __future__ import annotations

from pathlib import Path

from synthesis.errors import ReviewError

__all__ = ["decode_text"]


def decode_text(path: str | Path, data: bytes, hint: str, utf16: bool = False) -> str:
    """``data`` as text: UTF-8 (a byte-order mark is dropped), or UTF-16 with its byte-order mark when ``utf16``.

    Raises
    ------
    ReviewError
        Naming the line of the first byte that is not UTF-8, or of a NUL character (UTF-16 without its mark,
        or a binary file), with ``hint``.
    """
    if utf16 and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReviewError(path, f"not UTF-16 text although it starts with a UTF-16 byte-order mark "
                              f"(byte {exc.start})", line=1, field="encoding", hint=hint) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                          line=data[:exc.start].count(b"\n") + 1, field="encoding", hint=hint) from None
    if "\x00" in text:
        raise ReviewError(path, "the file holds NUL characters", line=text[:text.index("\x00")].count("\n") + 1,
                          field="encoding", hint="UTF-16 without a byte-order mark, or not a text file: " + hint)
    return text

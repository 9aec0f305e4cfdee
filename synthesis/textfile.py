"""Decoding the bytes of a text input (an export, a sheet, a review file) with errors that say where and why."""

from __future__ import annotations

import re
from pathlib import Path

from synthesis.errors import ReviewError

__all__ = ["decode_text", "decode_export", "refuse_nul"]

# A multi-byte UTF-8 sequence (lead byte and continuation bytes). A file holding one of these beside bytes that
# are not UTF-8 was written in two encodings: read as Windows-1252 its UTF-8 characters would come out garbled.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Bytes Windows-1252 leaves undefined; Latin-1 maps them to C1 control characters, which no export contains.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def _line_of(data: bytes, position: int) -> int:
    return data[:position].count(b"\n") + 1


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
                          line=_line_of(data, exc.start), field="encoding", hint=hint) from None
    return refuse_nul(path, text, hint)


def refuse_nul(path: str | Path, text: str, hint: str) -> str:
    """``text`` unchanged, or a :class:`ReviewError` naming the line of its first NUL character.

    No text format holds NUL: it means UTF-16 without its byte-order mark, or a file that is not text.
    """
    if "\x00" in text:
        raise ReviewError(path, "the file holds NUL characters", line=text[:text.index("\x00")].count("\n") + 1,
                          field="encoding", hint="UTF-16 without a byte-order mark, or not a text file: " + hint)
    return text


def decode_export(path: str | Path, data: bytes, hint: str) -> tuple[str, str]:
    """A database export's text and the encoding it was read in.

    Exports come as UTF-8 (with or without a byte-order mark), UTF-16 with its mark, or, from programs on
    Windows, in the single-byte Windows-1252 (a superset of the printable Latin-1). Those are read. A file is
    refused only when its bytes fit no one encoding: UTF-8 characters beside bytes that are not UTF-8 (two
    encodings in one file), bytes Windows-1252 does not define, or NUL characters.

    Returns
    -------
    text, encoding : str, str
        ``encoding`` is one of ``utf-8``, ``utf-8-sig``, ``utf-16``, ``windows-1252``.

    Raises
    ------
    ReviewError
        Naming the line of the first byte that fits no consistent encoding, with ``hint``.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_text(path, data, hint, utf16=True), "utf-16"
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return refuse_nul(path, data.decode(encoding), hint), encoding
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if b"\x00" in data:
        # No single-byte text holds NUL: UTF-16 without its mark, or not a text file at all.
        return refuse_nul(path, data.decode("latin-1"), hint), ""
    multibyte = _UTF8_MULTIBYTE.search(data)
    if multibyte:
        raise ReviewError(path, f"mixed encodings: UTF-8 characters (line {_line_of(data, multibyte.start())}) "
                          f"beside a byte that is not UTF-8 (byte {first_bad})", line=_line_of(data, first_bad),
                          field="encoding", hint=hint)
    undefined = _CP1252_UNDEFINED.search(data)
    if undefined:
        raise ReviewError(path, f"byte 0x{data[undefined.start()]:02x} is neither UTF-8 nor Windows-1252/Latin-1 "
                          "text", line=_line_of(data, undefined.start()), field="encoding", hint=hint)
    return refuse_nul(path, data.decode("windows-1252"), hint), "windows-1252"

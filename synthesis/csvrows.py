"""Rows of a delimited text file or a sheet with the line each starts on, and the header matched to the columns a
reader wants: the one CSV reader and the one column matcher of every reader (review tables, exports, sheets).

Every failure is the project's error naming the file, the line and the field: a quote never closed, a cell past the
csv module's size limit, NUL characters, a row with more (or fewer) cells than the header, a column that is missing,
or two columns that read as the same one.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from synthesis.errors import Problem, ReviewError
from synthesis.textfile import decode_text, refuse_nul

__all__ = ["Row", "csv_rows", "header_and_rows", "ragged_row", "read_sheet_rows", "squash", "match_columns"]

#: A row of cells and the 1-based physical line it starts on (a quoted cell may span lines).
Row = tuple[int, list[str]]

_SPREADSHEETS = (".xlsx", ".xlsm")


def _invalid_csv(path: str | Path, line: int, error: csv.Error) -> ReviewError:
    """The error for a row the csv module refuses, with a hint for the reason it gives."""
    reason = str(error)
    if reason.startswith("field larger than field limit"):
        hint = (f"no cell is {csv.field_size_limit():,} characters long: a quote opened on this row is never closed, "
                "or the file is corrupted")
    elif "unexpected end of data" in reason:
        hint = "a quote opened on this row is never closed; check its quoting"
    else:
        hint = 'check the quoting of this row: a cell with a quote in it is quoted, and its quotes doubled ("")'
    return ReviewError(path, f"not valid CSV: {reason}", line=line, field="header" if line == 1 else "row", hint=hint)


def csv_rows(path: str | Path, text: str, *, delimiter: str = ",", quoted: bool = True) -> Iterator[Row]:
    """Every row of ``text`` (the header first), each with the physical line it starts on.

    Parameters
    ----------
    path : str or Path
        The file, as problems name it.
    text : str
        Its decoded text (see :mod:`synthesis.textfile`).
    delimiter : str
        ``,`` for CSV, a tab for TSV.
    quoted : bool
        Whether a cell may be quoted. False for files that never quote (Web of Science's tab-delimited export),
        where a title opening with ``"`` is text, not a quote to be closed.

    Yields
    ------
    line, cells : int, list of str
        The line a row starts on and its cells as written.

    Raises
    ------
    ReviewError
        For NUL characters (before any row), or on the line of the row the csv module cannot read: a quote never
        closed, text after a closing quote, a cell longer than ``csv.field_size_limit()``. Reading stops there:
        reading on would swallow the rest of the file into one cell.
    """
    refuse_nul(path, text, "save the file as UTF-8 text")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=quoted,
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _invalid_csv(path, start, error) from None
        yield start, cells
        start = reader.line_num + 1


def _blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def header_and_rows(path: str | Path, text: str, *, empty_hint: str, delimiter: str = ",",
                    quoted: bool = True) -> tuple[list[str], Iterator[Row]]:
    """The header of ``text`` (each name stripped) and its data rows, blank rows left out (``quoted`` as for
    :func:`csv_rows`).

    The rows are read as they are iterated; an unreadable row raises then (see :func:`csv_rows`), after the rows
    before it, so a caller may keep what was read.

    Raises
    ------
    ReviewError
        On line 1 (field ``header``) for a file without text or with a blank first line, with ``empty_hint``.
    """
    rows = csv_rows(path, text, delimiter=delimiter, quoted=quoted)
    first = next(rows, None)
    if first is None or _blank(first[1]):
        message = "the file is empty" if not text.strip() else "the first line is blank, not a header row"
        raise ReviewError(path, message, line=1, field="header", hint=empty_hint)
    header = [name.lstrip("\ufeff").strip() for name in first[1]]
    return header, ((line, cells) for line, cells in rows if not _blank(cells))


def ragged_row(path: str | Path, line: int, cells: Sequence[str], width: int, *,
               spreadsheet: bool = False) -> Problem | None:
    """The problem with a row whose number of cells is not the header's ``width``; None when it fits.

    With ``spreadsheet``, a row may stop early or trail empty cells (spreadsheet programs write both); only text
    past the last column is a problem.
    """
    count = len(cells)
    if spreadsheet:
        while count > width and not cells[count - 1].strip():
            count -= 1
        if count <= width:
            return None
    elif count == width:
        return None
    return Problem(str(path), line, "row", f"row has {count} cells, the header has {width}",
                   "quote cells that contain commas")


def _unique(path: Path, header: list[str]) -> list[str]:
    seen = set()
    for column in header:
        if column in seen:
            raise ReviewError(path, f"the column {column!r} appears twice", line=1, field=column or "header",
                              hint="give every column its own name")
        seen.add(column)
    return header


def read_sheet_rows(path: str | Path, *, hint: str = "save the sheet as CSV UTF-8") -> tuple[list[str], list[Row]]:
    """A sheet a reviewer exported (CSV in UTF-8 or UTF-16, or the first sheet of an XLSX workbook), as text.

    Returns
    -------
    header : list of str
        The column names, each stripped and each given once.
    rows : list of (int, list of str)
        Every row that is not blank, with the line it starts on, padded with empty cells to the header's width.

    Raises
    ------
    ReviewError
        For a missing file, an empty one, a column named twice, a row with text past the last column, or a file
        that cannot be read (see :func:`csv_rows`, :func:`synthesis.archives.read_workbook_rows`).
    """
    from synthesis.archives import read_workbook_rows

    path = Path(path)
    if not path.is_file():
        raise ReviewError(path, "no such file", field="file", hint="check the path")
    if path.suffix.lower() in _SPREADSHEETS:
        header, rows = read_workbook_rows(path)
        body: Iterable[Row] = ((line, cells) for line, cells in rows if not _blank(cells))
    else:
        text = decode_text(path, path.read_bytes(), hint, utf16=True)
        header, body = header_and_rows(path, text, empty_hint="export the sheet again with a header row")
    header = _unique(path, header)
    fitted = []
    for line, cells in body:
        problem = ragged_row(path, line, cells, len(header), spreadsheet=True)
        if problem:
            raise ReviewError(path, problem.message, line=line, field=problem.field, hint=problem.hint)
        fitted.append((line, (cells + [""] * len(header))[:len(header)]))
    return header, fitted


def squash(name: str) -> str:
    """A column name as matched: lower case, letters and digits only (``Publication Year`` -> ``publicationyear``)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def match_columns(path: str | Path, header: Sequence[str], synonyms: Mapping[str, Sequence[str]], *,
                  required: Sequence[str] = (), hint: str = "") -> dict[str, list[int]]:
    """Where each wanted column stands in ``header``, matching names loosely.

    Parameters
    ----------
    path : str or Path
        The file, as errors name it.
    header : sequence of str
        The file's column names.
    synonyms : mapping of str to sequence of str
        For each wanted column (the target), the names it may have, best first. Names match after
        :func:`squash`, so ``Source Title``, ``source_title`` and ``sourcetitle`` are one.
    required : sequence of str
        Targets the file must have.
    hint : str
        How to name the required columns, for the error when one is missing.

    Returns
    -------
    dict of str to list of int
        Each target's header positions, best synonym first (empty when the file has none of them).

    Raises
    ------
    ReviewError
        On line 1: for two columns that both read as one synonym of a target (``Title`` and ``TITLE``; a column
        named exactly as the synonym is taken over the other), or (field ``header``) for required targets without
        a column, listing the columns found.
    """
    squashed = [squash(name) for name in header]
    mapping: dict[str, list[int]] = {}
    for target, names in synonyms.items():
        positions: list[int] = []
        for name in names:
            found = [i for i, key in enumerate(squashed) if key == squash(name)]
            exact = [i for i in found if header[i].strip() == name]
            if len(found) > 1 and len(exact) != 1:
                first, second = (header[i] for i in found[:2])
                raise ReviewError(path, f"the columns {first!r} and {second!r} both read as the {target}", line=1,
                                  field=second, hint="rename or remove one of them")
            positions += [i for i in (exact or found) if i not in positions]
        mapping[target] = positions
    missing = [target for target in required if not mapping[target]]
    if missing:
        found = "columns found: " + (", ".join(header) or "none")
        raise ReviewError(path, f"no column for {', '.join(missing)}", line=1, field="header",
                          hint=f"{hint}; {found}" if hint else found)
    return mapping

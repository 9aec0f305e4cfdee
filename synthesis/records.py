"""Bibliographic records: one normalised schema, readers for database exports with format detection, writers.

Every reader returns every record of the file: a record that cannot be read completely is kept with what
could be read and reported as a :class:`~synthesis.errors.Problem` naming its line, never dropped.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from synthesis.archives import read_workbook_rows
from synthesis.errors import Problem, ReviewError
from synthesis.textfile import decode_text

__all__ = ["RECORD_FIELDS", "ImportResult", "detect_format", "read_records", "read_many", "normalise_doi",
           "first_year", "records_frame", "write_records_csv", "write_ris", "write_bibtex", "FORMATS"]

#: The normalised record schema every reader produces (lists are joined with "; " in CSV).
RECORD_FIELDS = ["record_id", "source_file", "line", "database", "format", "type", "title", "authors", "year",
                 "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "keywords", "url"]

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d|2100)")


def normalise_doi(value: str | None) -> str:
    """A bare lower-case DOI (``10.xxxx/...``) from a URL, ``doi:`` prefix or ``[doi]`` suffix; '' if none."""
    if not value:
        return ""
    match = _DOI.search(value.replace("%2F", "/").replace("%2f", "/"))
    if not match:
        return ""
    return match.group(0).rstrip(".,;").removesuffix("[doi]").strip().lower()


def first_year(value: str | None) -> int | None:
    """The first plausible four-digit year in a date field ('2016/09//', 'DEC 16 2020', '2017 Nov 15')."""
    match = _YEAR.search(value or "")
    return int(match.group(1)) if match else None


@dataclass
class ImportResult:
    """What a reader found in one file.

    Attributes
    ----------
    path : Path
    format : str
        The detected (or given) format name.
    records : list of dict
        One dict per record, keys of :data:`RECORD_FIELDS`.
    problems : list of Problem
        Records read only in part, and anything else a user should look at.
    """

    path: Path
    format: str
    records: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _record(path: Path, fmt: str, index: int, line: int | None, **values) -> dict:
    record = dict.fromkeys(RECORD_FIELDS, "")
    record.update(record_id=f"{path.stem}-{index:05d}", source_file=path.name, line=line, format=fmt)
    for key, value in values.items():
        if isinstance(value, list):
            value = "; ".join(filter(None, map(str.strip, value)))
        elif isinstance(value, str):
            value = value.strip()
        record[key] = value
    record["doi"] = normalise_doi(record["doi"]) if record["doi"] else normalise_doi(record["url"]) if record["url"] else ""
    year = record["year"]
    record["year"] = year if isinstance(year, int) else first_year(str(year or ""))
    if record["year"] is None and str(year or "").strip():
        record["_year_text"] = str(year).strip()
    return record


#: A field longer than this is refused: no bibliographic field is a mebibyte long, but a corrupted export is.
FIELD_LIMIT = 2**20


def _check_record(result: ImportResult, record: dict) -> None:
    for name, value in record.items():
        if isinstance(value, str) and len(value) > FIELD_LIMIT:
            raise ReviewError(result.path, f"a {len(value):,}-character {name} in the record starting here",
                              line=record["line"], field=name,
                              hint=f"fields over {FIELD_LIMIT:,} characters mean a corrupted export; export again")
    if record["year"] is None and record.get("_year_text"):
        result.problems.append(Problem(str(result.path), record["line"], "year",
                                       f"{record['_year_text']!r} is not a year; left empty",
                                       "give a four-digit year, or leave the cell empty"))
    record.pop("_year_text", None)
    if not (record["title"] or record["doi"] or record["authors"]):
        result.problems.append(Problem(str(result.path), record["line"], "title",
                                       "record has no title, authors or DOI; kept as it is",
                                       "check this record in the database the file came from"))


# --- tagged formats: RIS, MEDLINE (.nbib), Web of Science (CIW and tagged text) -------------------------------

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- (.*)$")
_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$|^(ER|EF)\s*$")

_RIS_FIELDS = {
    "TY": "type", "TI": "title", "T1": "title", "CT": "title", "BT": "title",
    "AU": "authors", "A1": "authors",
    "PY": "year", "Y1": "year", "DA": "year",
    "JF": "journal", "T2": "journal", "JO": "journal", "JA": "journal_abbrev", "J2": "journal_abbrev",
    "VL": "volume", "IS": "issue", "SP": "start_page", "EP": "end_page",
    "DO": "doi", "AB": "abstract", "N2": "abstract", "KW": "keywords", "UR": "url", "L2": "url",
}
_LIST_FIELDS = {"authors", "keywords", "url"}


def _pages(start: str, end: str) -> str:
    start, end = (start or "").strip(), (end or "").strip()
    return f"{start}-{end}" if start and end and end != start else start or end


def _fields_to_record(fields: dict[str, list[str]], mapping: dict[str, str]) -> dict:
    values: dict[str, list[str]] = {}
    for tag, items in fields.items():
        target = mapping.get(tag)
        if target:
            values.setdefault(target, []).extend(items)
    single = {k: (v if k in _LIST_FIELDS else v[0]) for k, v in values.items()}
    abbreviation = single.pop("journal_abbrev", "")
    journal = single.pop("journal", "") or abbreviation
    pages = _pages(single.pop("start_page", ""), single.pop("end_page", ""))
    return {**single, "journal": journal, "pages": single.get("pages", pages) or pages}


def _read_ris(path: Path, text: str, result: ImportResult) -> None:
    fields: dict[str, list[str]] = {}
    last: str | None = None
    start: int | None = None

    def close(line_number: int | None, terminated: bool) -> None:
        nonlocal fields, last, start
        if start is None:
            return
        record = _record(path, "ris", len(result.records) + 1, start, **_fields_to_record(fields, _RIS_FIELDS))
        if fields.get("ID") and fields["ID"][0].strip():
            record["record_id"] = fields["ID"][0].strip()
        if not terminated:
            result.problems.append(Problem(str(path), start, "ER", "record has no ER line; read to the next record",
                                           "the export may be truncated"))
        result.records.append(record)
        _check_record(result, record)
        fields, last, start = {}, None, None

    # Split on newlines only: splitlines() would also break lines at form feeds and other separators that
    # occur inside abstracts, and is slower.
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        # A tag line is "XY  - value": checked by slicing, which is much faster than a regex per line.
        tag = line[:2]
        if line[2:5] == "  -" and tag.isupper() and tag.isalnum() and (len(line) == 5 or line[5] == " "):
            value = line[6:].strip()
            if tag == "ER":
                close(number, True)
                continue
            if tag == "TY" and start is not None:
                close(number, False)
            if start is None:
                start = number
            if tag in fields:
                fields[tag].append(value)
            else:
                fields[tag] = [value]
            last = tag
        elif start is not None and last and line.strip():
            # A line without a tag continues the previous field (multi-line abstracts and notes).
            fields[last][-1] = f"{fields[last][-1]} {line.strip()}".strip()
    close(None, False)


_MEDLINE_FIELDS = {
    "PT": "type", "TI": "title", "AU": "authors", "DP": "year", "JT": "journal", "TA": "journal_abbrev",
    "VI": "volume", "IP": "issue", "PG": "pages", "AB": "abstract", "MH": "keywords", "OT": "keywords",
    "PMID": "pmid",
}


def _read_medline(path: Path, text: str, result: ImportResult) -> None:
    fields: dict[str, list[str]] = {}
    last, start = None, None

    def close() -> None:
        nonlocal fields, last, start
        if start is None:
            return
        doi = next((v for key in ("LID", "AID") for v in fields.get(key, []) if "[doi]" in v), "")
        record = _record(path, "medline", len(result.records) + 1, start,
                         **_fields_to_record(fields, _MEDLINE_FIELDS), doi=doi)
        result.records.append(record)
        _check_record(result, record)
        fields, last, start = {}, None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = _MEDLINE_TAG.match(line)
        if match:
            tag, value = match.group(1), match.group(2).strip()
            if tag == "PMID" and start is not None:
                close()
            if start is None:
                start = number
            fields.setdefault(tag, []).append(value)
            last = tag
        elif line.startswith("      ") and last and start is not None:
            fields[last][-1] = f"{fields[last][-1]} {line.strip()}"
        elif not line.strip():
            continue
    close()


_WOS_FIELDS = {
    "PT": "type", "TI": "title", "AU": "authors", "PY": "year", "SO": "journal", "J9": "journal_abbrev",
    "VL": "volume", "IS": "issue", "BP": "start_page", "EP": "end_page", "AR": "article_number",
    "DI": "doi", "PM": "pmid", "AB": "abstract", "DE": "keywords",
}
_WOS_ONE_ITEM_PER_LINE = {"AU", "AF", "CR", "C1"}


def _read_wos_tagged(path: Path, text: str, result: ImportResult) -> None:
    fields: dict[str, list[str]] = {}
    last, start = None, None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("   ") and last and start is not None:
            if last in _WOS_ONE_ITEM_PER_LINE:
                fields[last].append(line.strip())
            else:
                fields[last][-1] = f"{fields[last][-1]} {line.strip()}"
            continue
        match = _WOS_TAG.match(line)
        if not match:
            continue
        tag = match.group(1) or match.group(3)
        if tag in ("FN", "VR", "EF"):
            continue
        if tag == "ER":
            values = _fields_to_record(fields, _WOS_FIELDS)
            article = values.pop("article_number", "")
            values["pages"] = values.get("pages") or article
            record = _record(path, "wos", len(result.records) + 1, start, **values)
            result.records.append(record)
            _check_record(result, record)
            fields, last, start = {}, None, None
            continue
        if start is None:
            start = number
        fields.setdefault(tag, []).append(match.group(2).strip())
        last = tag
    if start is not None:
        result.problems.append(Problem(str(path), start, "ER", "record has no ER line; read to the end of the file",
                                       "the export may be truncated"))
        values = _fields_to_record(fields, _WOS_FIELDS)
        values["pages"] = values.get("pages") or values.pop("article_number", "")
        values.pop("article_number", None)
        result.records.append(_record(path, "wos", len(result.records) + 1, start, **values))


# --- BibTeX ----------------------------------------------------------------------------------------------------

def _strip_braces(value: str) -> str:
    """A BibTeX value without its grouping braces; escaped braces (``\\{``, ``\\}``) are kept as text."""
    value = value.replace("\\{", "\x01").replace("\\}", "\x02").replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", value.replace("\x01", "{").replace("\x02", "}")).strip()


def _read_bibtex(path: Path, text: str, result: ImportResult) -> None:
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    # The parser logs every failed block itself; the failures come back below as located problems instead.
    parser_log = logging.getLogger("bibtexparser")
    level = parser_log.level
    parser_log.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        parser_log.setLevel(level)
    entries = [(entry, None) for entry in library.entries]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateFieldKeyBlock):
            keys = ", ".join(sorted(block.duplicate_keys))
            entries.append((block.ignore_error_block, f"field(s) {keys} appear twice; the first value is kept"))
        elif isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            entries.append((block.ignore_error_block, f"the key {block.key!r} repeats an earlier entry's; "
                                                      "kept as a record of its own"))
        else:
            line = getattr(block, "start_line", None)
            reason = str(block.error) or type(block.error).__name__
            opening = " ".join(block.raw.split())[:60]
            result.problems.append(Problem(str(path), (line or 0) + 1, "entry",
                                           f"entry could not be parsed ({reason}): {opening!r}",
                                           "check the braces, commas and quotes of this entry; it is kept as an "
                                           "unparsed record so that it is not lost"))
            result.records.append(_record(path, "bibtex", len(result.records) + 1, (line or 0) + 1,
                                          title="", type="unparsed"))
    for entry, note in sorted(entries, key=lambda pair: pair[0].start_line):
        fields = {k.lower(): _strip_braces(str(v.value)) for k, v in entry.fields_dict.items()}
        record = _record(path, "bibtex", len(result.records) + 1, entry.start_line + 1,
                         type=entry.entry_type, title=fields.get("title", ""),
                         authors=[a for a in re.split(r"\s+and\s+", fields.get("author", "")) if a],
                         year=fields.get("year", ""), journal=fields.get("journal") or fields.get("booktitle", ""),
                         volume=fields.get("volume", ""), issue=fields.get("number", ""), pages=fields.get("pages", ""),
                         doi=fields.get("doi", ""), pmid=fields.get("pmid", ""), abstract=fields.get("abstract", ""),
                         keywords=[k for k in re.split(r";|,", fields.get("author_keywords") or fields.get("keywords", ""))],
                         url=fields.get("url", ""))
        if note:
            result.problems.append(Problem(str(path), record["line"], "entry", note, "the export repeats it"))
        result.records.append(record)
        _check_record(result, record)
    result.records.sort(key=lambda r: r["line"] or 0)
    for index, record in enumerate(result.records, start=1):
        record["record_id"] = f"{path.stem}-{index:05d}"


# --- delimited and spreadsheet formats ---------------------------------------------------------------------------

_COLUMN_SYNONYMS = {
    "record_id": ["id", "key", "recordid", "ut", "eid", "an"],
    "title": ["title", "articletitle", "documenttitle", "ti", "t1"],
    "authors": ["authors", "author", "au", "a1"],
    "year": ["year", "publicationyear", "py", "pubyear", "y1", "date", "da"],
    "journal": ["journal", "sourcetitle", "publicationtitle", "so", "jo", "jf", "t2", "secondarytitle", "journalname",
                "booktitle"],
    "volume": ["volume", "vl"],
    "issue": ["issue", "number", "is"],
    "pages": ["pages", "page", "pg"],
    "start_page": ["pagestart", "startpage", "bp", "sp"],
    "end_page": ["pageend", "endpage", "ep"],
    "doi": ["doi", "di", "do"],
    "pmid": ["pmid", "pubmedid", "pm"],
    "abstract": ["abstract", "abstractnote", "ab", "n2"],
    "keywords": ["keywords", "authorkeywords", "manualtags", "de", "kw"],
    "type": ["type", "documenttype", "itemtype", "entrytype", "pt", "ty"],
    "url": ["url", "link", "ur"],
}


def _column_map(header: list[str]) -> dict[str, list[int]]:
    """For each record field, the header positions that can fill it, best first."""
    squashed = [re.sub(r"[^a-z0-9]", "", h.lower()) for h in header]
    mapping = {}
    for target, synonyms in _COLUMN_SYNONYMS.items():
        found = [squashed.index(s) for s in synonyms if s in squashed]
        if found:
            mapping[target] = found
    return mapping


def _rows_to_records(path: Path, fmt: str, header: list[str], rows: Iterable[tuple[int, list[str]]],
                     result: ImportResult) -> None:
    mapping = _column_map(header)
    if "title" not in mapping and "doi" not in mapping:
        raise ReviewError(path, "no title or DOI column", line=1, field="header",
                          hint="name a column Title (or TI) and one DOI; columns found: " + ", ".join(header[:12]))
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.problems.append(Problem(str(path), line, "row", f"row has {len(cells)} cells, the header has "
                                           f"{len(header)}; read as far as the cells go", "quote cells with commas"))
        value = {name: next((cells[i] for i in columns if i < len(cells) and cells[i].strip()), "")
                 for name, columns in mapping.items()}
        authors = value.get("authors", "")
        split = re.split(r"\s+and\s+|;\s*", authors) if (" and " in authors or ";" in authors) else [authors]
        record = _record(path, fmt, len(result.records) + 1, line, **{
            k: v for k, v in value.items() if k not in ("record_id", "start_page", "end_page", "authors", "pages")},
            authors=split, pages=value.get("pages") or _pages(value.get("start_page", ""), value.get("end_page", "")))
        if value.get("record_id"):
            record["record_id"] = value["record_id"].strip()
        result.records.append(record)
        _check_record(result, record)


def _read_delimited(path: Path, text: str, result: ImportResult, delimiter: str) -> None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ReviewError(path, "the file is empty", line=1, field="header",
                          hint="export again with a header row") from None
    except csv.Error as exc:
        raise ReviewError(path, f"not valid CSV: {exc}", line=1, field="header", hint="check quoting") from None

    def rows():
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # Reading on would swallow the rest of the file into one cell: stop, and lose nothing silently.
                raise ReviewError(path, f"not valid CSV: {exc}", line=line, field="row",
                                  hint="a quote opened on this row is never closed; check its quoting") from None
            yield line, cells
            line = reader.line_num + 1

    _rows_to_records(path, result.format, [h.strip().lstrip("\ufeff") for h in header], rows(), result)


def _read_xlsx(path: Path, result: ImportResult) -> None:
    header, rows = read_workbook_rows(path)
    _rows_to_records(path, "xlsx", header, rows, result)


def _read_endnote_xml(path: Path, text: str, result: ImportResult) -> None:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise ReviewError(path, f"not well-formed XML: {exc}", line=exc.position[0] if exc.position else None,
                          field="xml", hint="export again from EndNote as XML") from None
    except DefusedXmlException as exc:
        raise ReviewError(path, f"refused: the XML declares entities ({type(exc).__name__})", line=1,
                          field="xml", hint="EndNote exports declare no entities; a file with them may be an attack "
                                            "(external entities, entity expansion)") from None

    def texts(node, xpath):
        return ["".join(e.itertext()).strip() for e in node.findall(xpath)]

    for record_node in root.iter("record"):
        def first(xpath, node=record_node):
            return next(iter(texts(node, xpath)), "")

        ref_type = record_node.find("ref-type")
        record = _record(path, "endnote-xml", len(result.records) + 1, None,
                         type=ref_type.get("name", "") if ref_type is not None else "",
                         title=first("titles/title"), authors=texts(record_node, "contributors/authors/author"),
                         year=first("dates/year"), journal=first("titles/secondary-title") or first("periodical/full-title"),
                         volume=first("volume"), issue=first("number"), pages=first("pages"),
                         doi=first("electronic-resource-num"), abstract=first("abstract"),
                         keywords=texts(record_node, "keywords/keyword"), url=first("urls/related-urls/url"))
        result.records.append(record)
        _check_record(result, record)


# --- detection and dispatch --------------------------------------------------------------------------------------

FORMATS = ["ris", "medline", "wos", "bibtex", "csv", "tsv", "xlsx", "endnote-xml"]


def _decode(path: Path, data: bytes) -> str:
    return decode_text(path, data, "export again as UTF-8, or convert the file (e.g. from Latin-1) first", utf16=True)


def detect_format(path: str | Path, text: str | None = None) -> str:
    """The export format of a file, from its content (the extension only breaks ties).

    Returns one of :data:`FORMATS`; raises :class:`ReviewError` when no format fits.
    """
    path = Path(path)
    with path.open("rb") as handle:
        head_bytes = handle.read(4)
    if head_bytes.startswith(b"PK"):
        return "xlsx"
    if text is None:
        text = _decode(path, path.read_bytes())
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    head = "\n".join(lines[:60])
    if head.lstrip().startswith("<?xml") or "<records>" in head[:2000]:
        return "endnote-xml"
    if any(line.startswith(("FN ", "VR ", "PT ")) for line in lines[:3]):
        return "wos"
    if any(re.match(r"^PMID- ?\d", line) for line in lines[:20]):
        return "medline"
    if any(_RIS_TAG.match(line) for line in lines):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", head, re.MULTILINE):
        return "bibtex"
    first = lines[0] if lines else ""
    if "\t" in first:
        return "tsv"
    if "," in first or path.suffix.lower() == ".csv":
        return "csv"
    raise ReviewError(path, "the format could not be recognised", line=1, field="format",
                      hint="supported: RIS, MEDLINE/.nbib, Web of Science, BibTeX, CSV, TSV, XLSX, EndNote XML")


_READERS: dict[str, Callable[[Path, str, ImportResult], None]] = {
    "ris": _read_ris, "medline": _read_medline, "wos": _read_wos_tagged, "bibtex": _read_bibtex,
    "csv": lambda p, t, r: _read_delimited(p, t, r, ","), "tsv": lambda p, t, r: _read_delimited(p, t, r, "\t"),
    "endnote-xml": _read_endnote_xml,
}


def read_records(path: str | Path, fmt: str | None = None, database: str = "") -> ImportResult:
    """Read every record of one export.

    Parameters
    ----------
    path : str or Path
        The export, as downloaded (it is never modified).
    fmt : str, optional
        One of :data:`FORMATS`; detected from the content when not given.
    database : str
        The database the export came from, stored on each record.

    Returns
    -------
    ImportResult

    Raises
    ------
    ReviewError
        When the file cannot be read at all (missing, not text, unknown format).
    """
    path = Path(path)
    if not path.is_file():
        raise ReviewError(path, "no such file", field="file", hint="check the path")
    if fmt is not None and fmt not in FORMATS:
        raise ReviewError(path, f"unknown format {fmt!r}", field="format", hint="one of: " + ", ".join(FORMATS))
    if fmt == "xlsx" or (fmt is None and detect_format(path) == "xlsx"):
        result = ImportResult(path, "xlsx")
        _read_xlsx(path, result)
    else:
        text = _decode(path, path.read_bytes())
        result = ImportResult(path, fmt or detect_format(path, text))
        _READERS[result.format](path, text, result)
    if not result.records:
        raise ReviewError(path, f"no records in this {result.format} file", line=1, field="records",
                          hint="the export may have failed or be empty; export the search results again")
    seen: dict[str, int] = {}
    for index, record in enumerate(result.records, start=1):
        record["database"] = database
        if record["record_id"] in seen:
            result.problems.append(Problem(str(path), record["line"], "ID", f"id {record['record_id']!r} repeats the "
                                           f"record on line {seen[record['record_id']]}; numbered instead",
                                           "ids in one export should be unique"))
            record["record_id"] = f"{path.stem}-{index:05d}"
        seen.setdefault(record["record_id"], record["line"])
        record.pop("_year_text", None)
    return result


def read_many(paths: Iterable[str | Path]) -> tuple[list[ImportResult], pd.DataFrame]:
    """Read several exports; returns each file's result and all records in one table (ids kept unique)."""
    results = [read_records(p) for p in paths]
    frame = records_frame([r for result in results for r in result.records])
    if frame["record_id"].duplicated().any():
        # Ids repeat across files (two exports numbered alike): prefix each with its file's position.
        file_number = [n for n, result in enumerate(results, start=1) for _ in result.records]
        frame["record_id"] = [f"f{n}:{rid}" for n, rid in zip(file_number, frame["record_id"])]
    return results, frame


def records_frame(records: list[dict]) -> pd.DataFrame:
    """Records as a DataFrame with the columns of :data:`RECORD_FIELDS` in order."""
    frame = pd.DataFrame.from_records(records, columns=RECORD_FIELDS)
    frame["year"] = frame["year"].astype("Int64")
    frame["line"] = frame["line"].astype("Int64")
    return frame


def write_records_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write records as CSV (UTF-8, the columns of :data:`RECORD_FIELDS`), atomically."""
    from synthesis.outputs import write_text_atomic

    write_text_atomic(Path(path), frame[RECORD_FIELDS].to_csv(index=False, lineterminator="\n"))


_RIS_OUT = [("TY", "type"), ("ID", "record_id"), ("TI", "title"), ("AU", "authors"), ("PY", "year"), ("JO", "journal"), ("VL", "volume"),
            ("IS", "issue"), ("SP", "pages"), ("DO", "doi"), ("AB", "abstract"), ("KW", "keywords"), ("UR", "url"),
            ("AN", "pmid")]


def write_ris(frame: pd.DataFrame, path: str | Path) -> None:
    """Write records as RIS (one line per author and keyword), atomically."""
    from synthesis.outputs import write_text_atomic

    lines = []
    for record in frame.to_dict("records"):
        for tag, column in _RIS_OUT:
            value = record.get(column)
            if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
                if tag == "TY":
                    lines.append("TY  - GEN")
                continue
            value = str(value)
            if tag == "TY":
                value = _RIS_TYPES.get(value.lower(), value.upper() if re.fullmatch(r"[A-Za-z]{3,5}", value) else "GEN")
            items = value.split("; ") if column in ("authors", "keywords") else [value]
            lines.extend(f"{tag}  - {unicodedata.normalize('NFC', item).replace(chr(10), ' ')}" for item in items)
        lines.append("ER  - ")
        lines.append("")
    write_text_atomic(Path(path), "\n".join(lines))


_BIBTEX_OUT = [("title", "title"), ("author", "authors"), ("year", "year"), ("journal", "journal"),
               ("volume", "volume"), ("number", "issue"), ("pages", "pages"), ("doi", "doi"), ("pmid", "pmid"),
               ("abstract", "abstract"), ("keywords", "keywords"), ("url", "url")]
_BIBTEX_TYPES = {"jour": "article", "journal article": "article", "article": "article", "thes": "phdthesis",
                 "thesis": "phdthesis", "rprt": "techreport", "report": "techreport", "book": "book",
                 "chap": "incollection", "chapter": "incollection", "conf": "inproceedings",
                 "inproceedings": "inproceedings"}


def _bibtex_value(text: str) -> str:
    return "{" + text.replace("{", "\\{").replace("}", "\\}").replace("\n", " ") + "}"


def write_bibtex(frame: pd.DataFrame, path: str | Path) -> None:
    """Write records as BibTeX (keys from ``record_id``, made unique), atomically.

    Values are braced, with literal braces escaped; authors are joined with ``and``.
    """
    from synthesis.outputs import write_text_atomic

    entries, keys = [], set()
    for index, record in enumerate(frame.to_dict("records"), start=1):
        key = re.sub(r"[^A-Za-z0-9_.:-]+", "", str(record.get("record_id") or "")) or f"record{index}"
        while key in keys:
            key = f"{key}-{index}"
        keys.add(key)
        kind = _BIBTEX_TYPES.get(str(record.get("type") or "").lower(), "misc")
        fields = []
        for name, column in _BIBTEX_OUT:
            value = record.get(column)
            if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
                continue
            value = unicodedata.normalize("NFC", str(value))
            if column == "authors":
                value = " and ".join(part.strip() for part in value.split("; ") if part.strip())
            fields.append(f"  {name} = {_bibtex_value(value)}")
        entries.append(f"@{kind}{{{key},\n" + ",\n".join(fields) + "\n}\n")
    write_text_atomic(Path(path), "\n".join(entries))


_RIS_TYPES = {"article": "JOUR", "journal article": "JOUR", "j": "JOUR", "thesis": "THES", "report": "RPRT",
              "book": "BOOK", "chapter": "CHAP", "inproceedings": "CONF", "conference paper": "CPAPER"}

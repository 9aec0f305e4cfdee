"""Bibliographic records: one normalised schema, readers for database exports with format detection, writers.

Every reader returns every record of the file: a record that cannot be read completely is kept with what
could be read and reported as a :class:`~synthesis.errors.Problem` naming its line, never dropped. A *problem*
means data may be lost or wrong; what databases routinely write (month-only dates beside a year, a field
repeated with the same value, notes between records, a Windows encoding) is read and at most listed as a *note*.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from synthesis import registry
from synthesis.archives import read_workbook_rows
from synthesis.csvrows import header_and_rows, match_columns, ragged_row, squash
from synthesis.errors import Problem, ReviewError
from synthesis.textfile import decode_export

__all__ = ["RECORD_FIELDS", "ImportResult", "detect_format", "read_records", "read_many", "combine_results",
           "normalise_doi", "first_year", "records_frame", "write_records_csv", "write_ris", "write_bibtex", "FORMATS",
           "compare_imports", "export_problems", "save_record_files", "read_review_file"]

#: The normalised record schema every reader produces (lists are joined with "; " in CSV).
RECORD_FIELDS = ["record_id", "source_file", "line", "database", "format", "type", "title", "authors", "year",
                 "journal", "volume", "issue", "pages", "doi", "pmid", "abstract", "keywords", "url"]

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d|2100)")


# What a publisher's address adds after the DOI it holds (".../10.1002/x.1/full", ".../10.1007/s1.pdf").
_URL_SUFFIX = re.compile(r"(?i)(?:/(?:full|abstract|abs|pdf|epdf|pdfdirect|fulltext|html|meta|summary|references)"
                         r"|\.pdf)+/?$")


def normalise_doi(value: str | None) -> str:
    """A bare lower-case DOI (``10.xxxx/...``) from a URL, ``doi:`` prefix or ``[doi]`` suffix; '' if none.

    In an address the DOI ends at the query (``?``, ``&``, ``#``: an OpenURL's ``rft_id=info:doi/...&...``), and
    the view a publisher's address names after it (``/full``, ``/abstract``, ``.pdf``) is not part of it.
    """
    if not value:
        return ""
    value = value.replace("%2F", "/").replace("%2f", "/")
    match = _DOI.search(value)
    if not match:
        return ""
    doi = match.group(0)
    if "://" in value or value.lstrip().lower().startswith("www."):
        doi = _URL_SUFFIX.sub("", re.split(r"[?&#]", doi, maxsplit=1)[0])
    doi = doi.rstrip(".,;").removesuffix("[doi]").strip()
    if doi.endswith(">") and "<" not in doi:
        doi = doi.rstrip(">")
    return doi.lower()


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
        Where data may be lost or wrong: a record cut short, a field that cannot be read. They fail the
        import's exit status and ``synthesis check``.
    notes : list of Problem
        What the reader did with what databases routinely write (the encoding it read, text between records,
        a date without a year, a repeated field); they change nothing in the exit status.
    encoding : str
        The encoding the file was read in.
    trailing : dict
        Text standing between a record's end and the next record (Ovid's ``NL`` lines, links), by record id.
    """

    path: Path
    format: str
    records: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"
    trailing: dict[str, str] = field(default_factory=dict)


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
    record["pages"] = _clean_pages(record["pages"]) if isinstance(record["pages"], str) else record["pages"]
    # Ovid writes the PMID with its link: "32826505 [https://www.ncbi.nlm.nih.gov/pubmed/?term=32826505]".
    if "[" in str(record["pmid"] or ""):
        pmid = re.match(r"\s*(\d+)\s*\[", str(record["pmid"]))
        record["pmid"] = pmid.group(1) if pmid else record["pmid"]
    # The year may stand in any of a record's date fields (PY, Y1, DA, DP, PD): the first that holds one gives it.
    dates = values.get("year")
    dates = [str(d or "") for d in dates] if isinstance(dates, list) else [dates]
    years = [d if isinstance(d, int) else first_year(str(d or "")) for d in dates]
    record["year"] = next((y for y in years if y is not None), None)
    written = next((str(d).strip() for d in dates if str(d or "").strip()), "")
    if record["year"] is None and written:
        record["_year_text"] = written
    return record


# A date without its year as databases write it: "AUG", "FEB 28", "MAR-APR", "Spring", "Summer/Fall", "//".
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|spring|summer|autumn|fall|winter"
          r"|(?:1st|2nd|3rd|4th) quarter")
_PARTIAL_DATE = re.compile(rf"(?i)[\s/.,-]*(?:(?:{_MONTH}|\d{{1,2}})[\s/.,-]*)*(?:{_MONTH})[\s/.,-]*(?:\d{{1,2}}[\s/.,-]*)*"
                           r"|[\s/.,-]+")

#: A field longer than this is refused: no bibliographic field is a mebibyte long, but a corrupted export is.
FIELD_LIMIT = 2**20


def _field_line(field_lines: tuple[dict, dict] | None, name: str, default: int | None) -> int | None:
    """The first line of a record's tags that give field ``name``; ``default`` where no tag is known."""
    if not field_lines:
        return default
    lines, mapping = field_lines
    return min((number for tag, number in lines.items() if mapping.get(tag) == name), default=default)


def _check_record(result: ImportResult, record: dict) -> None:
    for name, value in record.items():
        if isinstance(value, str) and len(value) > FIELD_LIMIT:
            raise ReviewError(result.path, f"a {len(value):,}-character {name} in the record starting here",
                              line=record["line"], field=name,
                              hint=f"fields over {FIELD_LIMIT:,} characters mean a corrupted export; export again")
    # The line of the field itself where a tagged reader knows it, else the record's first line.
    field_lines = record.pop("_field_lines", None)
    if record["year"] is None and record.get("_year_text"):
        written, line = record["_year_text"], _field_line(field_lines, "year", record["line"])
        if _PARTIAL_DATE.fullmatch(written):
            result.notes.append(Problem(str(result.path), line, "year", f"the date {written!r} has no "
                                        "year; year left empty", "the database gives no year for this record"))
        else:
            result.problems.append(Problem(str(result.path), line, "year",
                                           f"{written!r} is not a year; left empty",
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
    # (DP is the database provider in RIS, not a date; MEDLINE's DP is read by the MEDLINE reader.)
    "PY": "year", "Y1": "year", "DA": "year", "PD": "year",
    "JF": "journal", "T2": "journal", "JO": "journal", "JA": "journal_abbrev", "J2": "journal_abbrev",
    "VL": "volume", "IS": "issue", "SP": "start_page", "EP": "end_page",
    "DO": "doi", "AB": "abstract", "N2": "abstract", "KW": "keywords", "UR": "url", "L2": "url",
    "C7": "article_number",
}
# Tags of one item each (an author, a keyword): a line without a tag below one is the next item, as exporters that
# write "KW  - first" and then one keyword per line mean it.
_RIS_ITEM_TAGS = {"AU", "A1", "A2", "A3", "A4", "KW"}
_LIST_FIELDS = {"authors", "keywords", "url"}


def _pages(start: str, end: str) -> str:
    start, end = (start or "").strip(), (end or "").strip()
    return f"{start}-{end}" if start and end and end != start else start or end


# What databases write where a record has no pages (Ovid's "No Pagination Specified", split by RIS into SP "No"
# and EP "Specified"), and the "pp" some (TRID) write before them.
_NO_PAGES = re.compile(r"(?i)no[\s-]+(?:pagination[\s-]*)?(?:specified|given)?|no pagination|n\.?\s?p\.?|\[?no pages\]?")
_PAGES_PREFIX = re.compile(r"(?i)^p{1,2}\.?\s*(?=\d)")


def _clean_pages(pages: str) -> str:
    pages = pages.strip()
    if not pages or pages[0].isdigit():
        return pages
    return "" if _NO_PAGES.fullmatch(pages) else _PAGES_PREFIX.sub("", pages)


_COPYRIGHT = re.compile(r"(?i)^(?:copyright\b|\(c\)|\u00a9)")


def _abstracts(values: list[str]) -> str:
    """A record's abstracts as one text: both of an abstract in two languages (SciELO writes "ABSTRACT ..." and
    "RESUMO ..."), without the copyright notice EBSCO adds as an abstract of its own."""
    texts = list(dict.fromkeys(v for v in values if v.strip()))
    kept = [v for v in texts if not _COPYRIGHT.match(v.strip())] or texts[:1]
    return " ".join(kept)


def _fields_to_record(fields: dict[str, list[str]], mapping: dict[str, str]) -> dict:
    values: dict[str, list[str]] = {}
    for tag, items in fields.items():
        target = mapping.get(tag)
        if target:
            values.setdefault(target, []).extend(items)
    single = {k: (v if k in _LIST_FIELDS or k == "year" else _abstracts(v) if k == "abstract" and len(v) > 1
                  else v[0]) for k, v in values.items()}
    abbreviation = single.pop("journal_abbrev", "")
    journal = single.pop("journal", "") or abbreviation
    pages = _pages(single.pop("start_page", ""), single.pop("end_page", ""))
    # Journals that number their articles instead of paging them: the number stands where the pages would.
    article = single.pop("article_number", "")
    return {**single, "journal": journal, "pages": single.get("pages", pages) or pages or article}


# Tags that only a record carries: one of them after an ER begins a record that lacks its TY line, where a
# note tag (NL, N1, L1 ...) or a bare line after an ER belongs to the record before.
_BIBLIOGRAPHIC_TAGS = {"TI", "T1", "AU", "A1", "DO", "PY", "JO", "JF", "T2", "AB"}
# A record's number as Ovid writes it: "1.", "<1>", "<3001. >".
_OVID_NUMBER = re.compile(r"^\s*(?:<\s*\d+\s*\.?\s*>|\d+\.?)\s*$")

#: Ovid's tagged ("Medlars"/"Reprint") export, records numbered ``<1. >`` without TY or ER lines: its tags mean
#: what Ovid's field guides say (IS the ISSN, VO/VI volume, IP issue, PG pages, SO the source, YR the year, UI the
#: PubMed id, AN the accession number), not what the same two letters mean in RIS.
_OVID_TAGGED_FIELDS = {
    "PT": "type", "DT": "type", "TI": "title", "AU": "authors", "YR": "year", "DP": "year", "PY": "year",
    "JN": "journal", "JT": "journal", "JF": "journal", "TA": "journal_abbrev", "SO": "source",
    "VO": "volume", "VI": "volume", "IP": "issue", "PG": "pages", "DO": "doi", "DI": "doi", "UI": "pmid",
    "AB": "abstract", "KW": "keywords", "MH": "keywords", "XL": "url", "UR": "url",
}
# Ovid's source line: "Forest Ecology & Management. 201(2-3):327-334, November 15, 2004."; in Embase
# "BMJ Open. 9 (3) (pp 1-10), 2019."; in PsycInfo "Frontiers in Psychology. Vol.6, 2015, ArtID 953.".
_OVID_SOURCE = re.compile(r"\.\s+(?:Vol\.?\s*)?(?P<volume>\d+)\s*(?=[(:,])"
                          r"(?:\((?!\s*pp\b)(?P<issue>[^)]*)\))?\s*(?::\s*(?P<pages>[\w-]+)|\(\s*pp\s*(?P<pp>[^)]+)\))?"
                          r"(?:.*?\bArtID:?\s*(?P<article>\w+))?")


def _ris_tag(line: str) -> str | None:
    """The tag of an RIS line ("XY  - value"), checked by slicing: much faster than a regex per line."""
    tag = line[:2]
    if line[2:5] == "  -" and tag.isupper() and tag.isalnum() and (len(line) == 5 or line[5] == " "):
        return tag
    return None


def _read_ris(path: Path, text: str, result: ImportResult) -> None:
    """RIS: a record begins at TY (or, in Ovid files, at a numbered line followed by tags) and ends at ER.

    What stands between an ER and the next record (Ovid's ``NL`` lines, "Link to the Ovid Full Text" lines,
    the next record's number) is the previous record's trailing text, never a record of its own. In a file
    with neither TY nor numbered lines, any tag after an ER begins a record.
    """
    # Split on newlines only: splitlines() would also break lines at form feeds and other separators that
    # occur inside abstracts, and is slower.
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    records = _RisRecords(path, result, lines)
    for number, line in enumerate(lines, start=1):
        tag = _ris_tag(line)
        if records.start is None and not records.begins(number, line, tag):
            continue
        records.add(number, line, tag)
    if records.start is not None:
        records.close(terminated=records.ovid_tagged, at_end=True)
    records.keep_trailing()
    if result.trailing:
        first = min(result.trailing)
        result.notes.append(Problem(str(path), None, "ER", f"text after ER kept as the trailing text of "
                                    f"{len(result.trailing)} record(s) (e.g. {first}: "
                                    f"{result.trailing[first][:60]!r})", "database notes between records"))


def _database_identifiers(fields: dict[str, list[str]], record: dict, ovid_tagged: bool) -> None:
    """The record id and PubMed id of an RIS or Ovid record, from the tags whose meaning depends on the database:
    AN is the accession number (the PMID when the database is PubMed or MEDLINE), Ovid's UI the PMID only in
    MEDLINE (Embase's own number elsewhere), Embase's C5 the MEDLINE PMID."""
    if not ovid_tagged and "AN" not in fields and "C5" not in fields:
        if fields.get("ID") and fields["ID"][0].strip():
            record["record_id"] = fields["ID"][0].strip()
        return

    def value(tag: str) -> str:
        return fields[tag][0].strip() if fields.get(tag) and fields[tag][0].strip() else ""

    names = " ".join(value(tag) for tag in ("DB", "DP")).lower()
    medline = any(name in names for name in ("medline", "pubmed", "nlm"))
    identifier = value("ID") or (value("AN") or value("UI") if ovid_tagged else "")
    if identifier:
        record["record_id"] = identifier
    pmid = record["pmid"] if (medline or not ovid_tagged) else ""
    if not pmid and medline and value("AN").isdigit():
        pmid = value("AN")
    if not pmid and "embase" in names and value("C5").isdigit():
        pmid = value("C5")
    record["pmid"] = pmid


class _RisRecords:
    """The records of an RIS file as its lines are read: the open record's fields, the line it starts on
    (``start``, None between records) and the text standing after the last record closed."""

    def __init__(self, path: Path, result: ImportResult, lines: list[str]) -> None:
        self.path, self.result = path, result
        self.has_ty = any(line.startswith("TY  -") for line in lines)
        self.has_er = any(line[:5] == "ER  -" for line in lines)
        self.numbered = not self.has_ty and any(_OVID_NUMBER.match(line) for line in lines)
        # Ovid's tagged export: records that end where the next number stands, fields in Ovid's meanings.
        self.ovid_tagged = self.numbered and not self.has_er
        self.fields: dict[str, list[str]] = {}
        self.lines: dict[str, int] = {}
        self.last: str | None = None
        self.start: int | None = None
        self.previous: dict | None = None
        self.trailing: list[str] = []
        self.number_seen = False

    def begins(self, number: int, line: str, tag: str | None) -> bool:
        """Whether a line between records begins one; a line that does not is kept as trailing text."""
        if tag is None:
            if _OVID_NUMBER.match(line):
                self.number_seen = True
            elif line.strip():
                self.trailing.append(line.strip())
            return False
        if not (tag == "TY" or tag in _BIBLIOGRAPHIC_TAGS
                or (not self.has_ty and (self.number_seen or not self.numbered or self.previous is None))):
            self.trailing.append(line.strip())
            return False
        self.keep_trailing()
        self.start, self.number_seen = number, False
        return True

    def add(self, number: int, line: str, tag: str | None) -> None:
        """A line of the open record: a field, the continuation of the last one, ER, or a TY that starts anew."""
        if tag is None:
            if self.numbered and _OVID_NUMBER.match(line):
                # The next record's number: Ovid's tagged export has no ER, so the number ends the record; in a
                # file with ER lines the ER is missing.
                self.close(terminated=self.ovid_tagged)
                self.number_seen = True
                return
            if self.last in _RIS_ITEM_TAGS and line.strip():
                self.fields[self.last].append(line.strip())
            elif self.last and line.strip():
                # A line without a tag continues the previous field (multi-line abstracts and notes).
                self.fields[self.last][-1] = f"{self.fields[self.last][-1]} {line.strip()}".strip()
            return
        if tag == "ER":
            self.close(terminated=True)
            return
        if tag == "TY" and self.fields:
            self.close(terminated=False)
            self.start = number
        items = self.fields.get(tag)
        if items is None:
            self.fields[tag], self.lines[tag] = [line[6:].strip()], number
        else:
            items.append(line[6:].strip())
        self.last = tag

    def close(self, terminated: bool, at_end: bool = False) -> None:
        """The open record into the result; one without its ER line is a problem."""
        fields, start = self.fields, self.start
        values = (_ovid_tagged_values(fields) if self.ovid_tagged else _fields_to_record(fields, _RIS_FIELDS))
        if not values.get("doi"):
            # EBSCO writes the DOI in L3 and some databases only a doi.org link in L1.
            values["doi"] = next((v for key in ("L3", "L1") for v in fields.get(key, []) if normalise_doi(v)), "")
        record = _record(self.path, "ris", len(self.result.records) + 1, start, **values)
        if fields.get("DB"):
            record["database"] = fields["DB"][0].strip()
        _database_identifiers(fields, record, self.ovid_tagged)
        # Where each field stands, read only by a problem about it (the tags' first lines, the tag meanings).
        record["_field_lines"] = (self.lines, _OVID_TAGGED_FIELDS if self.ovid_tagged else _RIS_FIELDS)
        if not terminated:
            self.result.problems.append(Problem(str(self.path), start, "ER", "record has no ER line; read to the "
                                                + ("end of the file" if at_end else "next record"),
                                                "the export may be truncated"))
        self.result.records.append(record)
        _check_record(self.result, record)
        self.fields, self.lines, self.last, self.start, self.previous = {}, {}, None, None, record

    def keep_trailing(self) -> None:
        """The text read since the last record closed, as that record's trailing text."""
        if self.previous is not None and self.trailing:
            self.result.trailing[self.previous["record_id"]] = "\n".join(self.trailing)
        self.trailing.clear()


def _ovid_tagged_values(fields: dict[str, list[str]]) -> dict:
    """A record of Ovid's tagged export: its own fields, and the journal, volume, issue and pages its source line
    (SO) gives where no field of their own does."""
    values = _fields_to_record(fields, _OVID_TAGGED_FIELDS)
    # BIOSIS and Embase add each author's role: "Werner, S. M. [Author, Reprint Author; E-mail: ...]".
    values["authors"] = [re.sub(r"\s*\[[^\]]*\]?$", "", author) for author in values.get("authors", [])]
    source = values.pop("source", "")
    values.update({k: v for k, v in _ovid_source(source).items() if not values.get(k) and v})
    if not values.get("year") and source_year(source):
        values["year"] = [str(source_year(source))]
    return values


# A year standing as an item of a source line of its own (", 2020." or ". 2023."), not inside the volume or
# pages ("Brain Research. 1828(no pagination), 2024.", "(pp 1692-1702), 2020.").
_SOURCE_YEAR = re.compile(r"(?:^|[,.;]\s*)((?:1[5-9]|20)\d\d)(?=\s*(?:[.,;]|$))")


def source_year(source: str) -> int | None:
    """The year of a citation or source line: the one standing on its own, else the first plausible year."""
    match = _SOURCE_YEAR.search(source or "")
    return int(match.group(1)) if match else first_year(source)


def _ovid_source(source: str) -> dict[str, str]:
    """The journal, volume, issue and pages of Ovid's source line (its SO field or column)."""
    match = _OVID_SOURCE.search(source)
    found = {"journal": source.split(". ")[0].strip()}
    if match:
        issue = (match["issue"] or "").strip()
        found.update(volume=match["volume"], issue="" if _NO_PAGES.fullmatch(issue) else issue,
                     pages=(match["pages"] or match["pp"] or match["article"] or "").strip())
    return found


_MEDLINE_FIELDS = {
    "PT": "type", "TI": "title", "AU": "authors", "DP": "year", "JT": "journal", "TA": "journal_abbrev",
    "VI": "volume", "IP": "issue", "PG": "pages", "AB": "abstract", "MH": "keywords", "OT": "keywords",
    "PMID": "pmid", "CN": "authors", "BTI": "book_title",
}


def _read_medline(path: Path, text: str, result: ImportResult) -> None:
    fields: dict[str, list[str]] = {}
    last, start = None, None

    def close() -> None:
        nonlocal fields, last, start
        if start is None:
            return
        doi = next((v for key in ("LID", "AID") for v in fields.get(key, []) if "[doi]" in v), "")
        values = _fields_to_record(fields, _MEDLINE_FIELDS)
        # A book (NCBI Bookshelf) has only its book title (BTI); a chapter has its own title and the book's.
        book = values.pop("book_title", "")
        values["title"], values["journal"] = values.get("title") or book, values.get("journal") or book
        record = _record(path, "medline", len(result.records) + 1, start, **values, doi=doi)
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
    "PT": "type", "TI": "title", "AU": "authors", "PY": "year", "PD": "year", "EY": "early_access_year",
    "SO": "journal", "J9": "journal_abbrev",
    "VL": "volume", "IS": "issue", "BP": "start_page", "EP": "end_page", "AR": "article_number",
    "DI": "doi", "PM": "pmid", "AB": "abstract", "DE": "keywords",
}
_WOS_ONE_ITEM_PER_LINE = {"AU", "AF", "CR", "C1"}


def _wos_values(fields: dict[str, list[str]]) -> dict:
    """A Web of Science record's fields, with the early-access year (EY) where there is no publication year (a
    record not yet in an issue)."""
    values = _fields_to_record(fields, _WOS_FIELDS)
    early = values.pop("early_access_year", "")
    values["year"] = [*values.get("year", []), early] if early else values.get("year", [])
    return values


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
            record = _record(path, "wos", len(result.records) + 1, start, **_wos_values(fields))
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
        result.records.append(_record(path, "wos", len(result.records) + 1, start, **_wos_values(fields)))


# --- BibTeX ----------------------------------------------------------------------------------------------------

def _strip_braces(value: str) -> str:
    """A BibTeX value without its grouping braces; escaped braces (``\\{``, ``\\}``) are kept as text."""
    value = value.replace("\\{", "\x01").replace("\\}", "\x02").replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", value.replace("\x01", "{").replace("\x02", "}")).strip()


# Fields whose value is text (LaTeX accents and escapes decoded), not an address or an identifier.
_BIBTEX_TEXT = {"title", "author", "journal", "booktitle", "abstract", "keywords", "author_keywords"}


def _bibtex_text(value: str) -> str:
    """A BibTeX text field as a reader sees it: ``{\\'a}`` as á, ``\\"{u}`` as ü, ``\\&`` as &."""
    if "\\" not in value:
        return _strip_braces(value)
    from pylatexenc.latex2text import LatexNodes2Text

    # A bare %, &, $ or # in an exported abstract is that sign, not LaTeX's comment, column, math or parameter
    # mark, which would drop text.
    value = re.sub(r"(?<!\\)([%&$#])", r"\\\1", value)
    return re.sub(r"\s+", " ", LatexNodes2Text().latex_to_text(value)).strip()


def _page_range(pages: str) -> str:
    """Pages with BibTeX's ``--`` (or a spaced en dash) written as one hyphen: ``123--130`` as 123-130."""
    return re.sub(r"\s*(?:--+|\u2013|\u2014|-)\s*", "-", pages.strip())


# What a BibTeX "source" field holds when a database names itself in it.
_BIBTEX_DATABASES = {"scopus": "Scopus", "web of science": "Web of Science", "pubmed": "PubMed"}

# The BibTeX fields a record is read from; a field repeated with different values among these loses data.
_BIBTEX_READ = {"title", "author", "year", "journal", "booktitle", "volume", "number", "pages", "doi", "pmid",
                "abstract", "url"}


def _repeated_fields(block) -> tuple[str, bool]:
    """What to say of an entry with repeated fields, and whether it is harmless: Scopus repeats fields such as
    ``funding_details``; a field not read, or repeated with the same value, loses nothing."""
    values: dict[str, list[str]] = {}
    for item in block.ignore_error_block.fields:
        values.setdefault(item.key.lower(), []).append(_strip_braces(str(item.value)))
    repeated = sorted(k for k, v in values.items() if len(v) > 1)
    conflicting = [k for k in repeated if k in _BIBTEX_READ and len(set(values[k])) > 1]
    if conflicting:
        return (f"field(s) {', '.join(conflicting)} appear twice with different values; the last value is kept",
                False)
    return f"field(s) {', '.join(repeated)} appear twice (same value, or a field not read); read as one", True


def _bibtex_record(path: Path, index: int, entry) -> dict:
    """One BibTeX entry as a record: text fields decoded from LaTeX, identifiers unescaped, the article number
    where there are no pages."""
    fields = {k.lower(): (_bibtex_text if k.lower() in _BIBTEX_TEXT else _strip_braces)(str(v.value))
              for k, v in entry.fields_dict.items()}
    article = fields.get("art_number") or fields.get("article-number") or fields.get("eid", "")
    # Identifiers are not LaTeX, but exporters escape them as if they were ("10.1007/978-3\\_3").
    identifiers = {k: re.sub(r"\\([_%&#$])", r"\1", fields.get(k, "")) for k in ("doi", "url", "pmid")}
    # Europe PMC keys its entries by PubMed id ("PMID:36788546"); Scopus names itself in a source field.
    key_pmid = re.fullmatch(r"(?i)pmid:?(\d+)", entry.key or "")
    keywords = fields.get("author_keywords") or fields.get("keywords", "")
    return _record(path, "bibtex", index, entry.start_line + 1, type=entry.entry_type, title=fields.get("title", ""),
                   authors=[a for a in re.split(r"\s+and\s+", fields.get("author", "")) if a],
                   year=fields.get("year", ""), journal=fields.get("journal") or fields.get("booktitle", ""),
                   volume=fields.get("volume", ""), issue=fields.get("number", ""),
                   pages=_page_range(fields.get("pages", "")) or article, doi=identifiers["doi"],
                   pmid=identifiers["pmid"] or (key_pmid.group(1) if key_pmid else ""),
                   abstract=fields.get("abstract", ""), keywords=re.split(r";|,", keywords), url=identifiers["url"],
                   database=_BIBTEX_DATABASES.get(fields.get("source", "").lower(), ""))


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
            entries.append((block.ignore_error_block, _repeated_fields(block)))
        elif isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            entries.append((block.ignore_error_block, (f"the key {block.key!r} repeats an earlier entry's; "
                                                       "kept as a record of its own", False)))
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
        record = _bibtex_record(path, len(result.records) + 1, entry)
        if note:
            message, harmless = note
            (result.notes if harmless else result.problems).append(
                Problem(str(path), record["line"], "entry", message, "the export repeats it" if harmless else
                        "check which value is right in the database the file came from"))
        result.records.append(record)
        _check_record(result, record)
    result.records.sort(key=lambda r: r["line"] or 0)
    for index, record in enumerate(result.records, start=1):
        record["record_id"] = f"{path.stem}-{index:05d}"


# --- delimited and spreadsheet formats ---------------------------------------------------------------------------

_COLUMN_SYNONYMS = {
    "record_id": ["id", "key", "recordid", "ut", "eid", "an", "nctnumber"],
    "title": ["title", "articletitle", "documenttitle", "studytitle", "ti", "t1"],
    "authors": ["authors", "author", "authornames", "au", "a1"],
    "year": ["year", "publicationyear", "py", "pubyear", "y1", "yr", "date", "da"],
    "journal": ["journal", "sourcetitle", "publicationtitle", "journalbook", "jn", "so", "jo", "jf", "t2",
                "secondarytitle", "journalname", "booktitle", "source", "publication"],
    "volume": ["volume", "vl", "vo"],
    "issue": ["issue", "number", "is", "ip"],
    "pages": ["pages", "page", "pg"],
    "start_page": ["pagestart", "startpage", "firstpage", "bp", "sp"],
    "end_page": ["pageend", "endpage", "lastpage", "ep"],
    # Journals that number articles instead of paging them: the number stands in for the pages.
    "article_number": ["articlenumber", "artno", "ar", "c7"],
    "doi": ["doi", "di", "do"],
    "pmid": ["pmid", "pubmedid", "pm"],
    "abstract": ["abstract", "abstractnote", "ab", "n2"],
    "keywords": ["keywords", "authorkeywords", "manualtags", "de", "kw"],
    "type": ["type", "documenttype", "itemtype", "entrytype", "pt", "ty"],
    "url": ["url", "link", "ur", "studyurl", "articleurl"],
    # PubMed's CSV gives volume, issue and pages only inside its citation ("Hear Res. 2019;373:1-10. doi: ...").
    "citation": ["citation"],
    # Embase.com's CSV gives a record's DOI only inside its OpenURL link ("...&id=doi:10.4103%2F...&...").
    "openurl": ["openurllink", "openurl"],
    "database": ["db", "database"],
}

# Headers that say which database wrote a CSV: every named column must be present.
_CSV_DATABASES = [({"eid", "sourcetitle", "documenttype"}, "Scopus"),
                  ({"pmid", "citation", "firstauthor", "journalbook"}, "PubMed"),
                  ({"documenttitle", "ieeeterms"}, "IEEE Xplore"),
                  ({"ut", "pt", "so"}, "Web of Science"),
                  ({"utuniquewosid", "articletitle"}, "Web of Science")]

# Where a database's own column names mean something else than the generic synonyms guess. Web of Science's
# field tags (its "Web of Science Core Collection field tags" list): ID is Keywords Plus, not an id; PG the number
# of pages; SP the conference sponsor; DA the date of the export; EY the early-access year of a record not yet
# in an issue; AR the article number; UT the accession number.
_DATABASE_SYNONYMS = {
    # Scopus' "Source" column names the database ("Scopus"), not the journal.
    "Scopus": {"journal": ["sourcetitle", "abbreviatedsourcetitle"]},
    "Web of Science": {
        "record_id": ["ut", "utuniquewosid"], "year": ["py", "publicationyear", "ey", "earlyaccessdate"],
        # PS, the page span, in Zoological Record and other databases of the Web of Science platform.
        "pages": ["ps"], "start_page": ["bp", "startpage"], "end_page": ["ep", "endpage"],
        "article_number": ["ar", "articlenumber"], "keywords": ["de", "authorkeywords"],
    },
}


def _csv_database(header: list[str]) -> str:
    squashed = {squash(h) for h in header}
    return next((name for columns, name in _CSV_DATABASES if columns <= squashed), "")


def _ebsco_flattened(header: list[str], rows: Iterable[tuple[int, list[str]]]):
    """EBSCO's CSV (CINAHL): the JSON of each record flattened into columns such as ``artinfo/tig/atl`` and
    numbered ``artinfo/aug/au/0``, ``artinfo/aug/au/1``; turned into the columns the generic reader knows."""
    columns = {name: index for index, name in enumerate(header)}

    def numbered(cells, stem):
        found = sorted((int(m.group(1)), i) for n, i in columns.items() if (m := re.fullmatch(re.escape(stem) + r"/(\d+)", n)))
        return [cells[i].strip() for _, i in found if i < len(cells) and cells[i].strip()]

    def cell(cells, name):
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    identifiers = sorted({int(m.group(1)) for n in columns if (m := re.fullmatch(r"artinfo/ui/(\d+)/_type", n))})
    new_header = ["Title", "Authors", "Journal", "Year", "Volume", "Issue", "Pages", "DOI", "PMID", "Abstract",
                  "Type", "URL", "Database"]

    def converted():
        for line, cells in rows:
            ids = {cell(cells, f"artinfo/ui/{n}/_type").lower(): cell(cells, f"artinfo/ui/{n}/__text")
                   for n in identifiers}
            yield line, [cell(cells, "artinfo/tig/atl"), "; ".join(numbered(cells, "artinfo/aug/au")),
                         cell(cells, "jinfo/jtl"), cell(cells, "pubinfo/dt/_year") or cell(cells, "pubinfo/dt/__text"),
                         cell(cells, "pubinfo/vid"), cell(cells, "pubinfo/iid"), cell(cells, "artinfo/ppf"),
                         ids.get("doi", ""), ids.get("pmid", ""), " ".join(numbered(cells, "artinfo/ab")),
                         cell(cells, "artinfo/pubtype"), cell(cells, "header/displayInfo/pLink/url"),
                         cell(cells, "header/_longDbName") or "EBSCO"]
    return new_header, converted()


def _unbraced(cell: str) -> str:
    """A cell without the BibTeX braces some exports (BASE) keep around whole values."""
    cell = cell.strip()
    if cell.startswith("{") and cell.endswith("}") and cell.count("{") == 1 and cell.count("}") == 1:
        return cell[1:-1].strip()
    return cell


# One person as "Surname Initials" (PubMed "Griffin DK", Scopus "Smith J.K.") or "Initials Surname" (Google
# Scholar, Publish or Perish "DK Griffin"): a list of only such names may be separated by commas.
_NAME = r"[^\W\d_][\w'\u2019.-]*(?: [^\W\d_][\w'\u2019.-]*)*"
_INITIALS = r"(?:[A-Z]\.?-?){1,4}"
_INITIALLED_NAME = re.compile(rf"{_NAME} {_INITIALS}|(?:[A-Z]\.? ?){{1,4}} {_NAME}")


def _split_authors(authors: str) -> list[str]:
    """The persons of an authors cell: one per line (Ovid), separated by ";" or " and ", or by commas where every
    part is one initialled name ("Griffin DK, Larkin DM."); "Smith, John" stays one person."""
    if " and " in authors or ";" in authors or "\n" in authors:
        return re.split(r"\s*\n\s*|\s+and\s+|;\s*", authors)
    parts = [part.strip() for part in authors.strip().split(",")]
    if len(parts) > 1 and all(_INITIALLED_NAME.fullmatch(part) for part in parts):
        if parts[-1].endswith(".") and not parts[0].endswith("."):
            parts[-1] = parts[-1][:-1]  # PubMed ends the list with a full stop
        return parts
    return [authors]


def _no_title_column(path: Path, header: list[str], mapping: dict[str, list[int]], result: ImportResult) -> None:
    """A file with a DOI column but none read as the title: a problem when an unread column's name is close to
    "title" (a renamed or misspelt header loses every title), else a note."""
    from rapidfuzz import fuzz, process

    used = {i for positions in mapping.values() for i in positions}
    unread = [name for i, name in enumerate(header) if i not in used and name]
    close = [name for name in unread if process.extractOne(squash(name), ["title", "articletitle", "documenttitle"],
                                                           scorer=fuzz.ratio, score_cutoff=80)]
    named = f" ({close[0]!r} is not a name the reader knows)" if close else ""
    message = Problem(str(path), 1, "header", f"no column is read as the title{named}; records are kept without "
                      "titles", "name the titles' column Title" if close else "the file gives DOIs only")
    (result.problems if close else result.notes).append(message)


def _rows_to_records(path: Path, fmt: str, header: list[str], rows: Iterable[tuple[int, list[str]]],
                     result: ImportResult) -> None:
    if "artinfo/tig/atl" in header:
        header, rows = _ebsco_flattened(header, rows)
    database = _csv_database(header)
    synonyms = {**_COLUMN_SYNONYMS, **_DATABASE_SYNONYMS.get(database, {})}
    mapping = {target: found for target, found in match_columns(path, header, synonyms).items() if found}
    # Ovid's SO column is the whole source line ("Ear and hearing. 42(1) (pp 180-192), 2020. Date of ...").
    ovid_source = (database == "" and {"vn", "db"} <= {squash(h) for h in header}
                   and any(squash(header[i]) == "so" for i in mapping.get("journal", [])))
    if "title" not in mapping and "doi" not in mapping:
        raise ReviewError(path, "no title or DOI column", line=1, field="header",
                          hint="name a column Title (or TI) and one DOI; columns found: " + ", ".join(header[:12]))
    if "title" not in mapping:
        _no_title_column(path, header, mapping, result)
    while header and not header[-1]:
        header = header[:-1]
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        # Web of Science ends every row with a tab: empty cells past the last column lose nothing.
        while len(cells) > len(header) and not cells[-1].strip():
            cells = cells[:-1]
        ragged = ragged_row(path, line, cells, len(header))
        if ragged:
            result.problems.append(replace(ragged, message=ragged.message + "; read as far as the cells go"))
        value = {name: _unbraced(next((cells[i] for i in columns if i < len(cells) and cells[i].strip()), ""))
                 for name, columns in mapping.items()}
        _from_source_cells(value, ovid_source)
        pages = (value.get("pages") or _pages(value.get("start_page", ""), value.get("end_page", ""))
                 or value.get("article_number", ""))
        record = _record(path, fmt, len(result.records) + 1, line, **{
            k: v for k, v in value.items()
            if k not in ("record_id", "start_page", "end_page", "article_number", "authors", "pages")},
            authors=_split_authors(value.get("authors", "")), pages=pages)
        if value.get("record_id"):
            record["record_id"] = value["record_id"].strip()
        record["database"] = record["database"] or database
        result.records.append(record)
        _check_record(result, record)


def _from_source_cells(value: dict[str, str], ovid_source: bool) -> None:
    """The fields a row gives only inside a source or citation cell, where no column of their own does: Ovid's
    SO line (``ovid_source``), Embase.com's Source cell, PubMed's Citation, and the DOI of an OpenURL link."""
    if not first_year(value.get("year")) and source_year(value.get("journal")):
        # Ovid's Embase CSV has no year column: the year stands in the source ("Lancet. 2023. 401(3)").
        value["year"] = str(source_year(value["journal"]))
    if ovid_source and value.get("journal"):
        parts = _ovid_source(value["journal"])
        value["journal"] = parts.pop("journal")
        value.update({k: v for k, v in parts.items() if v and not value.get(k)})
    value["doi"] = value.get("doi") or normalise_doi(value.pop("openurl", ""))
    source = _EMBASE_SOURCE.match(value.get("journal", ""))
    if source and not value.get("volume"):
        value.update({k: (source[k] or "").strip() for k in ("journal", "volume", "issue", "pages")})
        value["year"] = value.get("year") or source["year"]
    cited = _CITATION.match(value.pop("citation", ""))
    if cited:
        value.update({k: cited[k].strip() for k in ("volume", "issue", "pages") if cited[k] and not value.get(k)})


# Embase.com's Source cell: "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014".
_EMBASE_SOURCE = re.compile(r"^(?P<journal>[^()]+?) \((?P<year>\d{4})\) (?P<volume>[^:\s(]+)(?::(?P<issue>[^\s(]+))?"
                            r"(?: \((?P<pages>[^)]*)\))?")

_TITLE_OR_DOI = {squash(name) for target in ("title", "doi") for name in _COLUMN_SYNONYMS[target]}

#: Rows searched for the header below a preamble (Embase's "SEARCH QUERY" lines).
PREAMBLE_ROWS = 30


def _names_title_or_doi(cells: list[str]) -> bool:
    return any(squash(cell) in _TITLE_OR_DOI for cell in cells)


def _below_preamble(path: Path, header: list[str], rows: Iterator[tuple[int, list[str]]], result: ImportResult):
    """The header and rows of a file whose first lines describe the search (Embase.com writes its query and the
    number of results above the header): the header is the first row naming a title or DOI column."""
    preamble = [(1, header)]
    for line, cells in rows:
        if _names_title_or_doi(cells):
            result.notes.append(Problem(str(path), line, "header", f"the header is on line {line}; the "
                                        f"{len(preamble)} row(s) above it describe the search ({preamble[0][1][0]!r})",
                                        "the database writes the search above the records"))
            return [cell.lstrip("\ufeff").strip() for cell in cells], rows
        preamble.append((line, cells))
        if len(preamble) > PREAMBLE_ROWS:
            break
    return header, itertools.chain(preamble[1:], rows)


def _reads_unquoted(text: str, delimiter: str) -> bool:
    """Whether every line of a file splits into the header's cells without quoting (one trailing empty cell
    more allowed): such a file never quotes (Web of Science's tab-delimited export), so a cell that opens with
    ``"`` holds a quote mark, not a quoted cell."""
    lines = [line for line in text.split("\n") if line.strip()]
    width = lines[0].rstrip("\r").rstrip(delimiter).count(delimiter) if lines else 0
    return all(line.rstrip("\r").rstrip(delimiter).count(delimiter) <= width
               and line.count(delimiter) >= width for line in lines)


def _read_delimited(path: Path, text: str, result: ImportResult, delimiter: str) -> None:
    quoted = delimiter != "\t" or not _reads_unquoted(text, delimiter)
    header, rows = header_and_rows(path, text, empty_hint="export again with a header row", delimiter=delimiter,
                                   quoted=quoted)
    if not _names_title_or_doi(header) and "artinfo/tig/atl" not in header:
        header, rows = _below_preamble(path, header, rows, result)
    _rows_to_records(path, result.format, header, rows, result)


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
                         keywords=texts(record_node, "keywords/keyword"), url=first("urls/related-urls/url") or first("urls/web-urls/url"))
        result.records.append(record)
        _check_record(result, record)


# --- PubMed's "Abstract" text format -----------------------------------------------------------------------------

_ABSTRACT_START = re.compile(r"^(\d+)\. (\S.*)$")
_ABSTRACT_META = re.compile(r"^(DOI|PMID|PMCID|Copyright|©|Conflict of interest|Update of|Update in|Comment in|"
                            r"Comment on|Erratum in|Erratum for|Retraction in|Retraction of|Republished|"
                            r"Expression of concern|Collaborators|Investigators|Free full text)", re.IGNORECASE)
# A name ("Hall JW 3rd"), then the marks after it: its affiliations' numbers, "(1)", "(1,2)" or one group each,
# "(1)(2)", and "(#)" or "(*)" for authors who contributed equally.
_AUTHOR_MARKS = r"(?:\((?:\d+(?:,\s*\d+)*|[#*†‡])\))*"
_AUTHOR_NAME = re.compile(r"^[^\d,:;.()]{2,80}(?: \d+(?:st|nd|rd|th))?" + _AUTHOR_MARKS + "$")
_CITATION = re.compile(r"^(?P<journal>[^.]+(?:\.[^.;\d]+)*?)\.\s+(?P<date>\d{4}[^;:.]*)"
                       r"(?:;(?P<volume>[^(:.]*)(?:\((?P<issue>[^)]*)\))?)?(?::(?P<pages>[^.\s]+))?")


def _read_pubmed_abstract(path: Path, text: str, result: ImportResult) -> None:
    """PubMed's "Abstract" text: numbered records ("1. Journal. Year;Vol(Issue):Pages. doi: ..."), then the
    title, the authors, the author information, the abstract and ``DOI:``/``PMID:`` lines, in paragraphs."""
    lines = text.replace("\r\n", "\n").split("\n")
    starts = []
    for number, line in enumerate(lines):
        match = _ABSTRACT_START.match(line)
        if match and int(match.group(1)) == len(starts) + 1 and (number == 0 or not lines[number - 1].strip()):
            starts.append(number)
    for index, first in enumerate(starts):
        block = lines[first:starts[index + 1] if index + 1 < len(starts) else len(lines)]
        paragraphs = [" ".join(part.strip() for part in chunk.split("\n")).strip()
                      for chunk in "\n".join(block).split("\n\n") if chunk.strip()]
        citation = _ABSTRACT_START.match(paragraphs[0]).group(2)
        rest = [p for p in paragraphs[1:] if not p.startswith("[Article in ")]
        status = ""
        if not _CITATION.match(citation) and rest and _CITATION.match(rest[0]):
            # A notice stands where the citation would ("795. RETRACTED ARTICLE"), the citation below it.
            status, citation = citation, rest.pop(0)
        title = rest.pop(0) if rest and not _ABSTRACT_META.match(rest[0]) else ""
        authors: list[str] = []
        if rest and not rest[0].startswith("Author information") and not _ABSTRACT_META.match(rest[0]):
            # Persons are separated by commas, a group author ("; EUS€REEN Foundation") by a semicolon.
            names = [n.strip() for n in re.split(r"[,;]", rest[0].rstrip("."))]
            if all(_AUTHOR_NAME.match(n) for n in names):
                authors = [re.sub(_AUTHOR_MARKS + "$", "", n).strip() for n in names]
                rest.pop(0)
            elif len(rest) > 1 and rest[1].startswith("Author information"):
                # PubMed puts the author list just above "Author information": a list not read would be lost.
                result.problems.append(Problem(str(path), first + 1, "authors", f"author list not read: "
                                               f"{rest[0][:60]!r}; left in the abstract", "check the record's "
                                               "authors in PubMed"))
        body = [p for p in rest if not p.startswith("Author information") and not _ABSTRACT_META.match(p)
                and not re.match(r"^\(\d+\)", p)]
        meta = {m.group(1).upper(): m.group(2) for line in block
                if (m := re.match(r"^(DOI|PMID): (\S+)", line.strip()))}
        parts = _CITATION.match(citation)
        record = _record(path, "pubmed-abstract", len(result.records) + 1, first + 1, title=title, authors=authors,
                         type=status, year=[parts.group("date") if parts else "", citation],
                         journal=parts.group("journal") if parts else "",
                         volume=(parts.group("volume") or "") if parts else "",
                         issue=(parts.group("issue") or "") if parts else "",
                         pages=(parts.group("pages") or "") if parts else "",
                         doi=meta.get("DOI", "") or citation, pmid=meta.get("PMID", ""), abstract=" ".join(body),
                         database="PubMed")
        if not record["pmid"]:
            result.problems.append(Problem(str(path), first + 1, "PMID", "record has no PMID line; read to the next "
                                           "record", "the export may be truncated"))
        result.records.append(record)
        _check_record(result, record)


def compare_imports(first: ImportResult | pd.DataFrame, second: ImportResult | pd.DataFrame) -> pd.DataFrame:
    """Match two imports of the same search record for record: by PMID, then DOI, then folded title.

    Parameters
    ----------
    first, second : ImportResult or DataFrame
        Two exports of one search (e.g. PubMed's CSV and its "Abstract" text).

    Returns
    -------
    DataFrame
        One row per record of either import: ``record_a``, ``record_b`` (empty where unmatched) and ``matched_by``
        (``pmid``, ``doi``, ``title`` or ``unmatched``). The two agree when no row is ``unmatched``.
    """
    frames = [records_frame(x.records) if isinstance(x, ImportResult) else x for x in (first, second)]

    def title_key(value) -> str:
        text = unicodedata.normalize("NFKD", str(value or "")).lower()
        return re.sub(r"[^a-z0-9]+", "", text)

    keys = {"pmid": lambda f: f["pmid"].fillna("").astype(str).str.strip(),
            "doi": lambda f: f["doi"].fillna("").map(normalise_doi),
            "title": lambda f: f["title"].map(title_key)}
    unmatched_a, unmatched_b = list(frames[0].index), list(frames[1].index)
    rows = []
    for name, key in keys.items():
        values_a, values_b = key(frames[0]), key(frames[1])
        index_b: dict[str, list[int]] = {}
        for position in unmatched_b:
            if values_b[position]:
                index_b.setdefault(values_b[position], []).append(position)
        still_a = []
        for position in unmatched_a:
            candidates = index_b.get(values_a[position]) if values_a[position] else None
            if candidates:
                partner = candidates.pop(0)
                unmatched_b.remove(partner)
                rows.append({"record_a": frames[0].at[position, "record_id"],
                             "record_b": frames[1].at[partner, "record_id"], "matched_by": name})
            else:
                still_a.append(position)
        unmatched_a = still_a
    rows += [{"record_a": frames[0].at[p, "record_id"], "record_b": "", "matched_by": "unmatched"} for p in unmatched_a]
    rows += [{"record_a": "", "record_b": frames[1].at[p, "record_id"], "matched_by": "unmatched"} for p in unmatched_b]
    return pd.DataFrame(rows, columns=["record_a", "record_b", "matched_by"])


# --- detection and dispatch --------------------------------------------------------------------------------------

FORMATS = ["ris", "medline", "wos", "bibtex", "csv", "tsv", "xlsx", "endnote-xml", "pubmed-abstract"]

#: The database a format always comes from.
_FORMAT_DATABASES = {"medline": "PubMed", "pubmed-abstract": "PubMed", "wos": "Web of Science"}


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    return decode_export(path, data, "export the file again, as UTF-8 if the database offers it")


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
        text = _decode(path, path.read_bytes())[0]
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
    if lines and re.match(r"^1\. \S", lines[0]) and re.search(r"^PMID: \d+", text, re.MULTILINE):
        return "pubmed-abstract"
    if re.search(r"^\s*@\w+\s*[{(]", head, re.MULTILINE):
        return "bibtex"
    first = lines[0] if lines else ""
    if "\t" in first:
        return "tsv"
    if "," in first or path.suffix.lower() == ".csv":
        return "csv"
    raise ReviewError(path, "the format could not be recognised", line=1, field="format",
                      hint="supported: RIS, MEDLINE/.nbib, Web of Science, BibTeX, CSV, TSV, XLSX, EndNote XML, "
                           "PubMed Abstract text")


_READERS: dict[str, Callable[[Path, str, ImportResult], None]] = {
    "ris": _read_ris, "medline": _read_medline, "wos": _read_wos_tagged, "bibtex": _read_bibtex,
    "csv": lambda p, t, r: _read_delimited(p, t, r, ","), "tsv": lambda p, t, r: _read_delimited(p, t, r, "\t"),
    "endnote-xml": _read_endnote_xml, "pubmed-abstract": _read_pubmed_abstract,
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
        The database the export came from, stored on each record; when empty, the database the file names
        (RIS ``DB``, Ovid's ``DB`` column, EBSCO's database name) or that its format implies (PubMed, Web of
        Science, Scopus, IEEE Xplore), else empty.

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
        text, encoding = _decode(path, path.read_bytes())
        result = ImportResult(path, fmt or detect_format(path, text), encoding=encoding)
        if encoding not in ("utf-8", "utf-8-sig"):
            result.notes.append(Problem(str(path), None, "encoding", f"read as {encoding}", "the file is not UTF-8"))
        _READERS[result.format](path, text, result)
    if not result.records:
        raise ReviewError(path, f"no records in this {result.format} file", line=1, field="records",
                          hint="the export may have failed or be empty; export the search results again")
    seen: dict[str, dict] = {}
    implied = _FORMAT_DATABASES.get(result.format, "")
    for index, record in enumerate(result.records, start=1):
        record["database"] = database or record["database"] or implied
        earlier = seen.get(record["record_id"])
        if earlier is not None:
            # The same row exported twice loses nothing (a note); a different record under the same id is renamed.
            identical = all(earlier[k] == record[k] for k in RECORD_FIELDS if k not in ("record_id", "line"))
            (result.notes if identical else result.problems).append(Problem(
                str(path), record["line"], "ID", f"id {record['record_id']!r} repeats the record on line "
                f"{earlier['line']}{' (the same record)' if identical else ''}; numbered instead",
                "the database exported this record twice" if identical else "ids in one export should be unique"))
            record["record_id"] = f"{path.stem}-{index:05d}"
        seen.setdefault(record["record_id"], record)
        record.pop("_year_text", None)
        record.pop("_field_lines", None)
    return result


def read_many(paths: Iterable[str | Path], databases: list[str] | None = None
              ) -> tuple[list[ImportResult], pd.DataFrame]:
    """Read several exports; returns each file's result and all records in one table (ids kept unique).

    ``databases``, when given, names the database of each file in order (see :func:`read_records`).
    """
    paths = list(paths)
    results = [read_records(p, database=d) for p, d in zip(paths, databases or [""] * len(paths), strict=True)]
    return results, combine_results(results)


def combine_results(results: list[ImportResult]) -> pd.DataFrame:
    """All records of several files' results in one table, ids kept unique (as :func:`read_many` gives them)."""
    frame = records_frame([r for result in results for r in result.records])
    if frame["record_id"].duplicated().any():
        # Ids repeat across files (two exports numbered alike): prefix each with its file's position.
        file_number = [n for n, result in enumerate(results, start=1) for _ in result.records]
        frame["record_id"] = [f"f{n}:{rid}" for n, rid in zip(file_number, frame["record_id"])]
    return frame


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


def save_record_files(frame: pd.DataFrame, folder: str | Path, name: str) -> str:
    """Write records as ``records/<name>.ris`` (for a reference manager) and ``.csv`` under ``folder``; return the
    sentence a notebook shows about them (saying there are none yet, and writing nothing, when there are none)."""
    if frame.empty:
        return f"*No {name} records to write yet.*"
    target = Path(folder) / "records"
    write_ris(frame, target / f"{name}.ris")
    write_records_csv(frame, target / f"{name}.csv")
    return f"{len(frame)} records written to `records/{name}.ris` and `.csv` (RIS for a reference manager)."


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


def read_review_file(review, path: Path) -> ImportResult:
    """:func:`read_records` of one of a review's files, read once per review: ``synthesis check`` and the stages
    share it. A file that cannot be read raises its :class:`ReviewError` on every call."""
    def read() -> ImportResult | ReviewError:
        try:
            return read_records(path)
        except ReviewError as exc:
            return exc

    outcome = review.cached(("read_records", str(path)), read)
    if isinstance(outcome, ReviewError):
        raise outcome
    return outcome


@registry.review_check
def export_problems(review) -> list[Problem]:
    """Problems in a review's raw exports and reference lists (read in full, so only `synthesis check` does it)."""
    from synthesis.review import display_path

    problems = []
    for folder in ("search/exports", "search/citations"):
        for file_path in sorted((review.path / folder).glob("*")):
            if not file_path.is_file():
                continue
            try:
                problems.extend(read_review_file(review, file_path).problems)
            except ReviewError as exc:
                problems.append(exc.problem)
    return [Problem(display_path(Path(p.file)), p.line, p.field, p.message, p.hint) for p in problems]

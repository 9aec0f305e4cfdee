"""Rebuild the binary members of the bad-input corpus (zips, workbooks, other encodings).

The text cases are kept as written; the files here are made by code because they are bytes a text editor
would not keep (Latin-1, UTF-16, NUL), or archives. Run ``python tests/bad_inputs/build.py`` after changing it;
``tests/test_bad_inputs.py`` reads the files and ``cases.yml``.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

HERE = Path(__file__).parent

_RIS = "TY  - JOUR\nTI  - Peer support for mothers\nAU  - Smith, Anne\nPY  - 2020\nER  - \n"
_QDE = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        "<CodeBook><Codes><Code guid=\"c1\" name=\"Trust\" isCodable=\"true\"/></Codes></CodeBook></Project>\n")


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if isinstance(name, str):
                name = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                name.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(name, data)
    return buffer.getvalue()


def _symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _workbook(rows: list[list[str]], *, doctype: str = "") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not doctype:
        return _restamp(buffer.getvalue())
    members = []
    with zipfile.ZipFile(buffer) as source:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", doctype.encode() + b"<worksheet", 1)
            members.append((info.filename, data))
    return _zip(members)


def _restamp(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return _zip([(info.filename, source.read(info.filename)) for info in source.infolist()])


_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
_XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def files() -> dict[str, bytes]:
    """Every built file of the corpus, by path under tests/bad_inputs/."""
    utf8 = _RIS.encode()
    return {
        # records
        # A byte Windows-1252 leaves undefined (0x81) fits no encoding an export is written in.
        "records/undefined_byte.ris": b"TY  - JOUR\nTI  - Apoio de pares\x81\nER  - \n",
        "records/utf16_no_bom.ris": _RIS.encode("utf-16-le"),
        "records/mixed_encoding.ris": _RIS.replace("mothers", "m\u00e3es").encode() + "TY  - JOUR\nTI  - Caf\u00e9 groups\nER  - \n".encode("latin-1"),
        "records/nul_bytes.csv": b"title,year\nPeer support,2020\nBroken\x00row,2021\n",
        "records/binary.ris": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "records/corrupt.xlsx": _workbook([["title", "year"], ["Peer support", "2020"]])[:300],
        "records/not_a_workbook.xlsx": b"PK\x03\x04 this only starts like a zip archive",
        "records/no_title_column.xlsx": _workbook([["name", "when"], ["Peer support", "2020"]]),
        "records/xxe.xlsx": _workbook([["title", "year"], ["Peer support", "2020"]], doctype=_XXE),
        "records/zip_bomb.xlsx": _zip([("xl/workbook.xml", b"<w/>"), ("xl/huge.xml", b"\0" * (60 * 2**20))]),
        "records/escaping_member.xlsx": _zip([("../../outside.xml", b"<x/>"), ("xl/workbook.xml", b"<w/>")]),
        # coding sheets
        "sheet/latin1.csv": "document,quote,node\nd1,\u00abun caf\u00e9\u00bb,C1\n".encode("latin-1"),
        "sheet/utf16_no_bom.csv": "document,quote,node\nd1,a quote,C1\n".encode("utf-16-le"),
        "sheet/corrupt.xlsx": _workbook([["document", "quote", "node"], ["d1", "q", "C1"]])[:400],
        "sheet/no_quote_column.xlsx": _workbook([["document", "text_of_it", "node"], ["d1", "q", "C1"]]),
        # REFI-QDA
        "qda/not_a_zip.qdpx": b"this is a text file renamed to .qdpx\n",
        "qda/truncated.qdpx": _zip([("project.qde", _QDE.encode()), ("sources/a.txt", b"text " * 200)])[:150],
        "qda/no_project.qdpx": _zip([("sources/a.txt", b"some text")]),
        "qda/escaping_member.qdpx": _zip([("project.qde", _QDE.encode()), ("../../evil.txt", b"x")]),
        "qda/absolute_member.qdpx": _zip([("project.qde", _QDE.encode()), ("/etc/cron.d/evil.txt", b"x")]),
        "qda/symlink.qdpx": _zip([("project.qde", _QDE.encode()), _symlink("sources/link.txt", "/etc/passwd")]),
        "qda/zip_bomb.qdpx": _zip([("project.qde", _QDE.encode()), ("sources/bomb.txt", b"\0" * (60 * 2**20))]),
        "qda/xxe.qdpx": _zip([("project.qde", _QDE.replace("?>\n", "?>\n" + _XXE).encode())]),
        "qda/billion_laughs.qdpx": _zip([("project.qde", _QDE.replace("?>\n", "?>\n" + _LAUGHS).encode())]),
        "qda/many_members.qdpx": _zip([("project.qde", _QDE.encode())]
                                      + [(f"sources/s{i}.txt", b"x") for i in range(12)]),
        "qda/utf16.qdc": ('<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                          "<Code guid=\"c1\" name=\"Trust\" isCodable=\"true\"/></Codes>").encode("utf-16-le"),
        # review files
        "review/studies_latin1.csv": ("study_id,authors,year,title,type,source\n"
                                      "s1,M\u00fcller A,2020,Apoio \u00e0s m\u00e3es,article,Table 1\n").encode("latin-1"),
        "review/studies_utf16.csv": ("\ufeffstudy_id,authors,year,title,type,source\n"
                                     "s1,Smith A,2020,Peer support,article,Table 1\n").encode("utf-16-le"),
        "review/review_latin1.yml": "slug: x\ntitle: Apoio às mães\n".encode("latin-1"),
        "review/review_control_character.yml": b"slug: x\ntitle: A title\x07 with a bell\n",
    }


def main() -> None:
    for name, data in files().items():
        target = HERE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target.relative_to(HERE)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()

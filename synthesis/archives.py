"""Zip archives from other people's machines (REFI-QDA projects, XLSX workbooks), opened as untrusted input.

A member may not escape the extraction folder, be a symbolic link, or expand beyond the limits below; the
workbooks' XML is parsed by openpyxl through defusedxml (no external entities, no entity expansion).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from synthesis.errors import ReviewError

__all__ = ["LIMITS", "check_archive", "read_member", "refuse_doctypes", "open_archive", "read_workbook_rows"]

#: Refusal limits: members in one archive, bytes of one member and of all, and the expansion ratio
#: (uncompressed / compressed) allowed for a member over 1 MiB.
LIMITS = {"members": 10_000, "member_bytes": 200 * 2**20, "total_bytes": 1 * 2**30, "ratio": 200}


def check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an archive with too many members, a member that escapes, a link, or a member that expands too far."""
    members = archive.infolist()
    if len(members) > LIMITS["members"]:
        raise ReviewError(path, f"{len(members)} members in the archive (limit {LIMITS['members']})", field="member",
                          hint="refused as a possible zip bomb")
    total = 0
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
            raise ReviewError(path, f"member {member.filename!r} points outside the archive", field="member",
                              hint="refused: a path that escapes the extraction folder")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise ReviewError(path, f"member {member.filename!r} is a symbolic link", field="member",
                              hint="refused: links can point outside the archive")
        total += member.file_size
        expands = member.compress_size and member.file_size / member.compress_size > LIMITS["ratio"]
        if member.file_size > LIMITS["member_bytes"] or total > LIMITS["total_bytes"] or (
                expands and member.file_size > 2**20):
            raise ReviewError(path, f"member {member.filename!r} expands to {member.file_size:,} bytes",
                              field="member", hint="refused as a possible zip bomb")


def read_member(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The bytes of one member, refused if it holds more than it declared or more than the limit allows."""
    try:
        with archive.open(member) as handle:
            data = handle.read(LIMITS["member_bytes"] + 1)
    except Exception as exc:  # noqa: BLE001 - damaged headers, bad CRC, bad deflate data, encryption, ...
        raise ReviewError(path, f"member {member.filename!r} cannot be read ({type(exc).__name__}: {exc})",
                          field="member", hint="the archive is damaged; export it again") from None
    if len(data) > LIMITS["member_bytes"] or len(data) > member.file_size:
        raise ReviewError(path, f"member {member.filename!r} is larger than it says", field="member",
                          hint="refused as a possible zip bomb")
    return data


def refuse_doctypes(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose XML members declare a DTD: Office files never do, entity attacks always do."""
    for member in archive.infolist():
        if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        data = read_member(path, archive, member)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ReviewError(path, f"member {member.filename!r} declares a DTD or entities", field="member",
                              hint="refused: a workbook needs no DTD; one that has it may be an "
                                   "external-entity or entity-expansion attack")


def open_archive(path: str | Path, kind: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip and check it with :func:`check_archive`; ``kind`` names it in the error."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # noqa: BLE001 - zipfile raises many types for a damaged archive
        raise ReviewError(path, f"not a readable zip archive ({exc})", field="file",
                          hint=f"a {kind} is a zip archive; export it again") from None
    try:
        check_archive(path, archive)
    except ReviewError:
        archive.close()
        raise
    return archive


def read_workbook_rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first sheet of an XLSX workbook: its header and ``(line, cells)`` for every row, as text.

    The workbook is checked as an untrusted archive first; any failure to read it is a :class:`ReviewError`.
    """
    from openpyxl import load_workbook

    path = Path(path)
    with open_archive(path, "XLSX workbook") as archive:
        refuse_doctypes(path, archive)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = [str(h if h is not None else "").strip() for h in next(rows, [])]
            body = [(number, ["" if c is None else str(c) for c in row]) for number, row in enumerate(rows, start=2)]
        finally:
            workbook.close()
    except ReviewError:
        raise
    except Exception as exc:
        raise ReviewError(path, f"the workbook could not be read ({type(exc).__name__}: {exc})", field="file",
                          hint="open it in a spreadsheet program and save it again as .xlsx, or export CSV") from None
    return header, body

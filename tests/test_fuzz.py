"""Fuzzing: every reader fed mutated real files (the examples, the shared fixtures) raises only the project's
error, never another exception. The examples are fixed (derandomized), so a failure is reproducible."""

import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthesis.coding import excerpts_from_sheet
from synthesis.errors import ReviewError
from synthesis.paths import REVIEWS_DIR
from synthesis.qda import codebook_from_theory, read_qda, write_codebook
from synthesis.records import (
    read_records,
    records_frame,
    write_bibtex,
    write_records_csv,
)
from synthesis.review import load_review

FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_MEDLINE = (b"PMID- 31234567\nOWN - NLM\nTI  - Peer support for perinatal depression: a trial.\nAU  - Smith A\n"
            b"DP  - 2020 Mar\nJT  - Archives of Women's Mental Health\nAB  - Background: peer support.\n"
            b"      Continued abstract line.\n\nPMID- 31234568\nTI  - Second record\nDP  - 2019\n")
_ENDNOTE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<xml><records><record><ref-type name="Journal Article">17'
            b"</ref-type><contributors><authors><author>Smith, A</author></authors></contributors><titles><title>"
            b"Peer support</title><secondary-title>BMC</secondary-title></titles><dates><year>2020</year></dates>"
            b"<electronic-resource-num>10.1186/x1</electronic-resource-num></record></records></xml>\n")


@st.composite
def mutated(draw, seeds: list[tuple[str, bytes]]):
    """A seed file (its name and bytes) after a few byte-level mutations."""
    name, data = draw(st.sampled_from(seeds))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate", "splice"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if operation == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif operation == "delete":
            del data[position:position + draw(st.integers(1, 64))]
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(
                [b"\x00", b"\xff\xfe", b'"', b"{", b"}", b"<", b"<!DOCTYPE x [<!ENTITY e 'e'>]>", b"\n", b"ER  - ",
                 b"\r", b",", b"\t", b"&e;", b"nan", b"-inf", b": ", b"- "]))
        elif operation == "duplicate":
            data[position:position] = data[position:position + draw(st.integers(1, 200))]
        elif operation == "truncate":
            del data[position:]
        elif operation == "splice":
            other = draw(st.sampled_from(seeds))[1]
            data[position:] = other[draw(st.integers(0, max(len(other) - 1, 0))):]
    return name, bytes(data)


def _record_seeds() -> list[tuple[str, bytes]]:
    citations = sorted(REVIEWS_DIR.glob("*/search/citations/*.ris"))
    seeds = [(p.name, p.read_bytes()) for p in citations]
    frame = records_frame(read_records(citations[0]).records)
    with tempfile.TemporaryDirectory() as folder:
        write_bibtex(frame, Path(folder) / "seed.bib")
        write_records_csv(frame, Path(folder) / "seed.csv")
        seeds += [("seed.bib", (Path(folder) / "seed.bib").read_bytes()),
                  ("seed.csv", (Path(folder) / "seed.csv").read_bytes())]
    seeds += [("seed.nbib", _MEDLINE), ("seed.xml", _ENDNOTE)]
    if SHARED.is_dir():
        exports = SHARED / "fixtures" / "exports"
        seeds += [(p.name, p.read_bytes()) for p in sorted(exports.rglob("*")) if p.is_file()]
    return seeds


def _read_mutated(reader, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            reader(path)
        except ReviewError:
            pass


RECORD_SEEDS = _record_seeds()


@settings(FUZZ, max_examples=400)
@given(mutated(RECORD_SEEDS))
def test_record_readers_raise_only_review_errors(case):
    """Mutated RIS, MEDLINE, WoS, BibTeX, CSV, TSV and EndNote XML exports: read, or the project's error."""
    _read_mutated(read_records, *case)


def _qda_seeds() -> list[tuple[str, bytes]]:
    review = load_review(REVIEWS_DIR / "perinatal-peer-support")
    with tempfile.TemporaryDirectory() as folder:
        write_codebook(codebook_from_theory(review), Path(folder) / "seed.qdc")
        seeds = [("seed.qdc", (Path(folder) / "seed.qdc").read_bytes())]
    if SHARED.is_dir():
        seeds += [(p.name, p.read_bytes()) for p in sorted((SHARED / "fixtures" / "qdpx").glob("*.qdpx"))]
    return seeds


@settings(FUZZ, max_examples=200)
@given(mutated(_qda_seeds()))
def test_qda_reader_raises_only_review_errors(case):
    """Mutated REFI-QDA codebooks and projects: read, or the project's error."""
    _read_mutated(read_qda, *case)


def _sheet_seeds() -> list[tuple[str, bytes]]:
    excerpts = (REVIEWS_DIR / "peer-relationship-appear" / "coding" / "excerpts.csv").read_bytes()
    return [("sheet.csv", excerpts), ("sheet.xlsx", _workbook_bytes())]


def _workbook_bytes() -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in (["document", "page", "quote", "node"], ["d1", "3", "a quote", "C1;M2"], ["d2", "", "another", "O1"]):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=150)
@given(mutated(_sheet_seeds()))
def test_coding_sheet_reader_raises_only_review_errors(case):
    """Mutated coding sheets (CSV and XLSX): read, or the project's error."""
    _read_mutated(excerpts_from_sheet, *case)


_REVIEW_FILES = ["review.yml", "prisma.yml", "studies.csv", "coding/nodes.csv", "coding/links.csv",
                 "coding/excerpts.csv", "theory/final.yml", "search/strategy.yml", "search/log.csv"]


@pytest.fixture(scope="module")
def review_copy_for_fuzzing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz") / "peer-relationship-appear"
    shutil.copytree(REVIEWS_DIR / "peer-relationship-appear", folder)
    return folder


@pytest.mark.fuzz  # hypothesis drives it from inside, so tests/conftest.py cannot see it to mark it
@pytest.mark.parametrize("relative", _REVIEW_FILES)
def test_review_loader_raises_only_review_errors(relative, review_copy_for_fuzzing):
    """A review whose file is mutated loads, or answers with the project's error."""
    original = (REVIEWS_DIR / "peer-relationship-appear" / relative).read_bytes()
    target = review_copy_for_fuzzing / relative

    @settings(FUZZ, max_examples=20)  # each example loads a whole review
    @given(mutated([(target.name, original)]))
    def load_mutated(case):
        target.write_bytes(case[1])
        try:
            load_review(review_copy_for_fuzzing)
        except ReviewError:
            pass

    try:
        load_mutated()
    finally:
        target.write_bytes(original)

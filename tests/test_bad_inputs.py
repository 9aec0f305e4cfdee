"""The bad-input corpus (tests/bad_inputs/cases.yml): every reader and loader answers with the project's error
naming the file, the line, the field and a hint; the command line exits non-zero without a traceback; the input
is never modified and a failed command writes nothing."""

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from synthesis import archives
from synthesis.cli import main
from synthesis.coding import excerpts_from_sheet
from synthesis.errors import Problem, ReviewError, ReviewProblems
from synthesis.paths import REVIEWS_DIR
from synthesis.qda import read_qda
from synthesis.records import read_records
from synthesis.review import load_review

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))["cases"]


def _digest(path: Path) -> str:
    if path.is_dir():
        return hashlib.sha256(b"".join(_digest(p).encode() + p.name.encode()
                                       for p in sorted(path.rglob("*")) if p.is_file())).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def prepared(request, tmp_path, monkeypatch):
    """The case's input in a temporary folder (a file, or an example review holding the bad file)."""
    case = request.param
    source = CORPUS / case["file"]
    if case["reader"] == "review":
        folder = tmp_path / case["example"]
        shutil.copytree(REVIEWS_DIR / case["example"], folder)
        shutil.copyfile(source, folder / case["target"])
        target = folder
    else:
        target = tmp_path / source.name
        if "inflate" in case:
            text = source.read_text(encoding="utf-8")
            target.write_text(text.replace(case["inflate"]["marker"], "x" * case["inflate"]["characters"]))
        else:
            shutil.copyfile(source, target)
    for name, value in (case.get("limits") or {}).items():
        monkeypatch.setitem(archives.LIMITS, name, value)
    return case, target


def _read(reader: str, path: Path) -> list[Problem]:
    """Run the case's reader; return the problems it reported (raising is left to the caller)."""
    if reader == "records":
        return read_records(path).problems
    if reader == "qda":
        read_qda(path)
        return []
    if reader == "sheet":
        return excerpts_from_sheet(path)[1]
    load_review(path)
    return []


def _matching(case: dict, problems: list[Problem]) -> Problem:
    wanted = [p for p in problems if p.field == case["field"] and p.line == case["line"]
              and case["message"] in p.message]
    assert wanted, f"expected {case['field']} at line {case['line']}: {case['message']!r}; got " + "; ".join(
        map(str, problems))
    return wanted[0]


def test_the_corpus_is_large_and_covers_every_reader():
    """At least 60 cases, each reader and loader among them, every case file present, ids unique."""
    assert len(CASES) >= 60
    assert {c["reader"] for c in CASES} == {"records", "qda", "sheet", "review"}
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert all((CORPUS / c["file"]).is_file() for c in CASES)
    listed = {c["file"] for c in CASES}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()
               and p.name not in ("cases.yml", "build.py", "README.md")}
    assert on_disk == listed, on_disk ^ listed


@pytest.mark.parametrize("prepared", CASES, ids=[c["id"] for c in CASES], indirect=True)
def test_reader_reports_the_case(prepared):
    """The reader raises the project's error, or reports the problem and keeps the data, as the case says."""
    case, path = prepared
    before = _digest(path)
    if case["expect"] == "error":
        with pytest.raises(ReviewError) as caught:
            _read(case["reader"], path)
        assert not isinstance(caught.value, ReviewProblems) or case["reader"] == "review"
        problems = getattr(caught.value, "problems", [caught.value.problem])
    elif case["reader"] == "review":
        with pytest.raises(ReviewProblems) as caught:
            _read(case["reader"], path)
        problems = caught.value.problems
    else:
        problems = _read(case["reader"], path)
    problem = _matching(case, problems)
    named = case["target"] if case["reader"] == "review" else path.name
    assert problem.file.endswith(named) and problem.hint
    assert _digest(path) == before, "the reader modified its input"


_COMMANDS = {"records": ["records", "import", "{input}", "-o", "{out}/records.csv"],
             "qda": ["qda", "{input}", "-o", "{out}/qda"],
             "sheet": ["coding", "import", "{input}", "-o", "{out}/excerpts.csv"],
             "review": ["check", "{input}"]}


@pytest.mark.parametrize("prepared", CASES, ids=[c["id"] for c in CASES], indirect=True)
def test_command_line_exits_non_zero_without_traceback(prepared, tmp_path, capsys):
    """The command exits 1 (problems) or 2 (error), prints file, line and field, and writes nothing on error."""
    case, path = prepared
    out = tmp_path / "out"
    before = _digest(path)
    status = main([part.format(input=path, out=out) for part in _COMMANDS[case["reader"]]])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert status == (2 if case["expect"] == "error" and case["reader"] != "review" else 1)
    assert "Traceback" not in text
    named = case["target"] if case["reader"] == "review" else path.name
    where = f"{named}:{case['line']}: " if case["line"] else f"{named}: "
    assert where in text and f": {case['field']}: " in text, text
    if case["expect"] == "error":
        assert not out.exists(), "a failed command wrote output"
    assert _digest(path) == before, "the command modified its input"


def test_command_refuses_to_overwrite_its_input(tmp_path, capsys):
    """`records import X -o X` is refused before anything is read or written."""
    export = tmp_path / "export.csv"
    export.write_text("title,year\nPeer support,2020\n")
    assert main(["records", "import", str(export), "-o", str(export)]) == 2
    assert "also an input" in capsys.readouterr().err
    assert export.read_text() == "title,year\nPeer support,2020\n"

"""Tests for synthesis.cli."""

import pytest

from synthesis.cli import main
from synthesis.paths import REVIEWS_DIR


def test_check_passes_on_example(capsys):
    """`synthesis check` exits 0 on an example and says so."""
    assert main(["check", str(REVIEWS_DIR / "psw-implementation")]) == 0
    assert "no problems" in capsys.readouterr().out


def test_check_lists_problems_and_fails(review_copy, capsys):
    """On a broken copy it prints file:line: field: message (hint) and exits 1."""
    folder = review_copy("psw-implementation")
    path = folder / "coding" / "nodes.csv"
    path.write_text(path.read_text().replace("I02,,influence,PSW training,facilitator and barrier,22",
                                             "I02,,influence,PSW training,facilitator and barrier,twenty-two"))
    assert main(["check", str(folder)]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.endswith("nodes.csv:3: published_n: 'twenty-two' is not a whole number "
                         "(see data/README.md for the type of this field)")


def test_check_accepts_a_slug(capsys):
    """An example review can be named by its slug."""
    assert main(["check", "perinatal-peer-support"]) == 0


def test_unknown_parameter_is_refused_without_traceback(capsys, tmp_path):
    """`synthesis run -p nonsense=1` exits 2 with the known names and no traceback."""
    status = main(["run", "psw-implementation", "--notebooks", "03", "-p", "nonsense=1", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and "threshold_percent" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_wrong_notebook_number(capsys):
    """An unknown notebook is refused with the list of notebooks."""
    assert main(["run", "psw-implementation", "--notebooks", "09"]) == 2
    assert "01_exploratory_search" in capsys.readouterr().err


def test_new(tmp_path, capsys):
    """`synthesis new DIR` writes the templates and prints what it wrote."""
    assert main(["new", str(tmp_path / "fresh-review")]) == 0
    assert "review.yml" in capsys.readouterr().out


def test_records_import_and_dedup(shared, tmp_path, capsys):
    """`records import` prints FILE: N records (format); `records dedup` writes the four tables."""
    exports = shared / "fixtures/exports/synthesisr"
    out = tmp_path / "all.csv"
    assert main(["records", "import", str(exports / "Scopus_ris_example.ris"), str(exports / "WoS_ciw_example.ciw"),
                 "-o", str(out)]) == 0
    assert "Scopus_ris_example.ris: 3 records (ris)" in capsys.readouterr().out
    assert main(["records", "dedup", str(out), "-o", str(tmp_path / "dd")]) == 0
    for name in ("groups.csv", "unique.csv", "possible.csv", "pairs.csv"):
        assert (tmp_path / "dd" / name).is_file()
    import pandas as pd

    groups = pd.read_csv(tmp_path / "dd/groups.csv")
    assert len(groups) == 8 and groups["group_id"].nunique() == 6


def test_dedup_says_when_a_preferred_database_names_no_record(tmp_path, capsys):
    """`records dedup --prefer` warns of a name no record's database matches, and keeps PubMed for MEDLINE."""
    records = tmp_path / "records.csv"
    records.write_text("record_id,database,title,year,doi\na,CINAHL Plus,Peer support for mothers,2020,10.1/x\n"
                       "b,PubMed,Peer support for mothers,2020,10.1/x\n")
    assert main(["records", "dedup", str(records), "-o", str(tmp_path / "dd"), "--prefer", "MEDLINE,Medlin3"]) == 0
    err = capsys.readouterr().err
    assert "--prefer Medlin3: no record comes from a database of that name" in err and "--prefer MEDLINE:" not in err
    import pandas as pd

    groups = pd.read_csv(tmp_path / "dd/groups.csv").set_index("record_id")
    assert groups.loc["b", "kept"] and "database PubMed preferred" in groups.loc["b", "reason"]


def test_prisma_command(tmp_path, capsys):
    """`synthesis prisma REVIEW -o DIR` writes the counts, the app CSV and the diagram."""
    assert main(["prisma", "peer-relationship-appear", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "tables/prisma2020.csv").is_file() and (tmp_path / "figures/prisma_flow.svg").is_file()


def test_qda_command(shared, tmp_path, capsys):
    """`synthesis qda FILE -o DIR` writes codes.csv (with parent_id and path) and codings.csv."""
    import pandas as pd

    assert main(["qda", str(shared / "fixtures/qdpx/qc-demo.qdpx"), "-o", str(tmp_path)]) == 0
    assert "262 codes, 205 codings" in capsys.readouterr().out
    codes = pd.read_csv(tmp_path / "codes.csv", keep_default_na=False)
    assert list(codes.columns) == ["code_id", "name", "parent_id", "path"] and (codes["parent_id"] == "").sum() == 3
    assert list(pd.read_csv(tmp_path / "codings.csv").columns) == ["source", "code_id", "start", "end", "text"]


def test_codebook_command(tmp_path, capsys):
    """`synthesis codebook REVIEW -o FILE.qdc` exports the initial theory; a review without one is refused."""
    assert main(["codebook", "perinatal-peer-support", "-o", str(tmp_path / "t.qdc")]) == 0
    assert (tmp_path / "t.qdc").read_text().startswith('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook')
    assert main(["codebook", "psw-implementation", "-o", str(tmp_path / "u.qdc")]) == 2
    assert "no initial theories" in capsys.readouterr().err


def test_screening_import_and_conflicts(review_copy, tmp_path, capsys):
    """`screening import` maps a sheet's codes into decisions.csv; `screening conflicts` exits 1 while one is open."""
    folder = review_copy("snhl-phenotyping")
    (folder / "screening" / "resolutions.csv").unlink()
    assert main(["screening", "conflicts", str(folder)]) == 1
    assert "7 conflict(s), 7 unresolved" in capsys.readouterr().err
    sheet = tmp_path / "third.csv"
    sheet.write_text("ID,verdict\n16,out\n")
    status = main(["screening", "import", str(sheet), "--review", str(folder), "--reviewer", "Nish", "--stage",
                   "title-abstract", "--id-column", "ID", "--decision-column", "verdict", "--map", "in=include,out=exclude"])
    assert status == 0 and "Nish, title-abstract: 1 exclude" in capsys.readouterr().out
    decisions = (folder / "screening" / "decisions.csv").read_text()
    assert "ta-Nish-16,16,title-abstract,Nish,exclude,,,third.csv line 2" in decisions


def test_screening_import_refuses_unknown_record(review_copy, tmp_path, capsys):
    """A decision for a record that does not exist exits 2 naming the sheet's line, and writes nothing."""
    folder = review_copy("snhl-phenotyping")
    before = (folder / "screening" / "decisions.csv").read_bytes()
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("record_id,decision\n1,include\nnope,exclude\n")
    assert main(["screening", "import", str(sheet), "--review", str(folder), "--reviewer", "X", "--stage",
                 "full text"]) == 2
    err = capsys.readouterr().err
    assert "sheet.csv:3: record_id: record 'nope' does not exist" in err and "Traceback" not in err
    assert (folder / "screening" / "decisions.csv").read_bytes() == before


def test_studies_command(review_copy, capsys):
    """`synthesis studies` writes studies.csv, reports the fields to fill, and refuses to overwrite without --force."""
    folder = review_copy("snhl-phenotyping")
    (folder / "studies.csv").unlink()
    assert main(["studies", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "7 included studies" in captured.out and "no year" in captured.err
    assert main(["studies", str(folder)]) == 2 and "--force" in capsys.readouterr().err


def test_version(capsys):
    """`synthesis --version` prints the package's version and exits 0."""
    from synthesis import __version__

    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0 and capsys.readouterr().out == f"synthesis {__version__}\n"

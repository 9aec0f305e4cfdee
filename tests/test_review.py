"""Tests for synthesis.review."""

import pytest
from conftest import EXAMPLES

from synthesis import load_review
from synthesis.errors import ReviewProblems
from synthesis.paths import REVIEWS_DIR
from synthesis.review import check_review


@pytest.mark.parametrize("slug", EXAMPLES)
def test_examples_have_no_problems(slug):
    """Every example review validates cleanly."""
    assert check_review(REVIEWS_DIR / slug) == []


def test_broken_row_names_file_line_field(review_copy):
    """A broken row in a copy is reported with its file, line and column."""
    folder = review_copy("perinatal-peer-support")
    path = folder / "studies.csv"
    lines = path.read_text().splitlines()
    lines[4] = lines[4].replace(",2019,", ",twenty nineteen,", 1)
    path.write_text("\n".join(lines) + "\n")
    problems = check_review(folder)
    assert [(p.file.endswith("studies.csv"), p.line, p.field) for p in problems] == [(True, 5, "year")]


def test_unknown_reference(review_copy):
    """A link citing a document the review does not have is reported."""
    folder = review_copy("peer-relationship-appear")
    path = folder / "coding" / "links.csv"
    path.write_text(path.read_text().replace("gidugu2015", "nobody1999", 1))
    problems = check_review(folder)
    assert any("'nobody1999' is not an id in studies.csv" in p.message for p in problems)


def test_yaml_problem_has_line(review_copy):
    """A wrong value in a YAML file is located by line and dotted field."""
    folder = review_copy("psw-implementation")
    path = folder / "review.yml"
    path.write_text(path.read_text().replace("unit: document", "unit: paper"))
    (problem,) = check_review(folder)
    assert problem.field == "unit" and problem.line is not None and "document" in problem.hint


def test_final_theory_must_exist_initially(review_copy):
    """A final theory that is neither new nor initial is reported."""
    folder = review_copy("perinatal-peer-support")
    path = folder / "theory" / "final.yml"
    path.write_text(path.read_text().replace("{id: T24,", "{id: T99,"))
    problems = check_review(folder)
    assert any("'T99' is not in theory/initial.yml" in p.message for p in problems)


def test_slug_must_match_folder(review_copy, tmp_path):
    """The slug in review.yml must equal the folder name."""
    folder = review_copy("psw-implementation")
    renamed = folder.rename(tmp_path / "other-name")
    assert any(p.field == "slug" for p in check_review(renamed))


def test_stray_file_is_reported(review_copy):
    """A file that is not part of the review-folder format is pointed out."""
    folder = review_copy("psw-implementation")
    (folder / "notes.txt").write_text("x")
    assert any(p.file.endswith("notes.txt") for p in check_review(folder))


def test_missing_folder_and_review_yml(tmp_path):
    """A missing folder, or one without review.yml, gives a problem with a hint."""
    assert "no such review folder" in check_review(tmp_path / "nope")[0].message
    (tmp_path / "empty").mkdir()
    assert "synthesis new" in check_review(tmp_path / "empty")[0].hint


def test_load_review_raises_all_problems(review_copy):
    """load_review raises ReviewProblems listing every problem at once."""
    folder = review_copy("psw-implementation")
    path = folder / "measure" / "scores.csv"
    path.write_text(path.read_text().replace(",ulm,1,0,", ",ulm,1,zero,").replace(",ulm,2,0,", ",nowhere,2,0,"))
    with pytest.raises(ReviewProblems) as caught:
        load_review(folder)
    assert len(caught.value.problems) == 2


def test_check_reads_exports(review_copy):
    """`check` reads the raw exports too and reports a record without ER with its line."""
    folder = review_copy("psw-implementation")
    (folder / "search" / "exports").mkdir(parents=True)
    (folder / "search" / "exports" / "medline.ris").write_text("TY  - JOUR\nTI  - A\nER  - \nTY  - JOUR\nTI  - B\n")
    (problem,) = check_review(folder)
    assert problem.file.endswith("medline.ris") and problem.line == 4 and "no ER" in problem.message


def test_line_of_points_later_stages_at_yaml_values_and_csv_rows(mcleish):
    """The loaded review keeps each YAML value's line and each CSV row's, for a later stage's error to name."""
    claims_text = (mcleish.path / "published.yml").read_text(encoding="utf-8").splitlines()
    index = [claim["id"] for claim in mcleish.document("published.yml")["claims"]].index("documents")
    line = mcleish.line_of("published.yml", ("claims", index, "computed"))
    assert "{id: documents," in claims_text[line - 1] and "count:studies.csv" in claims_text[line - 1]
    assert mcleish.line_of("published.yml", ("claims", index, "no-such-key")) == line
    assert mcleish.line_of("studies.csv", (0,)) == 2 and mcleish.line_of("studies.csv", (10_000,)) is None
    assert mcleish.line_of("no-such-file.csv", (0,)) is None

"""Tests for synthesis.screening."""

import pytest

from synthesis import load_review
from synthesis.screening import (
    agreement,
    exclusion_reasons,
    screening_summary,
    stage_counts,
)


def test_agreement_as_published(ibrahim):
    """The screening summary carries the published agreement."""
    table = screening_summary(ibrahim).set_index("stage")
    assert "93%" in table.loc["agreement", "as reported"]


def test_three_stages_always_listed(mcleish):
    """Title-abstract, full text and agreement are always listed."""
    assert list(screening_summary(mcleish)["stage"]) == ["title and abstract", "full text", "agreement"]


def _decisions_review(tmp_path, first, second):
    """A fresh review whose two reviewers screened len(first) records as given."""
    from synthesis.scaffold import new_review

    folder = tmp_path / "kappa"
    new_review(folder)
    lines = ["decision_id,record_id,stage,reviewer,decision,source"]
    for reviewer, decisions in (("A", first), ("B", second)):
        lines += [f"{reviewer}{i},r{i},title-abstract,{reviewer},{d},Sheet" for i, d in enumerate(decisions)]
    (folder / "screening/decisions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_review(folder)


def test_kappa_textbook_value(tmp_path):
    """20 agreements of 25 with marginals 15/10 and 14/11 gives kappa 0.59 (po 0.8, pe 0.512), AC1 beside it."""
    first = ["include"] * 15 + ["exclude"] * 10
    second = ["include"] * 12 + ["exclude"] * 3 + ["include"] * 2 + ["exclude"] * 8
    row = agreement(_decisions_review(tmp_path, first, second)).iloc[0]
    assert row["kappa"] == pytest.approx(round((0.8 - 0.512) / (1 - 0.512), 4))
    assert row["agreement %"] == 80.0 and row["include %"] == 58.0 and row["Gwet's AC1"] is not None


def test_kappa_of_perfect_agreement_on_one_category(tmp_path):
    """Both reviewers excluding everything agree perfectly: every coefficient is 1, not undefined."""
    row = agreement(_decisions_review(tmp_path, ["exclude"] * 3, ["exclude"] * 3)).iloc[0]
    assert (row["kappa"], row["Gwet's AC1"], row["Krippendorff's alpha"]) == (1.0, 1.0, 1.0)


def test_decisions_log(with_decisions):
    """A decisions log gives agreement per reviewer pair, stage counts and exclusion reasons."""
    folder = with_decisions([("r1", "title-abstract", "DT", "include", ""), ("r1", "title-abstract", "RN", "include", ""),
                             ("r2", "title-abstract", "DT", "exclude", ""), ("r2", "title-abstract", "RN", "include", ""),
                             ("r3", "title-abstract", "DT", "exclude", ""), ("r3", "title-abstract", "RN", "exclude", ""),
                             ("r1", "full text", "DT", "exclude", "wrong population"),
                             ("r2", "full text", "DT", "include", "")])
    review = load_review(folder)
    row = agreement(review).iloc[0]
    assert (row["reviewers"], row["records"], row["agreement %"]) == ("DT / RN", 3, 66.7)
    assert exclusion_reasons(review).to_dict("records") == [{"reason": "wrong population", "records": 1}]
    assert stage_counts(review).set_index("stage").loc["full text", "include"] == 1


SNHL = "snhl-phenotyping"


@pytest.fixture(scope="module")
def snhl():
    from synthesis.paths import REVIEWS_DIR

    return load_review(REVIEWS_DIR / SNHL)


def test_kappa_reproduces_snhl(snhl):
    """Both reviewers' decisions on the snhl data give the published kappas 0.8215 and 0.88."""
    from synthesis.screening import kappa_value

    assert kappa_value(snhl, "title-abstract") == 0.8215
    assert kappa_value(snhl, "full text") == 0.88
    assert agreement(snhl).set_index("stage").loc["title-abstract", "records"] == 1498


def test_snhl_conflicts_all_resolved(snhl):
    """The six title-abstract conflicts and the one full-text conflict are each settled by a recorded resolution."""
    from synthesis.screening import conflicts, screening_problems

    table = conflicts(snhl)
    assert sorted(table.loc[table["stage"] == "title-abstract", "record_id"], key=int) == [
        "16", "43", "59", "82", "159", "365"]
    assert set(table["how"]) == {"resolved"} and screening_problems(snhl) == []


def test_last_row_does_not_decide(with_decisions):
    """An include and an exclude on one record stay a conflict whatever their order, and check reports it."""
    from synthesis.review import check_review
    from synthesis.screening import final_decisions

    folder = with_decisions([("r1", "title-abstract", "A", "include", ""), ("r1", "title-abstract", "B", "exclude", ""),
                             ("r2", "title-abstract", "A", "exclude", ""), ("r2", "title-abstract", "B", "include", "")])
    final = final_decisions(load_review(folder)).set_index("record_id")
    assert final["decision"].isna().all() and set(final["how"]) == {"unresolved conflict"}
    assert stage_counts(load_review(folder)).iloc[0][["include", "exclude", "unresolved"]].tolist() == [0, 0, 2]
    problems = [p for p in check_review(folder) if "no resolution" in p.message]
    assert [p.line for p in problems] == [2, 4] and problems[0].field == "decision"


def test_resolution_settles_conflict(with_decisions):
    """A recorded resolution decides a conflict, and its reason is the exclusion reason."""
    from synthesis.screening import conflicts

    folder = with_decisions([("r1", "full text", "A", "include", ""), ("r1", "full text", "B", "exclude", "design")],
                            resolutions=[("r1", "full text", "exclude", "wrong population")])
    review = load_review(folder)
    assert exclusion_reasons(review).to_dict("records") == [{"reason": "wrong population", "records": 1}]
    assert conflicts(review).loc[0, "resolution"] == "exclude"


def test_read_sheet_maps_codes_and_names_bad_rows(tmp_path):
    """A sheet's own codes are mapped; an unmapped code is an error naming its line and column."""
    from synthesis.errors import ReviewError
    from synthesis.screening import parse_mapping, read_sheet

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("ID,response,why\n7,1,\n8,2,off topic\n9,,\n")
    table = read_sheet(sheet, mapping=parse_mapping("1=include,2=exclude"), reviewer="LB", stage="title-abstract",
                       id_column="ID", decision_column="response", reason_column="why")
    assert table[["record_id", "decision", "reason"]].values.tolist() == [["7", "include", None],
                                                                          ["8", "exclude", "off topic"]]
    sheet.write_text("ID,response\n7,1\n8,3\n")
    with pytest.raises(ReviewError) as error:
        read_sheet(sheet, mapping=parse_mapping("1=include,2=exclude"), reviewer="LB", stage="title-abstract",
                   id_column="ID", decision_column="response")
    assert (error.value.problem.line, error.value.problem.field) == (3, "response")
    with pytest.raises(ReviewError):
        parse_mapping("1=keep")


def test_read_sheet_reviewer_and_stage_from_columns(tmp_path):
    """Reviewer and stage may come from columns; a stage that is not one is an error naming its line."""
    from synthesis.errors import ReviewError
    from synthesis.screening import read_sheet

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("record_id,decision,who,phase\na,Included,Ann,TIAB\nb,No,Ben,full-text\n")
    table = read_sheet(sheet, reviewer_column="who", stage_column="phase")
    assert table[["reviewer", "stage", "decision"]].values.tolist() == [["Ann", "title-abstract", "include"],
                                                                        ["Ben", "full text", "exclude"]]
    sheet.write_text("record_id,decision,who,phase\na,yes,Ann,abstracts\n")
    with pytest.raises(ReviewError) as error:
        read_sheet(sheet, reviewer_column="who", stage_column="phase")
    assert error.value.problem.line == 2


def test_read_asreview_export(tmp_path):
    """ASReview LAB's included column: 1 include, 0 exclude, empty unlabelled (no decision)."""
    from synthesis.screening import read_asreview

    export = tmp_path / "asreview.csv"
    export.write_text("record_id,title,abstract,included,asreview_ranking\n0,A,x,1,1\n1,B,y,0,2\n2,C,z,,3\n")
    table = read_asreview(export, reviewer="AS")
    assert table[["record_id", "decision", "stage"]].values.tolist() == [["0", "include", "title-abstract"],
                                                                         ["1", "exclude", "title-abstract"]]


def test_read_rayyan_export(tmp_path):
    """Rayyan's notes give every reviewer's decision, and its exclusion reasons the reason."""
    from synthesis.screening import read_rayyan

    export = tmp_path / "articles.csv"
    export.write_text('key,title,notes\n'
                      'r1,A,"RAYYAN-INCLUSION: {""Alice""=>""Included"", ""Bob""=>""Excluded""} | '
                      'RAYYAN-EXCLUSION-REASONS: wrong population"\n'
                      'r2,B,"RAYYAN-INCLUSION: {""Alice""=>""Maybe""}"\nr3,C,\n')
    table = read_rayyan(export)
    assert table[["record_id", "reviewer", "decision", "reason"]].values.tolist() == [
        ["r1", "Alice", "include", None], ["r1", "Bob", "exclude", "wrong population"], ["r2", "Alice", "maybe", None]]


def test_unknown_record_is_an_error_naming_its_row(snhl, tmp_path):
    """A decision for a record id the review does not have is refused, naming the sheet's line."""
    from synthesis.errors import ReviewError
    from synthesis.screening import check_record_ids, read_sheet

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("ID,response\n1,1\n99999,2\n")
    table = read_sheet(sheet, mapping={"1": "include", "2": "exclude"}, reviewer="X", stage="title-abstract",
                       id_column="ID", decision_column="response")
    with pytest.raises(ReviewError) as error:
        check_record_ids(table, sheet, snhl)
    assert (error.value.problem.line, error.value.problem.field) == (3, "record_id")


def test_merge_replaces_a_sheet_imported_again():
    """Importing the same sheet again replaces its decisions; another reviewer's stay; one record twice is refused."""
    import pandas as pd

    from synthesis.errors import ReviewError
    from synthesis.screening import merge_decisions

    def sheet(name, reviewer, decisions):
        return pd.DataFrame([{"record_id": r, "stage": "title-abstract", "reviewer": reviewer, "decision": d,
                              "reason": None, "date": None, "source": f"{name} line {n + 2}", "_line": n + 2}
                             for n, (r, d) in enumerate(decisions)])

    first = merge_decisions(None, sheet("a.csv", "A", [("10", "include"), ("2", "exclude")]))
    assert list(first["record_id"]) == ["2", "10"]
    both = merge_decisions(first, sheet("b.csv", "B", [("2", "include")]))
    again = merge_decisions(both, sheet("a.csv", "A", [("2", "include")]))
    assert sorted(zip(again["reviewer"], again["record_id"], again["decision"])) == [("A", "2", "include"),
                                                                                    ("B", "2", "include")]
    with pytest.raises(ReviewError):
        merge_decisions(None, sheet("a.csv", "A", [("2", "include"), ("2", "exclude")]))


def test_read_sheet_matches_columns_loosely_and_refuses_shifted_rows(tmp_path):
    """A column named as asked up to case and spacing is found; a row with text past the last column is an error
    naming its line, not silently cut (a comma in an unquoted cell would shift the decision)."""
    from synthesis.errors import ReviewError
    from synthesis.screening import read_sheet

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Record ID,Decision\n7,include\n")
    table = read_sheet(sheet, reviewer="LB", stage="title-abstract")
    assert table[["record_id", "decision"]].values.tolist() == [["7", "include"]]
    sheet.write_text("record_id,decision,reason\n7,exclude,wrong population, adults\n")
    with pytest.raises(ReviewError) as error:
        read_sheet(sheet, reviewer="LB", stage="title-abstract", reason_column="reason")
    assert (error.value.problem.line, error.value.problem.field) == (2, "row")
    sheet.write_text("ID,response\n7,include\n")
    with pytest.raises(ReviewError) as error:
        read_sheet(sheet, reviewer="LB", stage="title-abstract")
    assert error.value.problem.message == "no column for record id, decision"
    assert "'record_id' (record id)" in error.value.problem.hint and "ID, response" in error.value.problem.hint

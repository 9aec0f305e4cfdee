"""Tests for synthesis.agreement (coder and screening agreement)."""

import pandas as pd
import pytest

from synthesis.agreement import (
    coding_agreement,
    coding_disagreements,
    coding_ratings,
    codings_from_qda,
    codings_from_sheet,
    decision_agreement,
    decision_disagreements,
)
from synthesis.cli import main
from synthesis.errors import ReviewError
from synthesis.qda import QdaProject, write_project
from synthesis.reliability import agreement_statistics


CODINGS = pd.DataFrame([
    ("ann", "d1", "trust", "she trusted her"), ("ann", "d1", "trust", "again trust"), ("ben", "d1", "trust", "trust"),
    ("ann", "d2", "trust", "a quote"), ("ben", "d3", "stigma", "they judged me"), ("ann", "d3", "stigma", "judged")],
    columns=["coder", "document", "node", "text"])


def test_document_by_node_units():
    """Every document x node is a unit (uncoded ones too); several codings in one document count once."""
    ratings = coding_ratings(CODINGS, documents=["d1", "d2", "d3", "d4"], nodes=["trust", "stigma", "unused"])
    assert ratings.shape == (12, 2) and list(ratings.columns) == ["ann", "ben"]
    assert ratings.loc[("d1", "trust")].tolist() == [1, 1] and ratings.loc[("d2", "trust")].tolist() == [1, 0]
    assert ratings.loc[("d4", "unused")].tolist() == [0, 0]


def test_coding_agreement_per_node_and_overall():
    """Per node: prevalence, each coder's documents and the statistics; an unused node has no kappa but AC1 1."""
    ratings = coding_ratings(CODINGS, documents=["d1", "d2", "d3", "d4"], nodes=["trust", "stigma", "unused"])
    table = coding_agreement(ratings).set_index("node")
    trust = table.loc["trust"]
    assert (trust["coded by ann"], trust["coded by ben"], trust["disagreements"]) == (2, 1, 1)
    assert trust["prevalence %"] == 37.5 and trust["percent agreement"] == 75.0
    assert trust["Cohen's kappa"] == pytest.approx(0.5)  # po .75, pe .5 (ann 2/4, ben 1/4 coded)
    unused = table.loc["unused"]
    assert unused["prevalence %"] == 0.0 and pd.isna(unused["Cohen's kappa"]) and unused["Gwet's AC1"] == 1.0
    overall = table.loc["(all nodes)"]
    assert overall["units"] == 12 and overall["disagreements"] == 1 and overall["percent agreement"] == 91.7
    assert overall["Krippendorff's alpha"] == pytest.approx(
        round(agreement_statistics(ratings, [0, 1])["Krippendorff's alpha"], 3))


def test_disagreements_list_who_coded_and_the_text():
    """A disagreement names who coded the document to the node, who did not, and the coded text."""
    ratings = coding_ratings(CODINGS, documents=["d1", "d2", "d3"], nodes=["trust", "stigma"])
    disagreements = coding_disagreements(ratings, CODINGS)
    assert disagreements.to_dict("records") == [{"document": "d2", "node": "trust", "coded by": "ann",
                                                 "not coded by": "ben", "coded text": "ann: \u201ca quote\u201d"}]


def _coder_project(coder: str, coded: list[tuple[str, str]]) -> QdaProject:
    """A project of two text documents and codes Context/Trust and Stigma, coded where ``coded`` says."""
    import uuid

    def guid(item: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{item}")).upper()

    codes = pd.DataFrame([
        {"code_id": guid("context"), "name": "Context", "parent_id": "", "path": "Context", "codable": False,
         "description": "", "color": ""},
        {"code_id": guid(f"trust:{coder}"), "name": "Trust", "parent_id": guid("context"), "path": "Context/Trust",
         "codable": True, "description": "", "color": ""},
        {"code_id": guid("stigma"), "name": "Stigma", "parent_id": "", "path": "Stigma", "codable": True,
         "description": "", "color": ""}])
    texts = {guid("s1"): "She trusted the peer supporter.", guid("s2"): "Nobody judged her."}
    sources = pd.DataFrame([{"source_id": guid("s1"), "name": "Interview 1", "path": "", "characters": 31},
                            {"source_id": guid("s2"), "name": "Interview 2", "path": "", "characters": 18}])
    paths = dict(zip(codes["path"], codes["code_id"]))
    codings = pd.DataFrame([{"source": name, "selection_id": guid(f"{coder}:{name}:{path}"), "code_id": paths[path],
                             "code_name": path.rsplit("/", 1)[-1], "start": 0, "end": 9,
                             "text": texts[sources.set_index("name").at[name, "source_id"]][:9], "user": coder,
                             "source_id": sources.set_index("name").at[name, "source_id"], "coding_id": ""}
                            for name, path in coded],
                           columns=["source", "selection_id", "code_id", "code_name", "start", "end", "text", "user",
                                    "source_id", "coding_id"])
    return QdaProject(codes, codings, sources, {guid(coder): coder}, texts=texts)


def test_two_projects_and_the_command_line(tmp_path, capsys):
    """Two coders' .qdpx files are matched by code path (guids differ) and `synthesis agreement` writes the tables."""
    write_project(_coder_project("ann", [("Interview 1", "Context/Trust"), ("Interview 2", "Stigma")]),
                  tmp_path / "ann.qdpx")
    write_project(_coder_project("ben", [("Interview 1", "Context/Trust")]), tmp_path / "ben.qdpx")
    found = codings_from_qda([tmp_path / "ann.qdpx", tmp_path / "ben.qdpx"])
    assert found.documents == ["Interview 1", "Interview 2"] and found.nodes == ["Context/Trust", "Stigma"]
    assert set(found.codings["coder"]) == {"ann", "ben"}
    assert main(["agreement", str(tmp_path / "ann.qdpx"), str(tmp_path / "ben.qdpx"), "-o", str(tmp_path / "out")]) == 0
    table = pd.read_csv(tmp_path / "out/agreement.csv")
    assert list(table["node"]) == ["Context/Trust", "Stigma", "(all nodes)"]
    assert table["disagreements"].tolist() == [0, 1, 1] and table["percent agreement"].tolist() == [100.0, 50.0, 75.0]
    disagreements = pd.read_csv(tmp_path / "out/disagreements.csv")
    assert disagreements[["document", "node", "coded by"]].values.tolist() == [["Interview 2", "Stigma", "ann"]]
    assert "2 coders (ann, ben), 2 documents x 2 nodes: agreement 75.0%" in capsys.readouterr().out


def test_a_coder_who_coded_nothing_counts(tmp_path):
    """A coder whose project has no codings is compared too: every coding of the other is a disagreement."""
    write_project(_coder_project("ann", [("Interview 1", "Stigma")]), tmp_path / "ann.qdpx")
    write_project(_coder_project("ben", []), tmp_path / "ben.qdpx")
    found = codings_from_qda([tmp_path / "ann.qdpx", tmp_path / "ben.qdpx"])
    ratings = coding_ratings(found.codings, found.documents, found.nodes, found.coders)
    assert list(ratings.columns) == ["ann", "ben"] and coding_agreement(ratings).iloc[-1]["disagreements"] == 1


def test_one_project_needs_two_users(tmp_path):
    """A single project whose codings are all by one user is refused with a hint to give a second coder."""
    write_project(_coder_project("ann", [("Interview 1", "Stigma")]), tmp_path / "ann.qdpx")
    with pytest.raises(ReviewError, match="all by ann"):
        codings_from_qda([tmp_path / "ann.qdpx"])


def test_sheet_with_a_coder_column(tmp_path):
    """A coding sheet with a coder column gives each coder's codings; a row without a coder is located."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("document,quote,code,coder\nd1,she trusted,trust;stigma,ann\nd1,trusted,trust,ben\n"
                     "d2,judged,stigma,ben\n")
    found = codings_from_sheet(sheet)
    assert (found.documents, found.nodes, found.coders, found.problems) == (["d1", "d2"], ["trust", "stigma"],
                                                                           ["ann", "ben"], [])
    ratings = coding_ratings(found.codings, found.documents, found.nodes, found.coders)
    assert ratings.loc[("d1", "stigma")].tolist() == [1, 0] and ratings.loc[("d2", "stigma")].tolist() == [0, 1]
    sheet.write_text("document,quote,code,coder\nd1,she trusted,trust,ann\nd1,trusted,trust,\n")
    with pytest.raises(ReviewError) as error:
        codings_from_sheet(sheet)
    assert (error.value.problem.line, error.value.problem.field) == (3, "coder")


def test_screening_decisions():
    """Record x reviewer decisions: records screened by one reviewer drop out; prevalence per decision; conflicts."""
    decisions = pd.DataFrame({"JM": ["include", "exclude", "exclude", "include", None],
                              "SA": ["include", "exclude", "include", "include", "exclude"]},
                             index=["r1", "r2", "r3", "r4", "r5"])
    row = decision_agreement(decisions, ["include", "exclude"]).iloc[0]
    assert (row["records"], row["reviewers"], row["percent agreement"]) == (4, 2, 75.0)
    assert row["include %"] == pytest.approx(100 * 5 / 9, abs=0.05) and row["Cohen's kappa"] == 0.5
    assert decision_disagreements(decisions).to_dict("records") == [{"record": "r3", "JM": "exclude",
                                                                     "SA": "include"}]


def test_a_reviews_double_coding(tmp_path):
    """Two coders in coding/excerpts.csv are compared on every document x node, and their disagreements listed."""
    from own_review import write_coded_review

    from synthesis import load_review
    from synthesis.agreement import review_coding_agreement, review_coding_disagreements

    folder = write_coded_review(tmp_path / "double")
    (folder / "coding/excerpts.csv").write_text(
        "excerpt_id,document,quote,nodes,coder,source\n"
        "X1,a2020,She knew,C-home;M-understood,ann,Sheet 2\n"
        "X2,a2020,She knew,C-home,ben,Sheet 3\n"
        "X3,b2021,At home,C-home,ann,Sheet 4\n"
        "X4,b2021,At home,C-home,ben,Sheet 5\n", encoding="utf-8")
    review = load_review(folder)
    overall = review_coding_agreement(review).set_index("node").loc["(all nodes)"]
    assert overall["units"] == 9 and overall["disagreements"] == 1 and overall["percent agreement"] == 88.9
    disagreements = review_coding_disagreements(review)
    assert disagreements[["document", "node", "coded by", "not coded by"]].values.tolist() == \
        [["a2020", "M-understood", "ann", "ben"]]


def test_single_coder_review_has_no_agreement(tmp_path):
    """A review coded by one coder (or none named) gives empty agreement tables, not an error."""
    from own_review import write_coded_review

    from synthesis import load_review
    from synthesis.agreement import review_coding_agreement, review_coding_disagreements

    review = load_review(write_coded_review(tmp_path / "single"))
    assert review_coding_agreement(review).empty and review_coding_disagreements(review).empty

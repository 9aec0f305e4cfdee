"""Tests for synthesis.evidence: one count per node, from excerpts, links and node lists alike."""

from pathlib import Path

import pytest

from synthesis import evidence, final_theory, load_review, tallies
from synthesis.scaffold import new_review

from own_review import EXCERPTS, write_coded_review

@pytest.fixture
def coded_review(tmp_path) -> Path:
    """A review in progress, made by `synthesis new`, coded only through excerpts."""
    return write_coded_review(tmp_path / "my-review")


def test_excerpts_are_evidence(coded_review):
    """Documents coded through excerpts support their nodes; a node nobody coded counts zero in one's own review."""
    support = evidence.node_support(load_review(coded_review)).set_index("node_id")
    assert support.loc["C-home", "documents"] == ["a2020", "b2021"]
    assert support["n"].to_dict() == {"C-home": 2, "M-understood": 2, "O-uptake": 0}
    assert set(support["basis"]) == {"documents identified"}


def test_excerpt_coded_theories_are_supported(coded_review):
    """A theory coded only through excerpts is kept; one with an uncoded node is refined; one with none unsupported."""
    review = load_review(coded_review)
    table = final_theory.classify_theories(review).set_index("theory")
    assert table["from the evidence"].to_dict() == {"T1": "kept", "T2": "refined", "T3": "unsupported"}
    assert table.loc["T1", "documents"] == "a2020; b2021"
    model = final_theory.final_model(review, "markdown")
    assert "~~3: Uptake alone~~" in model and "~~1:" not in model


def test_min_documents_applies_to_the_same_counts(coded_review):
    """Raising min_documents above every count leaves no theory supported."""
    table = final_theory.classify_theories(load_review(coded_review), min_documents=3)
    assert set(table["from the evidence"]) == {"unsupported"}


def test_tallies_and_matrix_agree_with_the_evidence(coded_review):
    """The node tally, the presence matrix and the evidence model give every node the same count."""
    review = load_review(coded_review)
    support = evidence.node_support(review).set_index("node_id")["n"]
    tally = tallies.node_tally(review).set_index("node_id")["n"]
    matrix = tallies.presence_matrix(review).sum(axis=0)
    for node in ("C-home", "M-understood"):
        assert support[node] == tally[node] == matrix[node]
    assert tallies.node_tally(review).set_index("node_id").loc["C-home", "coded in"] == "2 of 3 (67%)"


def test_published_count_is_a_floor(hackmann):
    """Where a paper publishes more documents than it names, the published n is the count, and says so."""
    support = evidence.node_support(hackmann).set_index("node_id")
    row = support.loc["C-empowering"]
    assert row["identified"] < row["n"] == row["published n"] == 18
    assert row["basis"] == "published n"
    assert tallies.matrix_tallies(hackmann).set_index("node_id").loc["C-empowering", "evidence n"] == 18


def test_documents_for_several_nodes(coded_review):
    """documents_for unites the documents of the nodes named, sorted, and is empty for no nodes."""
    review = load_review(coded_review)
    assert evidence.documents_for(review, ["C-home", "M-understood"]) == ["a2020", "b2021"]
    assert evidence.documents_for(review, []) == []


def test_denominator_of_a_review_without_documents(tmp_path):
    """A fresh review counts in zero documents and says why, instead of failing."""
    new_review(tmp_path / "fresh")
    total, basis = evidence.denominator(load_review(tmp_path / "fresh"))
    assert total == 0 and "no included documents" in basis


def test_theory_trail_reaches_the_quotes(coded_review):
    """Every excerpt behind a theory's nodes is listed with its document and quote; uncoded nodes add nothing."""
    trail = final_theory.theory_evidence_trail(load_review(coded_review))
    t1 = trail[trail["theory"] == "T1"]
    assert sorted(t1["quote"]) == ["I could talk at home", "She knew what I meant", "She knew what I meant",
                                   "Someone who had been there"]
    assert set(trail["theory"]) == {"T1", "T2"} and set(trail["via"]) == {"excerpt"}


def _with_directions(folder: Path, directions: dict[str, str]) -> None:
    lines = EXCERPTS.splitlines()
    rows = [lines[0] + ",direction"] + [f"{line},{directions.get(line.split(',')[0], '')}" for line in lines[1:]]
    (folder / "coding/excerpts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_refuting_evidence_is_counted_apart(coded_review):
    """A refuting excerpt is listed under refuting, not as support, and its document leaves the presence matrix."""
    _with_directions(coded_review, {"X3": "refutes"})
    review = load_review(coded_review)
    support = evidence.node_support(review).set_index("node_id")
    assert support.loc["M-understood", "documents"] == ["a2020"]
    assert support.loc["M-understood", "refuting"] == ["b2021"]
    assert tallies.presence_matrix(review).loc["b2021", "M-understood"] == 0
    row = final_theory.classify_theories(review).set_index("theory").loc["T1"]
    assert row["refuting"] == "b2021" and row["n refuting"] == 1


@pytest.mark.parametrize("rule, expected", [("outweigh", "refined"), ("veto", "refined"), ("ignore", "kept")])
def test_refutation_rule_sets_the_status(coded_review, rule, expected):
    """One supporting and one refuting document: outweigh and veto refute the node, ignore keeps the theory."""
    _with_directions(coded_review, {"X3": "refutes"})
    table = final_theory.classify_theories(load_review(coded_review), refutation=rule).set_index("theory")
    assert table.loc["T1", "from the evidence"] == expected


def test_support_outweighs_a_single_refutation(coded_review):
    """Under outweigh, two supporting documents against one refuting keep a node supported; veto refutes it."""
    _with_directions(coded_review, {})
    with (coded_review / "coding/excerpts.csv").open("a", encoding="utf-8") as sheet:
        sheet.write("X4,c2022,Nobody understood me,M-understood,Sheet row 5,refutes\n")
    review = load_review(coded_review)
    assert evidence.node_support(review).set_index("node_id").loc["M-understood", "refuting"] == ["c2022"]
    status = {rule: final_theory.classify_theories(review, refutation=rule).set_index("theory").loc["T1", "from the evidence"]
              for rule in ("outweigh", "veto")}
    assert status == {"outweigh": "kept", "veto": "refined"}


def test_refining_evidence_refines(coded_review):
    """Evidence that refines a node turns an otherwise kept theory into a refined one."""
    _with_directions(coded_review, {"X1": "refines"})
    table = final_theory.classify_theories(load_review(coded_review)).set_index("theory")
    assert table.loc["T1", "from the evidence"] == "refined"


def test_unknown_refutation_rule_is_the_projects_error(coded_review):
    """A misspelt rule is a ReviewError naming the parameter and the rules there are."""
    from synthesis.errors import ReviewError

    with pytest.raises(ReviewError, match="outweigh, veto, ignore"):
        final_theory.classify_theories(load_review(coded_review), refutation="balance")


def test_memos_stand_beside_the_trail(coded_review):
    """A memo about an excerpt and one about a node appear beside the trail's rows they annotate."""
    (coded_review / "coding/memos.csv").write_text(
        "memo_id,about,node,document,excerpt,text,source\n"
        "M1,excerpt,,,X1,Home visits matter here,QDA\n"
        "M2,node,O-uptake,,,Uptake is rare,QDA\n", encoding="utf-8")
    trail = final_theory.theory_evidence_trail(load_review(coded_review))
    x1 = trail[(trail["theory"] == "T1") & (trail["quote"] == "She knew what I meant")]
    assert set(x1["memos"]) == {"M1: Home visits matter here"}

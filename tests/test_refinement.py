"""Tests for synthesis.refinement and the checks on theory/iterations.yml: rounds of theory refinement as data."""

from pathlib import Path

import pytest

from synthesis import final_theory, load_review, refinement
from synthesis.review import check_review

from own_review import EXCERPTS, write_coded_review

ROUNDS = """rounds:
  - round: 1
    date: "2025-03-01"
    label: After the first ten documents
    evidence: [X1, X2, X3]
    reasoning: Being understood mattered at home, not in groups.
    source: Team meeting 2025-03-01
    theories:
      - {id: T1, status: refined, statement: Being understood by a peer at home, change: narrowed to home visits,
         evidence: [X2], nodes: [C-home, M-understood]}
      - {id: T2a, status: split, from: [T2], statement: Understanding leads to uptake of home visits,
         evidence: [X1]}
      - {id: T2b, status: split, from: [T2], statement: Understanding leads to uptake of groups, evidence: [X4]}
      - {id: T3, status: dropped, change: no document supports uptake alone, evidence: [c2022]}
  - round: 2
    date: "2025-05-01"
    label: Final programme theory
    source: Team meeting 2025-05-01
    theories:
      - {id: T1, status: kept}
      - {id: T2, status: merged, from: [T2a, T2b], statement: Understanding leads to uptake, evidence: [X3]}
      - {id: T4, status: new, statement: Peers model help-seeking, evidence: [X4]}
source: Synthesis meetings
"""


@pytest.fixture
def refined_review(tmp_path) -> Path:
    """A scaffolded review with supporting and refuting excerpts and three rounds (0 from initial.yml, 1 and 2)."""
    folder = write_coded_review(tmp_path / "refined")
    (folder / "coding/excerpts.csv").write_text(
        EXCERPTS.replace("source\n", "source,direction\n", 1).replace("row 2\n", "row 2,\n").replace(
            "row 3\n", "row 3,refutes\n").replace("row 4\n", "row 4,\n")
        + "X4,c2022,I went because she asked me,O-uptake,Sheet row 5,supports\n", encoding="utf-8")
    (folder / "theory/iterations.yml").write_text(ROUNDS, encoding="utf-8")
    return folder


def test_three_rounds_check_and_load(refined_review):
    """The three rounds pass the check; round 0 is the initial theory; every round lists its theories."""
    assert check_review(refined_review) == []
    table = refinement.round_table(load_review(refined_review))
    assert sorted(set(table["round"])) == [0, 1, 2]
    assert table[table["round"] == 0]["status"].unique().tolist() == ["initial"]
    assert table[(table["round"] == 2) & (table["theory"] == "T1")]["statement"].item() == \
        "Being understood by a peer at home"


def test_diff_sets_each_change_in_the_convention(refined_review):
    """Refined shows old struck and new; split, merged and new in capitals with their origin; dropped struck."""
    review = load_review(refined_review)
    first = refinement.round_diff(review, 1).set_index("theory")["as set"]
    assert first["T1"] == "~~Being understood at home~~ Being understood by a peer at home"
    assert first["T2a"] == "UNDERSTANDING LEADS TO UPTAKE OF HOME VISITS (from T2)"
    assert first["T3"] == "~~Uptake alone~~"
    second = refinement.round_diff(review, 2).set_index("theory")
    assert second.loc["T2", "as set"] == "UNDERSTANDING LEADS TO UPTAKE (from T2a, T2b)"
    assert second.loc["T1", "as set"] == "Being understood by a peer at home"
    assert refinement.round_diff(review, 3).empty and refinement.round_diff(review, 0).empty


def test_trail_reaches_quotes_of_every_change(refined_review):
    """Each change is listed with the quotes it cites; a cited document appears as itself; kept theories are not."""
    trail = refinement.refinement_trail(load_review(refined_review))
    assert "kept" not in set(trail["status"])
    t1 = trail[(trail["round"] == 1) & (trail["theory"] == "T1")]
    assert t1["quote or memo"].tolist() == ["I could talk at home"] and t1["document"].tolist() == ["b2021"]
    dropped = trail[trail["theory"] == "T3"]
    assert dropped["document"].tolist() == ["c2022"] and dropped["quote or memo"].tolist() == [""]


def test_statuses_follow_the_evidence_directions(refined_review):
    """With X2 refuting C-home, the evidence refines T1 (outweigh) and keeps it when refutation is ignored."""
    review = load_review(refined_review)
    assert final_theory.classify_theories(review).set_index("theory").loc["T1", "from the evidence"] == "refined"
    assert final_theory.classify_theories(review, refutation="ignore").set_index("theory").loc[
        "T1", "from the evidence"] == "kept"


@pytest.mark.parametrize("old, new, message", [
    ("      - {id: T1, status: kept}\n", "      - {id: T1, status: kept}\n      - {id: T1, status: kept}\n",
     "'T1' appears twice"),
    ("      - {id: T3, status: dropped, change: no document supports uptake alone, evidence: [c2022]}\n", "",
     "'T3' of the round before is not accounted for"),
    ("from: [T2], statement: Understanding leads to uptake of groups",
     "from: [T9], statement: Understanding leads to uptake of groups", "'T9' is not a theory of the round before"),
    ("evidence: [c2022]}", "evidence: [X99]}", "'X99' is neither an excerpt id"),
    ("{id: T4, status: new, statement: Peers model help-seeking,", "{id: T4, status: new,",
     "a new theory has no statement"),
    ("round: 2", "round: 5", "round 5 where 2 was expected"),
    ("change: narrowed to home visits,", "", "does not say what changed"),
    ('date: "2025-05-01"', 'date: "2025-01-01"', "earlier than the round before"),
])
def test_broken_rounds_are_reported_with_their_line(refined_review, old, new, message):
    """Each broken rule of the rounds is one problem naming theory/iterations.yml, its line and the rule."""
    assert old in ROUNDS
    (refined_review / "theory/iterations.yml").write_text(ROUNDS.replace(old, new, 1), encoding="utf-8")
    problems = [p for p in check_review(refined_review) if p.file.endswith("theory/iterations.yml")]
    assert any(message in p.message for p in problems), problems
    assert all(p.line for p in problems)

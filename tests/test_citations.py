"""Tests for synthesis.citations."""

from synthesis import citations


def test_reference_lists_read_whole(mcleish):
    """Each paper's reference list is read with all its references (106, 56, 65)."""
    summary = citations.import_summary(mcleish, ["peer-relationship-appear", "psw-implementation"])
    assert summary.set_index("review")["records"].to_dict() == {
        "perinatal-peer-support": 106, "peer-relationship-appear": 56, "psw-implementation": 65}


def test_shared_references_found(mcleish):
    """Repper & Carter 2011 (two journal abbreviations) and Leamy 2011 (all three lists) are found."""
    shared, possible = citations.shared_references(mcleish, ["peer-relationship-appear", "psw-implementation"])
    titles = dict(zip(shared["title"].str[:40], shared["lists"]))
    assert titles["A review of the literature on peer suppo"] == "peer-relationship-appear, psw-implementation"
    assert titles["Conceptual framework for personal recove"].count(",") == 2
    assert len(shared) == 6


def test_different_papers_with_shared_words_stay_apart(mcleish):
    """The two RAMESES standards (realist syntheses; meta-narrative reviews) are not grouped."""
    shared, _ = citations.shared_references(mcleish, ["peer-relationship-appear"])
    assert not shared["title"].str.contains("RAMESES").any()


def test_misprinted_pages_wait_for_a_person(mcleish):
    """Gillard 2015, whose pages McLeish misprints, goes to the possible queue rather than being grouped."""
    _, possible = citations.shared_references(mcleish, ["peer-relationship-appear"])
    assert {"McLeish2023-ref038", "Hackmann2025-ref042"} <= set(possible["record_a"]) | set(possible["record_b"])


def test_no_comparison(mcleish):
    """Without other lists there is nothing shared."""
    shared, possible = citations.shared_references(mcleish, [])
    assert shared.empty and possible.empty

"""Tests for synthesis.search."""

from synthesis import search


def test_mcleish_query_has_three_blocks(mcleish):
    """The perinatal strategy ORs terms inside blocks and ANDs the three blocks."""
    query = search.boolean_query(mcleish)
    assert query.count("\nAND ") == 2
    assert query.startswith("(Perinatal OR Pregnan* OR Antenatal*")
    assert '"Mental health"' in query and '"Community run organi*"' in query


def test_phrases_are_quoted():
    """Several words become a quoted phrase; single words and truncation stay as they are."""
    assert search.format_term("support group") == '"support group"' and search.format_term("Peer*") == "Peer*"


def test_unpublished_strategy_says_where_it_is(hackmann):
    """A review whose text has no terms says where the strategy is published."""
    assert search.boolean_query(hackmann) is None
    assert "supplemental appendix 1" in search.strategy_availability(hackmann)


def test_databases_and_log(ibrahim):
    """Ibrahim's eleven databases are listed and unreported hits say so."""
    assert len(search.databases(ibrahim)) == 11
    assert set(search.search_log(ibrahim)["hits"]) == {"not reported"}

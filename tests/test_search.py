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


def test_render_for_each_interface(mcleish):
    """The strategy is written in each interface's own syntax."""
    assert search.render_strategy(mcleish, "PubMed").startswith("(Perinatal[tiab] OR Pregnan*[tiab]")
    ovid = search.render_strategy(mcleish, "Ovid").splitlines()
    assert ovid[1].startswith("2. (Mental health or Mental illness") and ovid[-1] == "4. 1 and 2 and 3"
    assert search.render_strategy(mcleish, "EBSCO").splitlines()[-1] == "S4  S1 AND S2 AND S3"
    assert search.render_strategy(mcleish, "Scopus").count("TITLE-ABS-KEY(") == 3
    assert search.render_strategy(mcleish, "Web of Science").startswith("TS=(Perinatal")
    assert search.render_strategy(load_hackmann(), "PubMed") is None


def load_hackmann():
    from synthesis import load_review
    from synthesis.paths import REVIEWS_DIR

    return load_review(REVIEWS_DIR / "peer-relationship-appear")


def test_local_application_truncation_and_phrases(mcleish):
    """Truncation matches word endings and phrases match across punctuation; every block must match."""
    import pandas as pd

    records = pd.DataFrame({"record_id": ["a", "b", "c"], "title": [
        "Peer-support for mothers with postnatal depression", "Pregnancy and mental-health: volunteers",
        "Peer support for fathers"]})
    hits = search.apply_strategy(mcleish, records, ("title",)).set_index("record_id")["retrieved"]
    assert hits.to_dict() == {"a": True, "b": True, "c": False}


def test_known_item_recall_on_titles(mcleish):
    """20 of McLeish's 29 documents are found from their titles alone; the community reports are not."""
    table, sentence = search.known_item_recall(mcleish, search.included_items(mcleish), ("title",))
    assert "20 of 29" in sentence
    assert not table.set_index("record_id").loc["acacia2019", "retrieved"]


def test_recall_of_a_review_without_included_documents(tmp_path):
    """With concept blocks but no included documents yet, known-item recall says so instead of failing."""
    from synthesis import load_review
    from synthesis.scaffold import new_review

    folder = tmp_path / "blocks-only"
    new_review(folder)
    strategy = (folder / "search/strategy.yml").read_text().replace(
        "blocks: []", "blocks:\n  - {name: population, terms: [Pregnan*], source: Protocol}")
    (folder / "search/strategy.yml").write_text(strategy)
    review = load_review(folder)
    table, sentence = search.known_item_recall(review, search.included_items(review), ("title",))
    assert table.empty and "studies.csv" in sentence

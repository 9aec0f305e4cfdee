"""Tests for synthesis.dedup."""

import pandas as pd
import pytest

from synthesis.dedup import deduplicate, pairwise_scores
from synthesis.records import RECORD_FIELDS, read_records, records_frame


def _records(*rows):
    frame = pd.DataFrame([{**{f: "" for f in RECORD_FIELDS}, **row} for row in rows])
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame


BASE = {"title": "Peer support for mothers with postnatal depression: a pilot study", "authors": "Cust, F",
        "year": 2016, "journal": "Community Pract", "volume": "89", "pages": "38-41"}


def _groups(result):
    return result.groups.groupby("group_id")["record_id"].agg(frozenset).tolist()


def test_case_and_punctuation_variants_are_grouped():
    """The same paper with different case and punctuation is one group, and the reason says why."""
    result = deduplicate(_records({**BASE, "record_id": "a"},
                                  {**BASE, "record_id": "b", "title": BASE["title"].upper() + "."}))
    assert frozenset({"a", "b"}) in _groups(result)
    assert "duplicate of a" in result.groups.set_index("record_id").loc["b", "reason"]


def test_different_dois_never_grouped():
    """Two records with different DOIs are never grouped, whatever else they share."""
    result = deduplicate(_records({**BASE, "record_id": "a", "doi": "10.1000/a"}, {**BASE, "record_id": "b", "doi": "10.1000/b"}))
    assert result.groups["group_id"].nunique() == 2


def test_same_title_different_year_is_not_a_duplicate():
    """An annual editorial with the same title in another year stays separate."""
    result = deduplicate(_records({**BASE, "record_id": "a", "volume": "", "pages": ""},
                                  {**BASE, "record_id": "b", "year": 2018, "volume": "", "pages": ""}))
    assert result.groups["group_id"].nunique() == 2


def test_identical_records_always_grouped():
    """Byte-identical records (even without a title) are grouped."""
    row = {"title": "", "authors": "", "year": 2000, "journal": "J", "record_id": "a"}
    result = deduplicate(_records(row, {**row, "record_id": "b"}))
    assert result.groups["group_id"].nunique() == 1


def test_chains_cannot_join_two_dois():
    """A record without DOI matching two records with different DOIs joins at most one of them."""
    result = deduplicate(_records({**BASE, "record_id": "a", "doi": "10.1000/a"}, {**BASE, "record_id": "b"},
                                  {**BASE, "record_id": "c", "doi": "10.1000/c"}))
    assert result.groups["group_id"].nunique() == 2
    assert "different DOIs" in " ".join(result.possible["evidence"])


def test_kept_record_follows_source_preference():
    """The preferred database's record is kept; otherwise the most complete."""
    records = _records({**BASE, "record_id": "a", "database": "Scopus"},
                       {**BASE, "record_id": "b", "database": "MEDLINE", "title": BASE["title"] + "."})
    kept = deduplicate(records, prefer=["MEDLINE"]).groups.set_index("record_id")["kept"]
    assert kept["b"] and not kept["a"]
    records.loc[1, "database"] = ""
    records.loc[0, "abstract"] = "Longer record"
    assert deduplicate(records).groups.set_index("record_id").loc["a", "kept"]


def test_result_does_not_depend_on_order():
    """Shuffling the input gives the same groups."""
    rows = [{**BASE, "record_id": "a"}, {**BASE, "record_id": "b", "title": BASE["title"].lower()},
            {**BASE, "record_id": "c", "title": "Something else entirely", "pages": "1-2"}]
    first = set(_groups(deduplicate(_records(*rows))))
    assert set(_groups(deduplicate(_records(*reversed(rows))))) == first


def test_unique_ids_required():
    """Repeated record ids are refused rather than silently confused."""
    with pytest.raises(ValueError, match="not unique"):
        deduplicate(_records({**BASE, "record_id": "a"}, {**BASE, "record_id": "a"}))


def test_special_cases(shared):
    """The labelled hard cases: conference vs journal versions and annual minitracks stay apart."""
    folder = shared / "benchmarks/dedup/special_cases"
    result = deduplicate(records_frame(read_records(folder / "records_pre_merged.csv").records))
    predicted = [set(g) for g in _groups(result) if len(g) > 1]
    truth = [set(ids.split(";")) for ids in pd.read_csv(folder / "merged_record_ids.csv")["merged_ids"]]
    assert pairwise_scores(predicted, truth)["false_merges"] == 0


@pytest.mark.parametrize("name", ["stroke", "haematology", "cytology_screening"])
def test_no_false_merges_on_labelled_sets(shared, name):
    """No two different papers are grouped on the labelled benchmark sets."""
    folder = shared / "benchmarks/dedup" / name
    result = deduplicate(records_frame(read_records(folder / "records_pre_merged.csv").records))
    predicted = [set(g) for g in _groups(result) if len(g) > 1]
    truth = [set(ids.split(";")) for ids in pd.read_csv(folder / "merged_record_ids.csv")["merged_ids"]]
    scores = pairwise_scores(predicted, truth)
    assert scores["false_merges"] == 0 and scores["recall"] > 0.8


def test_pairwise_scores():
    """Precision and recall count pairs inside groups."""
    assert pairwise_scores([{"a", "b", "c"}], [{"a", "b"}]) == {
        "predicted_pairs": 3, "true_pairs": 1, "correct": 1, "false_merges": 2, "precision": 1 / 3, "recall": 1.0}

"""Property-based tests (hypothesis): write-read round trips, the invariants of de-duplication, and tallies that
never exceed their denominators."""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthesis.dedup import deduplicate
from synthesis.records import (
    RECORD_FIELDS,
    read_records,
    records_frame,
    write_bibtex,
    write_ris,
)
from synthesis.tallies import coded_in

# Deterministic in CI: the same examples every run, no example database written into the project.
PROPERTIES = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow])

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüçøß0123456789"
_word = st.text(_LETTERS, min_size=1, max_size=10)
_words = st.lists(_word, min_size=1, max_size=8).map(" ".join)
_sentence = st.lists(st.one_of(_word, st.sampled_from([".", ",", ":", "?", "(x)", "{braced}", "-", "&"])),
                     min_size=1, max_size=12).map(" ".join)
_name = st.builds(lambda last, first: f"{last}, {first}", _word.filter(lambda w: w.lower() != "and"),
                  _word.filter(lambda w: w.lower() != "and"))
_doi = st.builds(lambda prefix, suffix: f"10.{prefix}/{suffix}", st.integers(1000, 99999),
                 st.text("abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=12).filter(
                     lambda s: s[-1] not in ".-"))


@st.composite
def records(draw, min_size=1, max_size=8):
    """Normalised records as the readers produce them."""
    count = draw(st.integers(min_size, max_size))
    rows = []
    for index in range(count):
        rows.append({
            "record_id": f"r{index}", "type": "JOUR", "title": draw(_sentence),
            "authors": "; ".join(draw(st.lists(_name, min_size=1, max_size=4))),
            "year": draw(st.integers(1950, 2030)), "journal": draw(_words),
            "volume": draw(st.one_of(st.just(""), st.integers(1, 300).map(str))),
            "issue": draw(st.one_of(st.just(""), st.integers(1, 12).map(str))),
            "pages": draw(st.one_of(st.just(""), st.builds(lambda a, b: f"{a}-{a + b}", st.integers(1, 900),
                                                           st.integers(1, 40)))),
            "doi": draw(st.one_of(st.just(""), _doi)), "abstract": draw(st.one_of(st.just(""), _sentence)),
            "keywords": "; ".join(draw(st.lists(_words, max_size=3)))})
    return records_frame(rows)


_COMPARED = ["title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract", "keywords"]


def _round_trip(frame: pd.DataFrame, writer, suffix: str) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out{suffix}"
        writer(frame, path)
        return records_frame(read_records(path).records)


@PROPERTIES
@given(records())
def test_ris_round_trip(frame):
    """Records written as RIS read back with the same fields."""
    again = _round_trip(frame, write_ris, ".ris")
    assert again[_COMPARED].to_dict("records") == frame[_COMPARED].to_dict("records")


@PROPERTIES
@given(records())
def test_bibtex_round_trip(frame):
    """Records written as BibTeX read back with the same fields, braces in titles included."""
    again = _round_trip(frame, write_bibtex, ".bib")
    assert again[_COMPARED].to_dict("records") == frame[_COMPARED].to_dict("records")


def _groups(result) -> set[frozenset]:
    return {frozenset(ids) for ids in result.groups.groupby("group_id")["record_id"].apply(list)}


@st.composite
def record_sets(draw):
    """Records, some of them copies (exact or with another id) of others, in a drawn order."""
    frame = draw(records(min_size=2, max_size=10))
    copies = draw(st.lists(st.integers(0, len(frame) - 1), max_size=4))
    extra = frame.iloc[copies].copy()
    extra["record_id"] = [f"copy{i}" for i in range(len(extra))]
    combined = pd.concat([frame, extra], ignore_index=True)
    order = draw(st.permutations(list(range(len(combined)))))
    return combined.iloc[order].reset_index(drop=True)


@PROPERTIES
@given(record_sets())
def test_identical_copies_are_always_grouped(frame):
    """Every exact copy lands in the group of the record it copies."""
    result = deduplicate(frame)
    group_of = dict(zip(result.groups["record_id"], result.groups["group_id"]))
    for row in frame[frame["record_id"].str.startswith("copy")].to_dict("records"):
        twins = frame[(frame[_COMPARED] == pd.Series(row)[_COMPARED]).all(axis=1)]["record_id"]
        assert len({group_of[t] for t in twins}) == 1


@PROPERTIES
@given(record_sets())
def test_different_dois_are_never_grouped(frame):
    """No group holds two records with different DOIs."""
    result = deduplicate(frame)
    dois = dict(zip(frame["record_id"], frame["doi"]))
    for members in _groups(result):
        assert len({dois[m] for m in members if dois[m]}) <= 1


@PROPERTIES
@given(record_sets(), st.randoms(use_true_random=False))
def test_grouping_does_not_depend_on_record_order(frame, random):
    """Shuffling the records gives the same groups."""
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    assert _groups(deduplicate(shuffled)) == _groups(deduplicate(frame))


@PROPERTIES
@given(record_sets())
def test_deduplication_is_idempotent(frame):
    """De-duplicating the kept records finds no further duplicates."""
    kept = deduplicate(frame).unique(frame)
    again = deduplicate(kept[RECORD_FIELDS] if set(RECORD_FIELDS) <= set(kept.columns) else kept)
    assert again.groups["group_id"].nunique() == len(kept)


_matrices = st.builds(lambda rows, cols, seed: pd.DataFrame(
    np.random.default_rng(seed).random((rows, cols)) < 0.4, columns=[f"n{i}" for i in range(cols)]),
    st.integers(0, 40), st.integers(1, 8), st.integers(0, 2**32 - 1))


@PROPERTIES
@given(_matrices)
def test_tallies_never_exceed_their_denominator(matrix):
    """Each node's n is between 0 and N, its percent between 0 and 100 and equal to 100 n / N rounded."""
    table = coded_in(matrix)
    assert (table["N"] == len(matrix)).all() and table["n"].between(0, len(matrix)).all()
    assert table["percent"].between(0, 100).all()
    if len(matrix):
        assert np.allclose(table["percent"], 100 * table["n"] / len(matrix), atol=0.05 + 1e-9)


@PROPERTIES
@given(st.lists(st.integers(0, 5), min_size=1, max_size=60))
def test_percentages_of_a_partition_add_up(categories):
    """When every unit is in exactly one category, the n add up to N and the percents to 100 (within rounding)."""
    matrix = pd.get_dummies(pd.Series(categories)).astype(bool)
    table = coded_in(matrix)
    assert table["n"].sum() == len(categories)
    assert abs(table["percent"].sum() - 100) <= 0.05 * len(table) + 1e-9

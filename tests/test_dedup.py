"""Tests for synthesis.dedup."""

import json
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from synthesis.dedup import deduplicate, pairwise_scores, prepare, read_decisions
from synthesis.errors import ReviewError, ReviewProblems
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
    """No two different papers are grouped on the labelled benchmark sets, and most labelled pairs of records
    of one kind of document (what the rules may merge) are found."""
    folder = shared / "benchmarks/dedup" / name
    records = records_frame(read_records(folder / "records_pre_merged.csv").records)
    result = deduplicate(records)
    predicted = [set(g) for g in _groups(result) if len(g) > 1]
    truth = [set(ids.split(";")) for ids in pd.read_csv(folder / "merged_record_ids.csv")["merged_ids"]]
    assert pairwise_scores(predicted, truth)["false_merges"] == 0
    # Some sets label an erratum, a conference abstract or a trial registration with the article as one study;
    # the rules keep those apart on purpose, so recall is measured on pairs of the same kind of document.
    kinds = prepare(records).set_index("record_id")[["kind", "conference"]].apply(tuple, axis=1).to_dict()
    same_kind = [{a, b} for g in truth for a, b in combinations(sorted(g), 2) if kinds[a] == kinds[b]]
    assert pairwise_scores(predicted, same_kind)["recall"] > 0.8


def _pair_case_records(case, tmp_path):
    columns = ["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages", "doi", "url"]
    path = tmp_path / "pair.csv"
    rows = []
    for side in ("record_a", "record_b"):
        record = case[side]
        row = {c: record.get(c) or "" for c in columns}
        row["journal"] = row["journal"] or record.get("booktitle") or ""
        rows.append(row)
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return records_frame(read_records(path).records)


def _pair_cases(shared):
    path = shared / "benchmarks/dedup/pair_cases.json"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", _pair_cases(Path(__file__).parents[2] / "shared"), ids=lambda c: c["id"])
def test_pair_cases(case, tmp_path):
    """bib-dedupe's 25 hard pairs: the 10 duplicates are grouped, none of the 15 non-duplicates."""
    result = deduplicate(_pair_case_records(case, tmp_path))
    assert (result.groups["group_id"].nunique() == 1) == case["expected_duplicate"], case["note"]


def test_pair_cases_are_all_there(shared):
    """The pair cases file holds the 10 duplicates and 15 non-duplicates the tests above run."""
    cases = _pair_cases(shared)
    if not cases:
        pytest.skip("../shared/benchmarks/dedup/pair_cases.json is absent")
    assert sum(c["expected_duplicate"] for c in cases) == 10 and len(cases) == 25


ARTICLE = {"title": "Effect of a combined treatment on recurrence after surgery: the FOCUS 1 trial",
           "authors": "Seymour, M; Maughan, T", "year": 2019, "journal": "Lancet Oncology", "volume": "20",
           "issue": "3", "pages": "100-110"}


def _verdict(first, second):
    result = deduplicate(_records({**ARTICLE, **first, "record_id": "a"}, {**ARTICLE, **second, "record_id": "b"}))
    grouped = result.groups["group_id"].nunique() == 1
    return grouped, " ".join(result.possible["evidence"])


@pytest.mark.parametrize("change,reason", [
    ({"title": ARTICLE["title"].replace("FOCUS 1", "FOCUS 2"), "pages": "111-120"}, "number in title"),
    ({"title": ARTICLE["title"].replace("FOCUS 1", "FOCUS 2")}, "number in title"),
    ({"pages": "200-210"}, "pages"),
    ({"issue": "4", "pages": "300-310"}, "issue"),
    ({"title": "Erratum: " + ARTICLE["title"]}, "article vs erratum"),
    ({"title": "Comment on: " + ARTICLE["title"], "pages": ""}, "article vs comment"),
    ({"title": "Reply", "pages": ""}, ""),
    ({"journal": "ACP Journal Club", "volume": "171", "issue": "", "pages": "JC5"}, "journal-club commentary"),
    ({"journal": "medRxiv", "volume": "", "issue": "", "pages": ""}, "preprint"),
    ({"journal": "Annual Congress of the Society abstracts", "volume": "", "issue": "", "pages": ""},
     "journal vs conference"),
])
def test_differences_that_are_never_merged(change, reason):
    """Differing pages, issue, a number in the title or the kind of document never merge automatically."""
    grouped, possible = _verdict({}, change)
    assert not grouped
    assert reason in possible


def test_article_number_beside_page_range_is_one_paper():
    """BMJ and PLoS print an article number and pages: one database's e-number beside the other's pages is fine,
    while two different article numbers are two papers."""
    assert _verdict({"pages": "e12724"}, {"pages": "1-6"})[0]
    assert not _verdict({"pages": "e12724"}, {"pages": "e12725"})[0]


def test_recurring_titles_are_compared_on_every_field():
    """An "Editor's comments" in two issues of a volume stays apart; the same one exported twice is grouped."""
    editorial = {"title": "Editor's Comments", "authors": "Rai, A", "year": 2017, "journal": "MIS Quarterly",
                 "volume": "41", "issue": "1", "pages": "iii-v"}
    apart = deduplicate(_records({**editorial, "record_id": "a"},
                                 {**editorial, "record_id": "b", "issue": "2", "pages": "iii-vi"}))
    assert apart.groups["group_id"].nunique() == 2
    same = deduplicate(_records({**editorial, "record_id": "a"}, {**editorial, "record_id": "b", "title":
                                                                   "EDITOR'S COMMENTS"}))
    assert same.groups["group_id"].nunique() == 1 and "recurring title" in same.pairs["evidence"][0]


def test_cochrane_versions_share_a_work_doi():
    """Two versions of one Cochrane review (.pub2, .pub3) are grouped; their DOIs differ only in the version."""
    review = {"title": "Interventions for tinnitus", "authors": "Tan, A", "year": 2004, "journal": "Cochrane"}
    result = deduplicate(_records({**review, "record_id": "a", "doi": "10.1002/14651858.CD002273.pub2"},
                                  {**review, "record_id": "b", "doi": "10.1002/14651858.CD002273.pub3",
                                   "year": 2005}))
    assert result.groups["group_id"].nunique() == 1 and "other versions" in result.pairs["evidence"][0]


def test_same_doi_with_unrelated_titles_is_only_possible():
    """A DOI shared by two unrelated titles (a database error) is left for a person to decide."""
    result = deduplicate(_records({**ARTICLE, "record_id": "a", "doi": "10.1234/x"},
                                  {**ARTICLE, "record_id": "b", "doi": "10.1234/x", "title": "Misperceptions of IT"}))
    assert result.groups["group_id"].nunique() == 2 and "unrelated titles" in result.possible["evidence"][0]


def _decisions(tmp_path, *rows):
    path = tmp_path / "duplicate_decisions.csv"
    pd.DataFrame(rows, columns=["record_a", "record_b", "decision", "decided_by", "date", "note"]).to_csv(
        path, index=False)
    return path


def test_decided_duplicate_is_grouped_with_who_decided(tmp_path):
    """A pair a person decided is a duplicate is grouped, the reason naming who decided."""
    records = _records({**ARTICLE, "record_id": "a"}, {**ARTICLE, "record_id": "b", "pages": "200-210"})
    path = _decisions(tmp_path, ["a", "b", "duplicate", "LB", "2024-05-01", "same trial report"])
    result = deduplicate(records, decisions=path)
    assert result.groups["group_id"].nunique() == 1 and result.possible.empty
    assert "decided by LB on 2024-05-01" in result.groups.set_index("record_id").loc["b", "reason"]


def test_decided_non_duplicate_is_never_grouped_even_through_a_chain(tmp_path):
    """Records decided not to be duplicates stay apart even when each matches a third record."""
    records = _records({**ARTICLE, "record_id": "a"}, {**ARTICLE, "record_id": "b"},
                       {**ARTICLE, "record_id": "c", "title": ARTICLE["title"].upper()})
    assert deduplicate(records).groups["group_id"].nunique() == 1
    path = _decisions(tmp_path, ["a", "c", "not duplicate", "LD", "", ""])
    groups = deduplicate(records, decisions=path).groups.set_index("record_id")["group_id"]
    assert groups["a"] != groups["c"]


def test_decision_naming_an_unknown_record_names_its_row(tmp_path):
    """A decision on a record that is not among the records is an error naming the file, row and column."""
    path = _decisions(tmp_path, ["a", "b", "duplicate", "LB", "", ""], ["a", "zz", "not duplicate", "LB", "", ""])
    with pytest.raises(ReviewError) as caught:
        deduplicate(_records({**ARTICLE, "record_id": "a"}, {**ARTICLE, "record_id": "b"}), decisions=path)
    problem = caught.value.problem
    assert (problem.line, problem.field, Path(problem.file).name) == (3, "record_b", "duplicate_decisions.csv")


def test_invalid_decision_is_refused_by_the_schema(tmp_path):
    """A decision other than duplicate / not duplicate is refused with its line."""
    path = _decisions(tmp_path, ["a", "b", "maybe", "LB", "", ""])
    with pytest.raises(ReviewProblems) as caught:
        read_decisions(path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "decision")]


def test_prefer_acts_on_the_database_and_says_so():
    """--prefer keeps the preferred database's record and the reason names the database."""
    records = _records({**ARTICLE, "record_id": "a", "database": "Scopus", "abstract": "longer"},
                       {**ARTICLE, "record_id": "b", "database": "PubMed"})
    groups = deduplicate(records, prefer=["PubMed"]).groups.set_index("record_id")
    assert groups.loc["b", "kept"] and "database PubMed preferred" in groups.loc["b", "reason"]


def test_pairwise_scores():
    """Precision and recall count pairs inside groups."""
    assert pairwise_scores([{"a", "b", "c"}], [{"a", "b"}]) == {
        "predicted_pairs": 3, "true_pairs": 1, "correct": 1, "false_merges": 2, "precision": 1 / 3, "recall": 1.0}


def test_command_line_database_prefer_and_decisions(tmp_path, capsys):
    """`records import --database` names each file's database (a note keeps exit 0), `records dedup --prefer`
    keeps the preferred database's record and `--decisions` applies a person's decisions."""
    from synthesis.cli import main

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("ID,Title,Year,Volume,Pages\na1,Peer support for mothers,2020,3,1-9\n"
                     "a2,Peer support for mothers,2020,3,1-9\n")
    second.write_bytes("ID,Title,Year,Volume,Pages\nb1,Peer support for mothers,2020,3,1-9\n"
                       "b2,Caf\xe9 groups,2021,4,10-19\n".encode("cp1252"))
    out = tmp_path / "records.csv"
    assert main(["records", "import", str(first), str(second), "--database", "Embase", "--database", "PubMed",
                 "-o", str(out)]) == 0
    assert "note: " in capsys.readouterr().err  # the Windows-1252 file
    assert list(pd.read_csv(out)["database"]) == ["Embase", "Embase", "PubMed", "PubMed"]
    assert main(["records", "import", str(first), str(second), "--database", "A", "--database", "B",
                 "--database", "C", "-o", str(tmp_path / "x.csv")]) == 2
    decisions = _decisions(tmp_path, ["a1", "a2", "not duplicate", "LB", "", ""])
    assert main(["records", "dedup", str(out), "-o", str(tmp_path / "dd"), "--prefer", "PubMed",
                 "--decisions", str(decisions)]) == 0
    groups = pd.read_csv(tmp_path / "dd" / "groups.csv").set_index("record_id")
    assert groups.loc["a1", "group_id"] == groups.loc["b1", "group_id"] != groups.loc["a2", "group_id"]
    assert groups.loc["b1", "kept"] and "database PubMed preferred" in groups.loc["b1", "reason"]


def test_parallel_preparation_gives_the_same_groups(monkeypatch):
    """Preparing the records on two processes groups them exactly as one process does."""
    import synthesis.dedup as dedup

    rows = [{**ARTICLE, "record_id": f"r{n}", "volume": str(n // 2 + 1)} for n in range(40)]
    records = _records(*rows)
    monkeypatch.setattr(dedup, "_PARALLEL_FROM", 10)
    assert _groups(deduplicate(records, workers=2)) == _groups(deduplicate(records))
    assert len(_groups(deduplicate(records, workers=2))) == 20

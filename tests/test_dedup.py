"""Tests for synthesis.dedup."""

import json
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from synthesis.dedup import deduplicate, pairwise_scores, preference_rank, prepare, read_decisions
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


@pytest.mark.parametrize("name", ["stroke", "haematology", "cytology_screening"])
def test_labelled_pairs_of_different_kinds_are_put_to_a_person(shared, name):
    """A labelled pair left ungrouped because its records are different kinds of document (an erratum, a reply
    and the article) is in the possible queue, never silently dropped."""
    folder = shared / "benchmarks/dedup" / name
    records = records_frame(read_records(folder / "records_pre_merged.csv").records)
    result = deduplicate(records)
    group_of = result.groups.set_index("record_id")["group_id"].to_dict()
    kinds = prepare(records).set_index("record_id")["kind"].to_dict()
    truth = [ids.split(";") for ids in pd.read_csv(folder / "merged_record_ids.csv")["merged_ids"]]
    apart = {(a, b) for g in truth for a, b in combinations(sorted(g), 2)
             if group_of[a] != group_of[b] and kinds[a] != kinds[b]}
    queued = {tuple(sorted(p)) for p in zip(result.possible["record_a"], result.possible["record_b"])}
    assert apart <= queued


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


LETTER = {"title": "Haemolytic uraemic syndrome after a streptococcal throat infection in a child",
          "authors": "Kaya, B; Demir, N", "year": 2004, "journal": "Pediatr Nephrol", "volume": "19", "issue": "8",
          "pages": "943-944"}


def test_reply_named_at_the_end_of_the_title_is_queued_not_merged():
    """A reply titled "<letter's title> - Reply", by other authors on the next page, is never merged with the
    letter but is put to a person."""
    result = deduplicate(_records({**LETTER, "record_id": "a"},
                                  {**LETTER, "record_id": "b", "title": LETTER["title"] + " - Reply",
                                   "authors": "Shaw, A; Park, A", "pages": "945"}))
    assert result.groups["group_id"].nunique() == 2
    assert "article vs reply" in result.possible["evidence"][0]


@pytest.mark.parametrize("title,kind", [
    ("Correction of hallux valgus by a distal osteotomy", "article"),
    ("Response to eculizumab in children with atypical HUS", "article"),
    ("Retraction of the upper eyelid after thyroid surgery", "article"),
    ("A dose-response meta-analysis of coffee and stroke", "article"),
    ("Correction to: Coffee and stroke", "erratum"),
    ("Response to the letter by Kaya and Demir", "reply"),
    ("Coffee and stroke. Authors' reply", "reply"),
    ("Retraction: Coffee and stroke", "retraction"),
    ("Author Correction: Coffee and stroke", "erratum"),
    ("Commentary: Coffee and stroke", "comment"),
    ("Letters from the front line of stroke care", "article"),
    ("Eculizumab for atypical HUS (Kidney International (2009) 76 (542-544))", "erratum"),
    ("Eculizumab for atypical HUS (vol 76, pg 542, 2009)", "erratum"),
])
def test_kind_of_document_is_read_from_what_the_title_says_it_is(title, kind):
    """A title names an erratum, reply or retraction only by the words that name the document ("Correction to",
    "- Reply", an erratum's citation of its article), never by its subject ("Correction of hallux valgus")."""
    assert prepare(_records({**BASE, "record_id": "a", "title": title}))["kind"].iloc[0] == kind


def test_two_errata_of_one_article_are_grouped_apart_from_it():
    """The same erratum exported by Embase (the article's citation in brackets) and Web of Science ("vol, pg")
    is one record; the article it corrects stays apart."""
    article = {"title": "Eculizumab for atypical HUS", "authors": "Berg, T; Lund, K", "year": 2009,
               "journal": "Kidney International", "volume": "76", "issue": "5", "pages": "542-544"}
    erratum = {**article, "authors": "Lund, K", "issue": "9", "pages": "1001"}
    result = deduplicate(_records(
        {**article, "record_id": "a"},
        {**erratum, "record_id": "b", "title": article["title"] + " (Kidney International (2009) 76 (542-544))"},
        {**erratum, "record_id": "c", "title": article["title"] + " (vol 76, pg 542, 2009)"}))
    assert sorted(_groups(result), key=len) == [frozenset({"a"}), frozenset({"b", "c"})]
    assert "article vs erratum" in " ".join(result.possible["evidence"])


def test_page_ranges_are_written_out_in_full():
    """'1234-45' is pages 1234 to 1245, 'e8-e9' an article number range; a page count ('215 p') places nothing."""
    prepared = prepare(_records(*({**BASE, "record_id": str(n), "pages": pages}
                                  for n, pages in enumerate(["1234-45", "1234-1245", "e8-e9", "215 p", "943-5"]))))
    assert prepared["last_page"].tolist() == ["1245", "1245", "9", "", "945"]
    assert prepared["first_page"].tolist() == ["1234", "1234", "8", "", "943"]


def test_thesis_and_its_dissertation_abstracts_record_are_grouped():
    """A thesis (a page count, 'Ph.D.' as its volume) and its Dissertation Abstracts record a year later are one;
    a journal article with the thesis's title is another document."""
    thesis = {"title": "A rehabilitation system for memory after stroke", "authors": "Ng, Chi Wai", "year": 2011,
              "journal": "", "volume": "Ph.D.", "pages": "215 p"}
    abstracts = {**thesis, "year": 2012, "journal": "Dissertation Abstracts International: Section B",
                 "volume": "73", "issue": "3-B", "pages": "1524"}
    article = {**thesis, "year": 2012, "journal": "Neuropsychol Rehabil", "volume": "22", "pages": "1-20"}
    result = deduplicate(_records({**thesis, "record_id": "a"}, {**abstracts, "record_id": "b"},
                                  {**article, "record_id": "c"}))
    assert sorted(_groups(result), key=len) == [frozenset({"c"}), frozenset({"a", "b"})]
    assert "Dissertation Abstracts" in result.pairs["evidence"][0]


def test_series_numbers_in_roman_and_arabic_are_one_number():
    """"Phase II" and "phase 2" are one trial report; "phase 2" and "phase 3" are two."""
    title = "Eculizumab in atypical HUS: a phase {} study"
    assert _verdict({"title": title.format("II")}, {"title": title.format("2")})[0]
    grouped, possible = _verdict({"title": title.format("2")}, {"title": title.format("III")})
    assert not grouped and "number in title (2 vs 3)" in possible


@pytest.mark.parametrize("first,second,same", [
    ("The FOCUS II trial: chemotherapy in frail patients", "The FOCUS III trial: chemotherapy in frail patients",
     False),
    ("Two-year outcomes of eculizumab in atypical HUS", "Three-year outcomes of eculizumab in atypical HUS", False),
    ("Second-line eculizumab in atypical HUS", "First-line eculizumab in atypical HUS", False),
    ("Two-year outcomes of eculizumab in atypical HUS", "2-year outcomes of eculizumab in atypical HUS", True),
])
def test_numbers_written_as_words_or_roman_numerals_tell_reports_apart(first, second, same):
    """A roman numeral, a number word or an ordinal standing alone is a number: reports that differ only in it
    (no pages to tell them apart) are not merged, and "two-year" is "2-year"."""
    unplaced = {"volume": "", "issue": "", "pages": ""}
    assert _verdict({**unplaced, "title": first}, {**unplaced, "title": second})[0] == same


ABSTRACT = {"title": "Long-term eculizumab in atypical HUS: a multicentre cohort", "authors": "Licht, C; Muus, P",
            "year": 2011, "journal": "Journal of Thrombosis and Haemostasis. Conference: 23rd Congress of the "
                                     "Society", "volume": "", "issue": "", "pages": ""}


@pytest.mark.parametrize("printed", [{"volume": "9", "issue": "S2", "pages": "499-711"},
                                     {"volume": "9", "issue": "6", "pages": "507-507"}])
def test_conference_abstract_is_grouped_with_its_printing_in_the_journal(printed):
    """A conference abstract and the record of the journal that printed it (a supplement issue, or one page) are
    one abstract, and the reason says so."""
    result = deduplicate(_records({**ABSTRACT, "record_id": "a"},
                                  {**ABSTRACT, **printed, "record_id": "b", "journal": "J Thromb Haemost"}))
    assert result.groups["group_id"].nunique() == 1
    assert "conference abstract and its printing" in result.pairs["evidence"][0]


def test_conference_abstract_and_a_full_article_stay_apart():
    """An article of several pages in a regular issue, with the abstract's title, is not the abstract."""
    grouped, possible = _verdict({**ABSTRACT}, {**ABSTRACT, "journal": "J Thromb Haemost", "volume": "9",
                                                "issue": "6", "pages": "1100-1108"})
    assert not grouped and "journal vs conference" in possible


TRANSLATED = {"title": "Indications and contraindications for living kidney donation", "authors": "Andres, A",
              "year": 2010, "journal": "Nefrologia", "volume": "30", "issue": "Suppl 2", "pages": "30-38"}


def test_same_citation_groups_a_reworded_title():
    """A title translated or reworded by a database is the same paper when journal, volume, page range, year
    and first author agree; one shared page (where several abstracts stand) is not enough."""
    reworded = {"title": "[Indications and contraindications of living-donor kidney transplantation]. [Spanish]"}
    together = deduplicate(_records({**TRANSLATED, "record_id": "a"},
                                    {**TRANSLATED, **reworded, "record_id": "b", "journal": "Nefrologia."}))
    assert together.groups["group_id"].nunique() == 1
    assert "same journal, volume and page range" in together.pairs["evidence"][0]
    one_page = deduplicate(_records({**TRANSLATED, "record_id": "a", "pages": "30"},
                                    {**TRANSLATED, **reworded, "record_id": "b", "pages": "30"}))
    assert one_page.groups["group_id"].nunique() == 2
    other_author = deduplicate(_records({**TRANSLATED, "record_id": "a"},
                                        {**TRANSLATED, **reworded, "record_id": "b", "authors": "Moreno, J"}))
    assert other_author.groups["group_id"].nunique() == 2


def test_shared_doi_with_other_pages_and_titles_is_a_supplement_doi():
    """Two abstracts of one supplement share its DOI: other titles (a word or a number apart) and pages leave
    them to a person, while the same title (or one cut short) with pages typed differently is one record, and an
    erratum carrying its article's DOI is not."""
    doi = {"doi": "10.1111/jth.2011.9.s2"}
    grouped, possible = _verdict({**doi}, {**doi, "title": ARTICLE["title"].replace("recurrence", "survival"),
                                           "pages": "200-210"})
    assert not grouped and "DOI of a supplement" in possible
    assert _verdict({**doi}, {**doi, "pages": "1100-1110"})[0]
    cut_short = ARTICLE["title"].split(":")[0]
    assert _verdict({**doi}, {**doi, "title": cut_short, "pages": "1100-1110"})[0]
    grouped, possible = _verdict({**doi, "pages": "1"}, {**doi, "title": ARTICLE["title"].replace("1", "2"),
                                                         "pages": "2"})
    assert not grouped and "DOI of a supplement" in possible
    grouped, possible = _verdict({**doi}, {**doi, "title": "Erratum: " + ARTICLE["title"]})
    assert not grouped and "article vs erratum" in possible


def test_author_list_with_a_group_author_appended_is_the_same_list():
    """An online record a year before its volume is grouped with it when one author list is the other with the
    study group appended; a first author alone does not make the same list."""
    online = {"title": "Prevalence of HPV types in cervical samples from the general population of a region",
              "authors": "Rossi, P; Bianchi, S; Conti, I; Ferri, A; Gallo, C", "year": 2009,
              "journal": "BMC Infect Dis", "volume": "10", "pages": ""}
    issue = {**online, "year": 2010, "pages": "214", "authors": online["authors"] + "; HPV Prevalence Working Group"}
    result = deduplicate(_records({**online, "record_id": "a"}, {**issue, "record_id": "b"}))
    assert result.groups["group_id"].nunique() == 1 and "same author list" in result.pairs["evidence"][0]
    alone = deduplicate(_records({**online, "record_id": "a", "authors": "Rossi, P"}, {**issue, "record_id": "b"}))
    assert alone.groups["group_id"].nunique() == 2


@pytest.mark.parametrize("doi", ["10.1101/2020.01.01.123456", "10.21203/rs.3.rs-123456/v1", "10.48550/arXiv.2101.00001"])
def test_preprint_is_known_by_its_servers_doi_prefix(doi):
    """A preprint server's DOI prefix, four or five digits long, makes the record a preprint."""
    assert prepare(_records({**BASE, "record_id": "a", "journal": "", "doi": doi}))["kind"].iloc[0] == "preprint"


def test_proceedings_named_by_their_iso_abbreviation_are_a_conference():
    """PubMed's "Annu Int Conf IEEE Eng Med Biol Soc" (Conf: the ISO 4 abbreviation of conference) and Embase's
    "Conference proceedings: ..." name one kind of venue: the same paper in both is grouped."""
    paper = {"title": "Loudness normalization for cochlear implant using pulse-rate modulation", "year": 2006,
             "authors": "Chen, F; Zhang, YT"}
    result = deduplicate(_records(
        {**paper, "record_id": "a", "journal": "Annu Int Conf IEEE Eng Med Biol Soc", "volume": "2006",
         "pages": "1236-9", "doi": "10.1109/iembs.2006.259368"},
        {**paper, "record_id": "b", "journal": "Conference proceedings : Annual International Conference of the "
                                               "IEEE Engineering in Medicine and Biology Society"}))
    assert result.groups["group_id"].nunique() == 1


def test_same_pubmed_id_is_one_paper_and_different_ones_are_never_merged():
    """Without DOIs, the PubMed id Embase and Scopus copy from MEDLINE joins records that name the venue
    differently (a proceedings volume and its book series); two different PubMed ids are never merged
    automatically, however alike the rest."""
    paper = {"title": "A comparison of supervised classification methods for auditory brainstem responses",
             "authors": "McCullagh, P; Wang, H", "year": 2007, "issue": "Pt 2"}
    same = deduplicate(_records(
        {**paper, "record_id": "a", "journal": "Medinfo", "volume": "12", "pages": "1289-1293", "pmid": "17911922"},
        {**paper, "record_id": "b", "journal": "Stud Health Technol Inform", "volume": "129", "pages": "1289-93",
         "pmid": "NLM17911922"}))
    assert same.groups["group_id"].nunique() == 1 and "same PubMed id 17911922" in same.pairs["evidence"][0]
    grouped, possible = _verdict({**BASE, "pmid": "111"}, {**BASE, "pmid": "222"})
    assert not grouped and "PubMed id" in possible


@pytest.mark.parametrize("prefer, database, rank", [
    (["MEDLINE", "Embase"], "PubMed", 0), (["medline"], "Ovid MEDLINE(R)", 0), (["CINAHL"], "CINAHL Plus", 0),
    (["PsycINFO"], "APA PsycInfo", 0), (["MEDLINE", "Embase"], "Embase", 1), (["MEDLINE"], "Scopus", 1),
    (["MEDLINE"], "", 1)])
def test_preferred_databases_match_the_names_exports_give(prefer, database, rank):
    """--prefer names match the databases records carry, case and punctuation aside, PubMed as MEDLINE."""
    assert preference_rank(prefer, database) == rank


def test_same_article_number_journal_year_and_authors_is_one_paper():
    """Two records of one Cochrane review (same CD number, journal, year and author list, a word apart in the
    title, no volume) are compared and grouped; the same CD number in another year (an update) is not."""
    review = {"authors": "Good, P; Cavenagh, J; Mather, M; Ravenscroft, P", "year": 2008,
              "journal": "Cochrane Database Syst Rev", "pages": "CD006273"}
    result = deduplicate(_records(
        {**review, "record_id": "a", "title": "Medically assisted hydration for adult palliative care patients"},
        {**review, "record_id": "b", "title": "Medically assisted hydration for palliative care patients"},
        {**review, "record_id": "c", "title": "Medically assisted hydration for palliative care patients",
         "year": 2014}))
    assert sorted(map(sorted, _groups(result))) == [["a", "b"], ["c"]]

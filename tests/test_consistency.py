"""Tests for synthesis.consistency: each paper checked against itself."""

import pytest

from synthesis import consistency, load_review
from synthesis.scaffold import new_review


def _checks(review):
    return consistency.self_checks(review).set_index("id")


def test_parse_ids():
    """A printed list with ranges and '#' gives every id it covers."""
    assert consistency.parse_ids("#1,7,9\u201311, 13-15") == [1, 7, 9, 10, 11, 13, 14, 15]
    with pytest.raises(ValueError, match="not a number"):
        consistency.parse_ids("1, two")


def test_page_range():
    """Abbreviated last pages are written in full; a missing first page or a single page is told apart."""
    assert consistency.page_range("1012-24") == (1012, 1024)
    assert consistency.page_range("131\u201346") == (131, 146)
    assert consistency.page_range("-46") == (0, 46)
    assert consistency.page_range("e024803") is None


def test_country_lists_name_members_left_out_and_twice(mcleish):
    """McLeish's country lists leave out #8 and #17 and name #6 and #15 twice."""
    row = _checks(mcleish).loc["countries-cover-interventions"]
    assert row["status"] == "mismatch"
    assert row["note"] == "left out: #8, #17; counted twice: #6 (UK, Canada), #15 (USA, Canada)"


def test_population_lists_leave_out_two(mcleish):
    """McLeish's population lists name no population for #17 and #19."""
    assert _checks(mcleish).loc["populations-cover-interventions", "note"] == "left out: #17, #19"


def test_format_lists_cover_every_intervention_once(mcleish):
    """McLeish's format lists name each of the 22 interventions exactly once."""
    assert _checks(mcleish).loc["formats-cover-interventions", "status"] == "match"


def test_counts_that_sum_to_the_total(review_copy):
    """A partition of counts matches when they add up to its total, naming the sum, and not when they do not."""
    folder = review_copy("peer-relationship-appear")
    path = folder / "published.yml"
    path.write_text(path.read_text(encoding="utf-8") + "partitions:\n"
                    "  - {id: ok, claim: c, total: 20, counts: {a: 18, b: 2}, source: s}\n"
                    "  - {id: short, claim: c, total: 20, counts: {a: 18}, source: s}\n", encoding="utf-8")
    checks = _checks(load_review(folder))
    assert (checks.loc["ok", "status"], checks.loc["ok", "note"]) == ("match", "18 a + 2 b = 20")
    assert checks.loc["short", "status"] == "mismatch"


def test_theory_groups_cover_the_numbered_theories(mcleish):
    """The bases McLeish gives for each group of theories name theories 1-13, 14-24 and negative 1-8 once each."""
    checks = _checks(mcleish)
    for check in ("take-up-theory-groups", "positive-theory-groups", "negative-theory-groups"):
        assert checks.loc[check, "status"] == "match", check


def test_numbered_theories_against_the_counts(mcleish):
    """13 + 13 + 8 configurations are stated but 32 theories are numbered."""
    row = _checks(mcleish).loc["theory-areas-sum"]
    assert (row["published"], row["computed"], row["status"]) == ("32", "34", "mismatch")


def test_nested_counts_hold_in_hackmann(hackmann):
    """Every APPEAR theme is coded in no more papers than its context, and the links cite fewer still."""
    checks = _checks(hackmann)
    assert checks.loc["nested-counts", "status"] == checks.loc["cited-within-coded", "status"] == "match"


def test_a_theme_above_its_context_is_found(review_copy):
    """A theme coded in more papers than its context is named with both counts."""
    folder = review_copy("peer-relationship-appear")
    path = folder / "coding" / "nodes.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("T-valuing,C-accepting,theme,Explicitly valuing the person and what they are "
                                 "expressing,,7", "T-valuing,C-accepting,theme,Explicitly valuing the person and "
                                 "what they are expressing,,19"), encoding="utf-8")
    row = _checks(load_review(folder)).loc["nested-counts"]
    assert row["status"] == "mismatch" and row["note"] == "T-valuing (19) > C-accepting (18)"


def test_backwards_page_range_found(mcleish):
    """McLeish prints Gillard 2015's pages as 4354-4345, which runs backwards."""
    row = _checks(mcleish).loc["reference-pages"]
    assert row["status"] == "mismatch" and row["note"] == "McLeish2023-ref038 pages 4354-4345"


def test_same_work_compared_across_lists(hackmann):
    """Gillard 2015 has other pages in McLeish's list than in Hackmann's; Leamy 2011 agrees in all three."""
    note = _checks(hackmann).loc["reference-other-lists", "note"]
    assert note == "Hackmann2025-ref042 / McLeish2023-ref038: pages 435-45 vs 4354-4345"


def test_volume_years_and_overlaps(review_copy):
    """A reference given another year than its volume's, and one sharing its pages, are both found."""
    folder = review_copy("psw-implementation")
    path = folder / "search" / "citations" / "reference_list.ris"
    text = path.read_text(encoding="utf-8")
    extra = ("TY  - JOUR\nAU  - Someone A\nTI  - Another paper in the same volume\nPY  - 2016\nJO  - Br J Psychiatry\n"
             "VL  - 199\nSP  - 450-60\nID  - Extra-ref\nER  - \n\n")
    path.write_text(text + "\n" + extra, encoding="utf-8")
    checks = _checks(load_review(folder))
    assert "Extra-ref 2016" in checks.loc["reference-volume-years", "note"]
    assert "Extra-ref (450-60)" in checks.loc["reference-page-overlap", "note"]


def test_a_review_without_lists_or_partitions_has_no_such_rows(review_copy):
    """A review with neither partitions nor reference lists gets only the checks that apply to it."""
    folder = review_copy("perinatal-peer-support")
    (folder / "search" / "citations" / "reference_list.ris").unlink()
    ids = set(consistency.self_checks(load_review(folder))["id"])
    assert not any(i.startswith("reference-") for i in ids) and "countries-cover-interventions" in ids


def test_cited_works_that_are_not_what_the_sentence_says(mcleish):
    """McLeish cites Chen's support group (62) as one-to-one and Shorey's one-to-one trial (78) as group support."""
    note = _checks(mcleish).loc["citations-say-what-they-cite", "note"]
    assert "[62] has title 'Effects of support group intervention" in note
    assert "[78] has title 'Evaluation of a technology-based peer-support" in note
    assert "[103]" not in note and "[79]" not in note


def test_concept_cited_with_different_numbers(mcleish):
    """Social comparison is cited as [40] in the Background and as [28] and [37, 92] in the Discussion."""
    row = _checks(mcleish).loc["concept-reference-numbers"]
    assert row["status"] == "mismatch"
    assert row["note"] == ("social comparison: Background, para 3 [40]; Discussion [40]; Discussion [28]; "
                           "Discussion [37, 92]")


def test_citation_checked_against_the_review_tables(review_copy, hackmann):
    """Hackmann's Singapore citation holds by studies.csv; said of China instead, it is not borne out."""
    assert "study-singapore" not in _checks(hackmann).loc["citations-say-what-they-cite", "note"]
    folder = review_copy("peer-relationship-appear")
    path = folder / "citations_in_text.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("countries=Singapore", "countries=China"),
                    encoding="utf-8")
    note = _checks(load_review(folder)).loc["citations-say-what-they-cite", "note"]
    assert "study-singapore" in note and "countries 'Singapore'" in note


def test_cited_number_missing_from_the_list(review_copy):
    """A citation of a number the reference list does not have is named."""
    folder = review_copy("psw-implementation")
    path = folder / "citations_in_text.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("uganda,Discussion,41,", "uganda,Discussion,99,"),
                    encoding="utf-8")
    row = _checks(load_review(folder)).loc["citations-in-list"]
    assert row["status"] == "mismatch" and row["note"] == "uganda: [99]"


def test_checklist_items_against_the_packaged_tool(ibrahim):
    """Ibrahim's 10-item CASP RCT checklist has 11 questions in CASP 2018; its other three item counts agree."""
    checks = _checks(ibrahim)
    rct = checks.loc["checklist-items-randomised-controlled-trial"]
    assert (rct["published"], rct["computed"], rct["status"]) == ("10", "11", "mismatch")
    assert "9 of its 11 items scored" in rct["note"]
    for name in ("qualitative", "cohort", "case-control"):
        assert checks.loc[f"checklist-items-{name}", "status"] == "match", name


def test_mmat_criteria_numbered_within_a_category_count_apart(tmp_path):
    """MMAT's criteria 1.1-1.5 are five items, so a new review's five 5-item MMAT checklists all match."""
    new_review(tmp_path / "mine")
    checks = _checks(load_review(tmp_path / "mine"))
    rows = checks[checks.index.str.startswith("checklist-items-")]
    assert len(rows) == 5 and set(rows["status"]) == {"match"}
    assert "5 questions (1.1-1.5)" in rows.loc["checklist-items-qualitative", "note"]


def test_checklist_unknown_to_the_packaged_tool(review_copy):
    """A checklist the packaged tool lacks is named as missing, not skipped."""
    folder = review_copy("psw-implementation")
    path = folder / "appraisal" / "tool.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("{name: cohort, items: 12}",
                                                             "{name: cross-sectional, items: 12}"), encoding="utf-8")
    row = _checks(load_review(folder)).loc["checklist-items-cross-sectional"]
    assert row["status"] == "mismatch" and "no checklist named 'cross-sectional'" in row["note"]


def test_hackmann_citations_against_the_reference_list(hackmann):
    """Hackmann cites the meta-narrative RAMESES standards for realist methods, and IWMs as [17-19] and [18-20]."""
    checks = _checks(hackmann)
    assert "m-rameses" in checks.loc["citations-say-what-they-cite", "note"]
    assert "'RAMESES publication standards: meta-narrative reviews'" in checks.loc["citations-say-what-they-cite", "note"]
    assert checks.loc["concept-reference-numbers", "note"] == (
        "internal working models: Method, Substantive theory [17, 18, 19]; Discussion [18, 19, 20]")


def test_mcleish_cites_a_guideline_as_systematic_reviews(mcleish):
    """McLeish's 'these systematic reviews found ... [15]' cites NICE guidance; its 23 articles are all articles."""
    note = _checks(mcleish).loc["citations-say-what-they-cite", "note"]
    assert "[15] has title 'Antenatal and postnatal mental health: clinical and service management guidance'" in note
    assert "r-articles" not in note and "r-theses" not in note and "r-reports" not in note

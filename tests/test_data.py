"""The transcribed review folders agree with the seed papers they were transcribed from."""

import re
import unicodedata

import pytest
from conftest import EXAMPLES

from synthesis.paths import REVIEWS_DIR

SEEDS = {"perinatal-peer-support": "000_595cf669e2939c23.txt", "peer-relationship-appear": "001_cfceb2a31c38a4cc.txt",
         "psw-implementation": "004_d183722da698fcd5.txt"}


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2013", "-").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).lower()


def _seed(shared, slug):
    return _normal((shared / "seeds" / SEEDS[slug]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", ["perinatal-peer-support", "peer-relationship-appear"])
def test_every_study_title_is_in_the_paper(shared, slug, request):
    """Each included document's title stands in the paper's reference list."""
    review = request.getfixturevalue({"perinatal-peer-support": "mcleish", "peer-relationship-appear": "hackmann"}[slug])
    seed = _seed(shared, slug)
    missing = [t for t in review.table("studies.csv")["title"] if _normal(t)[:60] not in seed]
    assert missing == []


def test_quotes_are_verbatim(shared, hackmann):
    """Every coded quote of the APPEAR review appears word for word in the paper."""
    seed = _seed(shared, "peer-relationship-appear")
    assert [q for q in hackmann.table("coding/excerpts.csv")["quote"] if _normal(q) not in seed] == []


def test_links_cite_the_papers_in_the_text(shared, hackmann):
    """The 20 included articles are exactly references 4 and 25-43, all cited for a link."""
    refs = sorted(hackmann.table("studies.csv")["ref"])
    assert refs == [4] + list(range(25, 44))


def test_table2_scores(shared, ibrahim):
    """The site scores are Table 2's rows as printed."""
    text = (shared / "seeds" / SEEDS["psw-implementation"]).read_text(encoding="utf-8")
    scores = ibrahim.table("measure/scores.csv")
    for item in range(1, 9):
        row = next(line for line in text.splitlines() if line.startswith(f"{item}. ") and "\t" in line
                   and "<p>" not in line)
        printed = [int(x) for x in row.split("\t")[1:7]]
        ours = [int(s) for s in scores.loc[scores["item_id"] == str(item), "score"]]
        assert ours == printed


def test_determinant_texts_are_verbatim(shared, ibrahim):
    """The facilitator and barrier texts are Table 1's words."""
    seed = _seed(shared, "psw-implementation")
    assert [t for t in ibrahim.table("coding/determinants.csv")["text"] if _normal(t) not in seed] == []


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_row_names_its_source(slug):
    """Every row of every CSV of the examples names its source."""
    from synthesis import load_review

    review = load_review(REVIEWS_DIR / slug)
    for name, table in review.tables.items():
        assert table["source"].map(bool).all(), name


def _reference_records(review):
    from synthesis import citations

    frame, _ = citations.read_reference_lists([review])
    return frame.set_index("record_id")


@pytest.mark.parametrize(("slug", "record", "year"), [
    ("perinatal-peer-support", "McLeish2023-ref083", "2019"), ("perinatal-peer-support", "McLeish2023-ref084", "2020"),
    ("peer-relationship-appear", "Hackmann2025-ref007", "1993"),
    ("peer-relationship-appear", "Hackmann2025-ref013", "2019")])
def test_reference_years_are_the_printed_ones(shared, slug, record, year):
    """The corrected years are the last year the seed's reference prints (not a year inside its title)."""
    from synthesis import load_review

    reference = _reference_records(load_review(REVIEWS_DIR / slug)).loc[record]
    printed = re.search(r"^Reference \d+ of \w+: (.*)$", reference_note(slug, record)).group(1)
    assert _normal(printed) in _seed(shared, slug).replace("*", "")  # the seed sets journals in italics
    assert re.findall(r"(?:19|20)\d\d", printed)[-1] == year == str(reference["year"])


def reference_note(slug, record):
    """The N1 line of a record: the reference as the paper prints it."""
    text = (REVIEWS_DIR / slug / "search" / "citations" / "reference_list.ris").read_text(encoding="utf-8")
    return re.search(rf"ID  - {record}\nN1  - (.*)", text).group(1)


def test_book_chapter_has_no_volume(hackmann):
    """Wong 2019 (Hackmann ref 13), a book chapter, has no volume and its pages are 131-46."""
    record = _reference_records(hackmann).loc["Hackmann2025-ref013"]
    assert (record["volume"], record["pages"]) == ("", "131-46")


@pytest.mark.parametrize("slug", EXAMPLES)
def test_reference_fields_hold_one_thing(slug):
    """No title carries a year, URL, 'In:' or 'n.d.'; no DOI ends in '>'; no author name carries '(eds)'."""
    from synthesis import load_review

    records = _reference_records(load_review(REVIEWS_DIR / slug))
    titles = records["title"]
    assert not titles.str.contains(r"\. (?:19|20)\d\d$|https?://|\bIn:|^n\.d\.", regex=True).any(), \
        list(titles[titles.str.contains(r"\. (?:19|20)\d\d$|https?://|\bIn:|^n\.d\.", regex=True)])
    assert not records["doi"].str.endswith(">").any()
    assert not any("(eds)" in author for authors in records["authors"] for author in authors)


def test_dois_from_the_pubmed_page(shared, ibrahim):
    """Every DOI the PubMed page gives for one of Ibrahim's references is on that reference."""
    page = (shared / "seeds" / "002_76d806006873e420.txt").read_text(encoding="utf-8")
    references = page.split("References", 1)[1]
    entry = r"^([A-Z][A-Za-z'-]+) [A-Z]+,.*?\. (\d{4});.*?DOI: (10\.\S+?)\.?\s"  # first author, year, DOI
    cited = re.findall(entry, references, flags=re.MULTILINE)
    records = _reference_records(ibrahim)
    assert len(cited) >= 4
    for surname, _, doi in cited:
        matching = records[records["authors"].map(lambda names, s=surname: str(names).startswith(s))]
        assert doi.lower() in set(matching["doi"]), (surname, doi)


def test_countries_stated_in_titles(mcleish, hackmann):
    """Documents whose title states a country or region carry that country."""
    expected = {"chen2000": "Taiwan", "ludwick2017": "USA", "fairbairn2020": "UK", "wall2022": "Sweden",
                "hurley2018": "Australia", "bradstreet2010": "Scotland", "ng2023": "Singapore"}
    studies = __import__("pandas").concat([mcleish.table("studies.csv"), hackmann.table("studies.csv")])
    countries = studies.set_index("study_id")["countries"]
    assert {study: countries[study] for study in expected} == {s: [c] for s, c in expected.items()}


def test_stakeholder_sources_name_the_paragraph(shared, mcleish):
    """The stakeholders and policy websites are in the third paragraph of McLeish's Methods, as sources.csv says."""
    seed = (shared / "seeds" / SEEDS["perinatal-peer-support"]).read_text(encoding="utf-8").splitlines()
    start = seed.index("Methods", 20) + 1
    paragraphs = [line for line in seed[start:] if line.strip()]
    assert "england.nhs.uk" in paragraphs[2] and "eight conferences" in paragraphs[2]
    sources = mcleish.table("theory/sources.csv").set_index("source_id")["source"]
    assert sources["stakeholders"] == sources["policy-websites"] == "Methods, para 3"


def test_interventions_based_on_number_5(shared, mcleish):
    """The units noted as based on #5 are exactly those the paper names (#6, 12 and 18)."""
    seed = _seed(shared, "perinatal-peer-support")
    listed = re.search(r"interventions (#[\d, and]+) being based on the approach piloted in #5", seed).group(1)
    named = {f"I{int(n):02d}" for n in re.findall(r"\d+", listed)}
    units = mcleish.table("units.csv")
    based = units["note"].str.contains("based on the approach piloted in #5", na=False)
    assert set(units.loc[based, "unit_id"]) == named


def test_appear_contexts_are_not_called_new(shared, hackmann):
    """The paper never says the APPEAR contexts are new, so none has the status 'new'."""
    assert "initial programme theor" in _seed(shared, "peer-relationship-appear")
    statuses = {t["status"] for t in hackmann.document("theory/final.yml")["theories"]}
    assert statuses == {"in final model"}


def test_interpretations_resolve():
    """Every interpretation names a row and field that exist in its review's files."""
    from synthesis import interpretations, load_review

    for slug in EXAMPLES:
        table = interpretations.interpretation_table(load_review(REVIEWS_DIR / slug))
        assert not table["recorded"].str.startswith("(not found").any(), slug


def test_no_theory_source_the_paper_does_not_give(mcleish):
    """Theory 4 cites no named theory: the paper links it to none."""
    t4 = next(t for t in mcleish.document("theory/initial.yml")["theories"] if t["id"] == "T4")
    assert "sources" not in t4


@pytest.mark.parametrize("slug", EXAMPLES)
def test_citation_sentences_are_the_papers(shared, slug):
    """What citations_in_text.csv quotes of each sentence stands in the paper (up to the citation)."""
    from synthesis import load_review

    seed = _seed(shared, slug).replace("*", "")
    quoted = load_review(REVIEWS_DIR / slug).table("citations_in_text.csv")["says"]
    missing = [says for says in quoted if _normal(says.split(" [")[0].split(" ... ")[0]) not in seed]
    assert missing == []


@pytest.mark.parametrize("slug", [*EXAMPLES, "snhl-phenotyping"])
def test_every_claim_is_classified(slug):
    """A computed claim says its kind and where its data stands; a claim without one says why it is not computable."""
    from synthesis import load_review, reproduction

    claims = load_review(REVIEWS_DIR / slug).document("published.yml")["claims"]
    unkinded = [c["id"] for c in claims if c.get("computed") and c.get("kind") not in reproduction.KINDS]
    unplaced = [c["id"] for c in claims if c.get("computed") and not c.get("data_from")]
    unexplained = [c["id"] for c in claims if not c.get("computed") and not str(c.get("note", "")).strip()]
    assert (unkinded, unplaced, unexplained) == ([], [], [])


_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen twenty").split()


@pytest.mark.parametrize("slug", EXAMPLES)
def test_claimed_numbers_stand_in_the_paper(shared, slug):
    """Every number a claim says the paper publishes is printed in it, in digits or in words: none is invented."""
    from synthesis import load_review

    seed = _seed(shared, slug)
    missing = []
    for claim in load_review(REVIEWS_DIR / slug).document("published.yml")["claims"]:
        value = claim["value"]
        if isinstance(value, bool) or isinstance(value, str) and not re.search(r"\d", value):
            continue  # a word ("half", "none") or a list of names: the claim's own text quotes it
        forms = {str(value).lower()}
        if isinstance(value, (int, float)):
            forms.add(f"{value:,}")
            if float(value).is_integer() and 0 <= value < len(_NUMBER_WORDS):
                forms.add(_NUMBER_WORDS[int(value)])
        if not any(re.search(rf"(?<![\w.]){re.escape(form)}(?!\w|\.\d)", seed) for form in forms):
            missing.append(f"{claim['id']}: {value}")
    assert missing == []


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_computed_claim_computes(slug):
    """No example claim names a computed value its folder cannot give (a misspelt claim id or column)."""
    from synthesis import load_review, reproduction

    review = load_review(REVIEWS_DIR / slug)
    computed = {c["id"] for c in review.document("published.yml")["claims"] if c.get("computed")}
    table = reproduction.reproduction_table(review)
    failed = table[table["id"].isin(computed) & (table["status"] == "not computable")]
    assert list(failed["id"]) == []

"""Tests for synthesis.records."""

import pytest

from synthesis.errors import ReviewError
from synthesis.records import (
    compare_imports,
    detect_format,
    normalise_doi,
    read_records,
    records_frame,
    save_record_files,
    write_records_csv,
    write_ris,
)

# Record counts read off the files' record markers (../shared/fixtures/README.md).
EXPECTED = {
    "synthesisr/ASP_ris_example.ris": (4, "ris"), "synthesisr/Ovid_ris_example.ris": (4, "ris"),
    "synthesisr/PubMed_example.txt": (3, "medline"), "synthesisr/res_synth_methods.txt": (2, "medline"),
    "synthesisr/Scopus_bib_example.bib": (3, "bibtex"), "synthesisr/Scopus_ris_example.ris": (3, "ris"),
    "synthesisr/WoS_ciw_example.ciw": (5, "wos"), "synthesisr/WoS_txt_example.txt": (4, "wos"),
    "synthesisr/citesource_issue_24.ris": (17, "ris"), "synthesisr/eviatlas.csv": (1, "csv"),
    "synthesisr/eviatlas.tsv": (1, "tsv"), "synthesisr/eviatlas.txt": (1, "ris"),
    "synthesisr/litsearchr.txt": (1, "bibtex"),
    "rispy/example_basic.ris": (1, "ris"), "rispy/example_bom.ris": (1, "ris"),
    "rispy/example_custom_list_tags.ris": (1, "ris"), "rispy/example_empty_tag.ris": (1, "ris"),
    "rispy/example_extraneous_data.ris": (2, "ris"), "rispy/example_full.ris": (2, "ris"),
    "rispy/example_full_without_whitespace.ris": (2, "ris"), "rispy/example_full_write.ris": (2, "ris"),
    "rispy/example_multi_unknown_tags.ris": (1, "ris"), "rispy/example_multiline.ris": (3, "ris"),
    "rispy/example_single_unknown_tag.ris": (1, "ris"), "rispy/example_starting_newlines.ris": (1, "ris"),
    "rispy/example_urls.ris": (4, "ris"), "rispy/example_utf_chars.ris": (1, "ris"),
    "rispy/example_wos.ris": (2, "wos"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_record_counts(shared, name):
    """Every real export imports with the number of records its markers show, in the right format."""
    result = read_records(shared / "fixtures" / "exports" / name)
    assert (len(result.records), result.format) == EXPECTED[name]


# The fixtures that are damaged: two different records under one ID (the second's ID is lost), or records with
# no title, authors or DOI. Every other export must read without a problem (exit 0).
DAMAGED = {"rispy/example_extraneous_data.ris": "ID", "rispy/example_full.ris": "ID",
           "rispy/example_full_without_whitespace.ris": "ID", "rispy/example_multiline.ris": "title"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixtures_have_problems_only_where_damaged(shared, name):
    """Only a damaged fixture has problems (exit 1); database quirks in the others are at most notes."""
    result = read_records(shared / "fixtures" / "exports" / name)
    assert {p.field for p in result.problems} == ({DAMAGED[name]} if name in DAMAGED else set())


def test_every_fixture_is_covered(shared):
    """No export in the fixtures is left untested."""
    files = {p.relative_to(shared / "fixtures" / "exports").as_posix()
             for p in (shared / "fixtures" / "exports").rglob("*") if p.is_file()}
    assert files == set(EXPECTED)


def test_medline_fields(shared):
    """MEDLINE records keep PMID, DOI from LID, journal title and pages."""
    record = read_records(shared / "fixtures/exports/synthesisr/PubMed_example.txt").records[0]
    assert (record["pmid"], record["doi"], record["year"], record["pages"]) == (
        "28441597", "10.1016/j.scitotenv.2017.04.075", 2017, "188-197")
    assert record["title"].startswith("Differences in nitrate") and "riparian zones" in record["title"]


def test_ovid_numbered_records(shared):
    """Ovid's numbered lines between records are skipped and the DOI URL is normalised."""
    records = read_records(shared / "fixtures/exports/synthesisr/Ovid_ris_example.ris").records
    assert records[0]["doi"] == "10.4236/ojf.2020.101008" and records[0]["pages"] == "110-123"


def test_wos_multiline_title_and_authors(shared):
    """Web of Science continuation lines join the title and list each author."""
    record = read_records(shared / "fixtures/exports/rispy/example_wos.ris").records[0]
    assert record["title"].endswith("its subunit (B820)") and record["authors"].count(";") == 3


def test_scopus_repeated_field_is_a_note(shared):
    """Scopus BibTeX repeating funding_details is read whole, with a note and no problem (exports stay unedited)."""
    result = read_records(shared / "fixtures/exports/synthesisr/Scopus_bib_example.bib")
    assert result.records[0]["doi"] == "10.1080/20964129.2020.1722034" and not result.problems
    assert any("funding_details" in note.message for note in result.notes)


def test_repeated_bibtex_field_with_different_values_is_a_problem(tmp_path):
    """A field the record is read from, repeated with two different values, may be wrong: a problem."""
    path = tmp_path / "t.bib"
    path.write_text("@article{a,\n  title = {One},\n  year = {2020},\n  year = {2021},\n"
                    "  funding_details = {X},\n  funding_details = {Y}\n}\n")
    result = read_records(path)
    assert result.records[0]["year"] == 2021
    assert [p.message.split(" appear")[0] for p in result.problems] == ["field(s) year"]


def test_record_without_er_is_kept(tmp_path):
    """A truncated RIS file keeps its last record and says it has no ER line."""
    path = tmp_path / "t.ris"
    path.write_text("TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\n")
    result = read_records(path)
    assert [r["title"] for r in result.records] == ["One", "Two"]
    assert result.problems[0].line == 4 and "no ER" in result.problems[0].message


def test_broken_bibtex_entry_is_reported_not_dropped(tmp_path):
    """An unparseable BibTeX entry stays as a record and is reported with its line."""
    path = tmp_path / "t.bib"
    path.write_text("@article{a, title={Fine}, year={2020}}\n\n@article{b, title={Broken\n")
    result = read_records(path)
    assert len(result.records) == 2 and any(p.line == 3 for p in result.problems)


def test_windows_1252_export_is_read_with_a_note(tmp_path):
    """A CSV saved on Windows (cp1252 bytes such as 0xa9 and 0xe9) is read, the encoding given as a note."""
    path = tmp_path / "t.csv"
    path.write_bytes("Title,Year\nCaf\xe9 groups \xa9 2020,2020\n".encode("cp1252"))
    result = read_records(path)
    assert result.records[0]["title"] == "Caf\xe9 groups \xa9 2020" and not result.problems
    assert result.encoding == "windows-1252" and [n.field for n in result.notes] == ["encoding"]


def test_mixed_encodings_are_refused_naming_the_line(tmp_path):
    """UTF-8 characters beside a Latin-1 byte fit no one encoding: refused with the line of the bad byte."""
    path = tmp_path / "t.ris"
    path.write_bytes("TY  - JOUR\nTI  - Caf\u00e9\nER  - \n".encode() + "TY  - JOUR\nTI  - Caf\xe9\nER  - \n".encode("latin-1"))
    with pytest.raises(ReviewError) as caught:
        read_records(path)
    assert caught.value.problem.line == 5 and caught.value.problem.field == "encoding"


def test_utf16_is_read(tmp_path):
    """A UTF-16 export with a byte-order mark is read."""
    path = tmp_path / "t.ris"
    path.write_bytes("TY  - JOUR\nTI  - Résumé\nER  - \n".encode("utf-16"))
    assert read_records(path).records[0]["title"] == "Résumé"


def test_unknown_format(tmp_path):
    """A file in no known format gets an error listing the supported ones."""
    path = tmp_path / "t.txt"
    path.write_text("just some words\n")
    with pytest.raises(ReviewError, match="supported"):
        detect_format(path)


def test_csv_without_title_or_doi(tmp_path):
    """A CSV with neither a title nor a DOI column is refused, naming the columns found."""
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ReviewError, match="no title or DOI column"):
        read_records(path)


def test_csv_with_two_columns_for_one_field(tmp_path):
    """Two columns that both read as the title are refused on line 1, rather than one silently chosen."""
    path = tmp_path / "t.csv"
    path.write_text("Title,TITLE,Year\nA,B,2020\n")
    with pytest.raises(ReviewError, match="both read as the title") as caught:
        read_records(path)
    assert (caught.value.problem.line, caught.value.problem.field) == (1, "TITLE")


def test_csv_columns_fall_back_in_synonym_order(tmp_path):
    """An empty cell of the best column for a field is filled from the next (Year empty, Date given)."""
    path = tmp_path / "t.csv"
    path.write_text("Title,Year,Date\nA,,2019-05-01\nB,2021,2019\n")
    assert [r["year"] for r in read_records(path).records] == [2019, 2021]


def test_benchmark_layout_keeps_ids(shared):
    """The labelled sets' CSV layout is read as it is, keeping the ID column as record_id."""
    records = read_records(shared / "benchmarks/dedup/special_cases/records_pre_merged.csv").records
    assert records[0]["record_id"] == "id_0000001" and records[0]["journal"] == "Americas Conference on Information Systems"


def test_normalise_doi():
    """DOIs lose URL prefixes and [doi] suffixes and are lower-cased."""
    assert normalise_doi("http://dx.doi.org/10.4236/OJF.2020.101008") == "10.4236/ojf.2020.101008"
    assert normalise_doi("10.1016/j.x.2017.04.075 [doi]") == "10.1016/j.x.2017.04.075"
    assert normalise_doi("no doi here") == ""


def test_ris_round_trip(tmp_path):
    """Records written as RIS read back with the same fields."""
    path = tmp_path / "in.ris"
    path.write_text("TY  - JOUR\nTI  - A title\nAU  - Smith, J\nAU  - Jones, K\nPY  - 2020\nJO  - J X\n"
                    "VL  - 3\nSP  - 10-12\nDO  - 10.1000/abc\nER  - \n")
    frame = records_frame(read_records(path).records)
    write_ris(frame, tmp_path / "out.ris")
    again = records_frame(read_records(tmp_path / "out.ris").records)
    columns = ["title", "authors", "year", "journal", "volume", "pages", "doi"]
    assert again[columns].to_dict("records") == frame[columns].to_dict("records")


def test_csv_round_trip(tmp_path):
    """Records written as CSV read back with the same ids and fields."""
    path = tmp_path / "in.ris"
    path.write_text("TY  - JOUR\nTI  - A title, with a comma\nPY  - 2020\nER  - \n")
    frame = records_frame(read_records(path).records)
    write_records_csv(frame, tmp_path / "out.csv")
    again = records_frame(read_records(tmp_path / "out.csv").records)
    assert again.loc[0, "record_id"] == frame.loc[0, "record_id"] and again.loc[0, "title"] == "A title, with a comma"


def test_endnote_xml(tmp_path):
    """EndNote XML records are read with authors, title, journal, year, pages and DOI."""
    path = tmp_path / "e.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><xml><records><record>'
                    '<ref-type name="Journal Article">17</ref-type><contributors><authors>'
                    '<author><style>Dennis, C. L.</style></author><author><style>Hodnett, E.</style></author>'
                    '</authors></contributors><titles><title><style>Effect of peer support</style></title>'
                    '<secondary-title><style>BMJ</style></secondary-title></titles><pages>1-13</pages>'
                    '<volume>338</volume><dates><year>2009</year></dates>'
                    '<electronic-resource-num>10.1136/bmj.a3064</electronic-resource-num></record></records></xml>')
    result = read_records(path)
    record = result.records[0]
    assert result.format == "endnote-xml" and record["authors"] == "Dennis, C. L.; Hodnett, E."
    assert (record["journal"], record["year"], record["doi"]) == ("BMJ", 2009, "10.1136/bmj.a3064")


def test_xml_entities_are_refused(tmp_path):
    """An EndNote XML file declaring entities (a billion-laughs or external-entity attack) is refused."""
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                    '<xml><records><record><titles><title>&b;</title></titles></record></records></xml>')
    with pytest.raises(Exception) as caught:
        read_records(path)
    assert "Entit" in type(caught.value).__name__ or "entit" in str(caught.value).lower()


def test_zotero_csv(tmp_path):
    """Zotero's CSV export maps its own column names."""
    path = tmp_path / "z.csv"
    path.write_text('"Key","Item Type","Publication Year","Author","Title","Publication Title","DOI","Pages",'
                    '"Volume","Abstract Note","Manual Tags"\n"ABCD1234","journalArticle","2016","Cust, F",'
                    '"Peer support for mothers with postnatal depression","Community Pract","","38-41","89","",""\n')
    record = read_records(path).records[0]
    assert (record["record_id"], record["journal"], record["year"], record["pages"]) == (
        "ABCD1234", "Community Pract", 2016, "38-41")


def test_wos_tab_delimited(tmp_path):
    """Web of Science's tab-delimited export uses its two-letter tags as columns."""
    path = tmp_path / "savedrecs.txt"
    path.write_text("PT\tAU\tTI\tSO\tPY\tVL\tBP\tEP\tDI\tUT\n"
                    "J\tLi, W; Dou, Z\tSoil fauna diversity\tECOSYSTEM HEALTH\t2020\t6\t1\t9\t10.1080/2096.1722034\t"
                    "WOS:000001\n")
    result = read_records(path)
    record = result.records[0]
    assert result.format == "tsv" and record["authors"] == "Li, W; Dou, Z" and record["pages"] == "1-9"
    assert record["record_id"] == "WOS:000001"


def test_xlsx(tmp_path):
    """A spreadsheet of records is read from its first sheet, rows numbered as in the sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Title", "Authors", "Year", "DOI"])
    sheet.append(["A study", "Smith, J", 2020, "10.1000/xyz"])
    sheet.append([None, None, None, None])
    sheet.append(["Another", "Jones, K", 2021, None])
    workbook.save(tmp_path / "r.xlsx")
    result = read_records(tmp_path / "r.xlsx")
    assert [r["title"] for r in result.records] == ["A study", "Another"] and result.records[1]["line"] == 4


# --- files shaped like real exports (written here from each format's documentation) -------------------------

OVID_RIS = """1.
TY  - JOUR
DB  - Embase
ID  - 2001
TI  - Hearing aids in older adults
AU  - Smith, A.
PY  - 2020
ER  - 
NL  - https://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=emed21&NEWS=N&AN=2001
Link to the Ovid Full Text or citation:
http://example.org/resolver?id=2001

2.
TY  - JOUR
DB  - Embase
ID  - 2002
TI  - Cochlear implants in children
AU  - Jones, B.
PY  - 2019
ER  - 
NL  - https://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=emed21&NEWS=N&AN=2002

3.
TY  - JOUR
DB  - Embase
ID  - 2003
TI  - Tinnitus and sleep
PY  - 2021
ER  - 
"""


def test_ovid_text_after_er_is_trailing_text_not_records(tmp_path):
    """Ovid's NL lines, link lines and record numbers after ER belong to the record above; no phantom records."""
    path = tmp_path / "ovid.ris"
    path.write_text(OVID_RIS)
    result = read_records(path)
    assert [r["record_id"] for r in result.records] == ["2001", "2002", "2003"] and not result.problems
    assert result.trailing["2001"].startswith("NL  - https://ovidsp") and "Link to the Ovid" in result.trailing["2001"]
    assert {r["database"] for r in result.records} == {"Embase"}
    assert [n.field for n in result.notes] == ["ER"]


def test_numbered_records_without_ty_begin_at_their_number(tmp_path):
    """In an Ovid file without TY lines a record begins at its number; the NL line after ER stays trailing text."""
    path = tmp_path / "ovid.ris"
    path.write_text("1.\nTI  - One\nPY  - 2020\nER  - \nNL  - note\n\n2.\nTI  - Two\nPY  - 2021\nER  - \n")
    result = read_records(path)
    assert [r["title"] for r in result.records] == ["One", "Two"] and not result.problems


def test_record_missing_ty_after_er_is_still_a_record(tmp_path):
    """A record that lacks TY but carries a title after ER is read as a record, not swallowed as trailing text."""
    path = tmp_path / "t.ris"
    path.write_text("TY  - JOUR\nTI  - One\nER  - \nTI  - Two\nPY  - 2020\nER  - \n")
    assert [r["title"] for r in read_records(path).records] == ["One", "Two"]


def test_partial_dates_read_without_problems(tmp_path):
    """WoS/EndNote dates (DA AUG, FEB 28, MAR-APR, Y1 2019//, 2019/05/01/) give the year; no problem is raised."""
    path = tmp_path / "wos.ris"
    dates = ["PY  - 2018\nDA  - AUG", "DA  - FEB 28\nPY  - 2017", "PY  - 2016\nDA  - MAR-APR", "Y1  - 2019//",
             "DA  - 2019/05/01/", "PD  - JUN\nPY  - 2015"]
    path.write_text("".join(f"TY  - JOUR\nTI  - Paper {n}\n{d}\nER  - \n\n" for n, d in enumerate(dates)))
    result = read_records(path)
    assert [r["year"] for r in result.records] == [2018, 2017, 2016, 2019, 2019, 2015]
    assert not result.problems and not result.notes


def test_date_without_any_year_is_a_note(tmp_path):
    """A month with no year anywhere in the record is a note, and the year stays empty."""
    path = tmp_path / "t.ris"
    path.write_text("TY  - JOUR\nTI  - Paper\nDA  - AUG\nER  - \n")
    result = read_records(path)
    assert result.records[0]["year"] is None and not result.problems
    assert "'AUG' has no year" in result.notes[0].message


def test_utf8_with_bom_and_utf16_read_without_notes_for_utf8(tmp_path):
    """UTF-8 with a byte-order mark is read silently; UTF-16 is read and named in a note."""
    utf8, utf16 = tmp_path / "a.ris", tmp_path / "b.ris"
    utf8.write_bytes("TY  - JOUR\nTI  - Résumé\nER  - \n".encode("utf-8-sig"))
    utf16.write_bytes("TY  - JOUR\nTI  - Résumé\nER  - \n".encode("utf-16"))
    assert read_records(utf8).notes == [] and read_records(utf8).records[0]["title"] == "Résumé"
    assert read_records(utf16).encoding == "utf-16" and read_records(utf16).records[0]["title"] == "Résumé"


EBSCO_CSV = (
    "jinfo/jtl,pubinfo/dt/_year,pubinfo/vid,pubinfo/iid,artinfo/ui/0/_type,artinfo/ui/0/__text,artinfo/ui/1/_type,"
    "artinfo/ui/1/__text,artinfo/ppf,artinfo/tig/atl,artinfo/aug/au/0,artinfo/aug/au/1,artinfo/ab/0,"
    "artinfo/pubtype,header/_longDbName\n"
    "Ear and Hearing,2021,42,3,doi,10.1097/AUD.0000000000000001,pmid,33000001,12,Hearing loss phenotypes,"
    "Lee A,Kim B,Background: we studied.,Academic Journal,CINAHL Plus\n"
    "Audiology Today,2020,,,pmid,33000002,,,,Noise at work,Park C,,,Periodical,CINAHL Plus\n")


def test_ebsco_flattened_csv(tmp_path):
    """EBSCO's JSON-flattened CSV (artinfo/tig/atl, numbered author columns) reads titles, authors, DOI, PMID."""
    path = tmp_path / "cinahl.csv"
    path.write_text(EBSCO_CSV)
    first, second = read_records(path).records
    assert (first["title"], first["authors"], first["doi"], first["pmid"], first["volume"], first["issue"]) == (
        "Hearing loss phenotypes", "Lee A; Kim B", "10.1097/aud.0000000000000001", "33000001", "42", "3")
    assert (second["pmid"], second["authors"], first["database"]) == ("33000002", "Park C", "CINAHL Plus")


PUBMED_ABSTRACT = """1. Ear Hear. 2021 May;42(3):12-20. doi: 10.1097/AUD.0000000000000001.

Hearing loss phenotypes.

Lee A(1), Kim B.

Author information:
(1)Department of Audiology.

BACKGROUND: We studied phenotypes.

DOI: 10.1097/AUD.0000000000000001
PMID: 33000001


2. RETRACTED ARTICLE

J Healthc Eng. 2022 Feb 21;2022:3978627. doi: 10.1155/2022/3978627.

Noise at work.

Park C.

PMID: 33000002 [Indexed for MEDLINE]
"""

PUBMED_CSV = ("PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,PMCID,"
              "NIHMS ID,DOI\n"
              "33000001,Hearing loss phenotypes,\"Lee A, Kim B.\",Ear Hear. 2021,Lee A,Ear Hear,2021,2021/01/01,,,"
              "10.1097/AUD.0000000000000001\n"
              "33000002,Noise at work,Park C.,J Healthc Eng. 2022,Park C,J Healthc Eng,2022,2022/01/01,,,\n")


def test_pubmed_abstract_text_and_its_csv_agree(tmp_path):
    """PubMed's Abstract text format is read (PMIDs, DOI, citation parts) and matches the CSV of the same search."""
    text, table = tmp_path / "pubmed_abstracts.txt", tmp_path / "pubmed.csv"
    text.write_text(PUBMED_ABSTRACT)
    table.write_text(PUBMED_CSV)
    result = read_records(text)
    assert result.format == "pubmed-abstract" and not result.problems
    first, second = result.records
    assert (first["pmid"], first["title"], first["authors"], first["year"], first["volume"], first["pages"]) == (
        "33000001", "Hearing loss phenotypes.", "Lee A; Kim B", 2021, "42", "12-20")
    assert (second["pmid"], second["type"], second["year"], second["database"]) == (
        "33000002", "RETRACTED ARTICLE", 2022, "PubMed")
    matches = compare_imports(result, read_records(table))
    assert list(matches["matched_by"]) == ["pmid", "pmid"]


PUBMED_ABSTRACT_AUTHORS = """1. Ear Hear. 2019 Jul/Aug;40(4):918-926. doi: 10.1097/AUD.0000000000000669.

Online Machine Learning Audiometry.

Barbour DL(1), Howard RT(1)(2), Song XD(1), Metzger N(1), Sukesan KA(1)(3),
DiLorenzo JC(1)(3), Heisey KL(1).

Author information:
(1)Laboratory of Sensory Neuroscience and Neuroengineering, Washington University.

OBJECTIVES: We studied audiometry.

DOI: 10.1097/AUD.0000000000000669
PMID: 30358656


2. Front Neurosci. 2021;15:721922. doi: 10.3389/fnins.2021.721922.

Assessment of hearing screening programmes across 47 countries.

Busse AML(#)(1), Mackey AR(#)(2), Hall JW 3rd, Simonsz HJ(1); EUSCREEN Foundation.

Author information:
(1)Erasmus University Medical Center.

OBJECTIVES: Newborn hearing screening.

PMID: 34000002
"""


def test_pubmed_abstract_author_paragraph_with_affiliation_marks(tmp_path):
    """Authors spread over lines with marks like (1)(2) and (#), a "3rd" and a group after ";" are all read."""
    path = tmp_path / "pubmed_abstracts.txt"
    path.write_text(PUBMED_ABSTRACT_AUTHORS)
    result = read_records(path)
    assert not result.problems
    assert [r["authors"] for r in result.records] == [
        "Barbour DL; Howard RT; Song XD; Metzger N; Sukesan KA; DiLorenzo JC; Heisey KL",
        "Busse AML; Mackey AR; Hall JW 3rd; Simonsz HJ; EUSCREEN Foundation"]
    assert all(r["abstract"].startswith("OBJECTIVES") for r in result.records)


def test_pubmed_abstract_author_list_not_read_is_a_problem(tmp_path):
    """An author paragraph above "Author information" that reads as no list of names is a problem, not lost."""
    path = tmp_path / "pubmed_abstracts.txt"
    path.write_text(PUBMED_ABSTRACT_AUTHORS.replace("Heisey KL(1).", "Heisey KL(1) [2019]."))
    result = read_records(path)
    assert [p.field for p in result.problems] == ["authors"] and result.records[0]["authors"] == ""


def test_compare_imports_reports_what_is_unmatched(tmp_path):
    """A record only one import holds is listed as unmatched on its side."""
    table = tmp_path / "pubmed.csv"
    table.write_text(PUBMED_CSV)
    frame = records_frame(read_records(table).records)
    matches = compare_imports(frame, frame.iloc[:1])
    assert matches.to_dict("records")[-1] == {"record_a": frame.at[1, "record_id"], "record_b": "",
                                              "matched_by": "unmatched"}


def test_database_from_the_file_or_given(tmp_path):
    """Ovid's DB column and Scopus' header name the database; a given name wins."""
    ovid, scopus = tmp_path / "ovid.csv", tmp_path / "scopus.csv"
    ovid.write_text("ORN,VN,DB,TI,YR\n1,Ovid Technologies,APA PsycInfo,Paper one,2020\n")
    scopus.write_text("Authors,Title,Year,Source title,Document Type,EID\nLee A.,Paper two,2021,Ear,Article,2-s2.0-1\n")
    assert read_records(ovid).records[0]["database"] == "APA PsycInfo"
    assert read_records(scopus).records[0]["database"] == "Scopus"
    assert read_records(scopus, database="My Scopus").records[0]["database"] == "My Scopus"


def test_rows_exported_twice_are_a_note(tmp_path):
    """The same row twice under one id (BASE does this) is a note; a different record under that id a problem."""
    path = tmp_path / "base.csv"
    path.write_text("ID,title,year\nr1,One,2020\nr1,One,2020\nr2,Two,2021\n")
    result = read_records(path)
    assert not result.problems and "(the same record)" in result.notes[0].message
    assert len(result.records) == 3


SNHL_COUNTS = {"medline.csv": 859, "psychinfo.csv": 58, "embase.csv": 568, "cinahl.csv": 168, "ieee.csv": 93,
               "scopus.csv": 709, "github.csv": 155, "base.csv": 85, "pubmed_abstracts.txt": 859}


@pytest.fixture
def snhl(shared):
    folder = shared / "open-reviews/snhl-phenotyping/data/search_returns"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return folder


@pytest.mark.parametrize("name", sorted(SNHL_COUNTS))
def test_snhl_exports_read_with_published_counts(snhl, name):
    """Each real export of the SNHL review reads with the authors' count and without a problem."""
    result = read_records(snhl / name)
    assert len(result.records) == SNHL_COUNTS[name] and not result.problems


def test_snhl_pubmed_text_agrees_with_medline_csv(snhl):
    """The PubMed Abstract text and the MEDLINE CSV of the same search match record for record."""
    matches = compare_imports(read_records(snhl / "pubmed_abstracts.txt"), read_records(snhl / "medline.csv"))
    assert len(matches) == 859 and (matches["matched_by"] != "unmatched").all()


# --- more export shapes, each written from its database's documented layout -----------------------------------

def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def _records_of(tmp_path, name: str, text: str) -> list[dict]:
    return read_records(_write(tmp_path, name, text)).records

OVID_TAGGED = """<1. >
VN  - Ovid Technologies
DB  - Embase
AN  - 620000001
AU  - Lee, K. [Author, Reprint Author; E-mail: k.lee@example.org]
AU  - Park, J. [Author]
TI  - Noise exposure and hearing thresholds in factory workers
SO  - Occupational Medicine. 68(4):245-251, June 2018.
IS  - 0962-7480 (ISSN print)
YR  - 2018
AB  - We measured hearing thresholds
      in 300 workers.

<2>
VN  - Ovid Technologies
DB  - Embase
AN  - 620000002
UI  - 621381829
AU  - Singh, R.
TI  - Tinnitus after concerts
SO  - BMJ Open. 9 (3) (pp 1-10), 2019.
IS  - 2044-6055

<4>
VN  - Ovid Technologies
DB  - Embase
AN  - 620000004
TI  - Hearing screening in newborns
SO  - BMC Proceedings. Conference: 5th Congress of Audiology. Spain. 12 (Supplement 3) (no pagination), 2018.

<3001. >
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R)
UI  - 31234567
AU  - Chen X
TI  - Cochlear implants in older adults
JT  - Ear and Hearing
VI  - 40
IP  - 2
PG  - 300-310
IS  - 0196-0202
YR  - 2019
DO  - 10.1097/AUD.0000000000000001
"""


def test_ovid_tagged_export_reads_each_numbered_record_in_ovid_meanings(tmp_path):
    """Ovid's tagged export (records numbered <1. >, <2>, no TY or ER) gives one record per number, with IS read
    as the ISSN, the journal, volume, issue, pages and year from SO where no field gives them, authors without
    their roles, the accession number (or UI) as the id and UI as the PMID only in MEDLINE; nothing in it is a
    problem."""
    path = tmp_path / "ovid.txt"
    path.write_text(OVID_TAGGED)
    result = read_records(path)
    first, second, fourth, third = result.records
    assert not result.problems and [r["record_id"] for r in result.records] == ["620000001", "620000002",
                                                                                "620000004", "31234567"]
    assert (first["journal"], first["volume"], first["issue"], first["pages"], first["year"]) == (
        "Occupational Medicine", "68", "4", "245-251", 2018)
    assert first["authors"] == "Lee, K.; Park, J." and first["abstract"] == "We measured hearing thresholds in 300 workers."
    assert (second["journal"], second["volume"], second["issue"], second["pages"], second["year"], second["pmid"]) == (
        "BMJ Open", "9", "3", "1-10", 2019, "")
    assert (fourth["journal"], fourth["volume"], fourth["issue"], fourth["pages"], fourth["year"]) == (
        "BMC Proceedings", "12", "Supplement 3", "", 2018)
    assert (third["issue"], third["pmid"], third["doi"], third["database"]) == (
        "2", "31234567", "10.1097/aud.0000000000000001", "Ovid MEDLINE(R)")


def test_next_number_inside_a_record_of_a_file_with_er_lines_is_a_missing_er(tmp_path):
    """In a numbered file that ends records with ER, a number standing inside a record begins the next one, and
    the record it cut short is a problem, not two records read as one."""
    path = tmp_path / "ovid.ris"
    path.write_text("1.\nTI  - One\nPY  - 2020\n\n2.\nTI  - Two\nPY  - 2021\nER  - \n")
    result = read_records(path)
    assert [r["title"] for r in result.records] == ["One", "Two"]
    assert [(p.line, p.field) for p in result.problems] == [(2, "ER")]


WOS_TAB_HEADER = "PT\tAU\tTI\tSO\tDE\tID\tSP\tPY\tEY\tVL\tIS\tBP\tEP\tAR\tPG\tDI\tDA\tUT"


def test_wos_tab_delimited_export_reads_in_web_of_science_meanings(tmp_path):
    """Web of Science's tab-delimited export (every row ending with a tab, no quoting, a title that opens with
    a quote mark) reads without a problem: UT is the id (ID is Keywords Plus), pages from BP-EP (PG is the page
    count, SP the sponsor), the article number where there are no pages, and the early-access year where there
    is no publication year (DA is the export date)."""
    rows = ['J\tLee, K\t"Hear me": deaf students at school\tEAR HEAR\tdeafness\tCHILDREN\tNIH\t2019\t\t40\t2\t'
            '300\t310\t\t11\t10.1/a\t2024-01-05\tWOS:000000000000001',
            'J\tPark, J\tTinnitus and sleep\tPLOS ONE\t\t\t\t\t2023\t18\t\t\t\te0123\t9\t10.1/b\t2024-01-05\t'
            'WOS:000000000000002']
    path = tmp_path / "savedrecs.txt"
    path.write_text(WOS_TAB_HEADER + "\n" + "".join(row + "\t\n" for row in rows))
    result = read_records(path)
    first, second = result.records
    assert not result.problems and result.format == "tsv" and first["database"] == "Web of Science"
    assert (first["record_id"], first["title"], first["pages"], first["year"], first["keywords"]) == (
        "WOS:000000000000001", '"Hear me": deaf students at school', "300-310", 2019, "deafness")
    assert (second["record_id"], second["pages"], second["year"]) == ("WOS:000000000000002", "e0123", 2023)


def test_wos_full_name_header_is_recognised(tmp_path):
    """The full column names of Web of Science's Excel and CSV exports name the database and give the id."""
    records = _records_of(tmp_path, "savedrecs.csv",
                          "Publication Type,Authors,Article Title,Source Title,Publication Year,Volume,Start Page,"
                          "End Page,Article Number,DOI,UT (Unique WOS ID)\n"
                          "J,\"Lee, K\",Hearing,EAR HEAR,2019,40,,,e12,10.1/a,WOS:000000000000001\n")
    record = records[0]
    assert (record["database"], record["record_id"], record["pages"]) == ("Web of Science", "WOS:000000000000001",
                                                                         "e12")


@pytest.mark.parametrize("address, doi", [
    ("https://doi.org/10.1000/ABC.1?utm_source=x", "10.1000/abc.1"),
    ("http://resolver.example.org/?rft_id=info:doi/10.4236%2Fojf.2020.101008&rft_id=info:pmid/", "10.4236/ojf.2020.101008"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/jan.13465/full", "10.1002/jan.13465"),
    ("https://onlinelibrary.wiley.com/doi/10.1002/jan.13465/abstract#section", "10.1002/jan.13465"),
    ("https://link.springer.com/content/pdf/10.1007/s00520-019-04765-4.pdf", "10.1007/s00520-019-04765-4"),
    ("10.1002/(SICI)1097-4636(199707)35:1<1::AID-JBM1>3.0.CO;2-R", "10.1002/(sici)1097-4636(199707)35:1<1::aid-jbm1>3.0.co;2-r"),
    ("10.1016/j.x.2019.01.001>", "10.1016/j.x.2019.01.001"),
])
def test_doi_from_an_address_ends_where_the_doi_does(address, doi):
    """In an address the DOI stops at the query, the fragment or the view named after it (/full, .pdf); a bare
    DOI keeps every character it has, even <, > and ; (SICI DOIs)."""
    assert normalise_doi(address) == doi


def test_ris_doi_from_l3_or_a_doi_link_in_l1(tmp_path):
    """EBSCO's L3 and a doi.org link in L1 give the DOI of a record that has no DO line."""
    records = _records_of(tmp_path, "ebsco.ris",
                          "TY  - JOUR\nTI  - One\nL3  - 10.1000/one\nER  - \n\n"
                          "TY  - JOUR\nTI  - Two\nL1  - internal-pdf://two.pdf\nL1  - https://dx.doi.org/10.1000/two\nER  - \n")
    assert [r["doi"] for r in records] == ["10.1000/one", "10.1000/two"]


def test_embase_csv_header_below_the_search_query(tmp_path):
    """Embase.com writes the search above its header: the header is found below it (a note) and Author Names,
    First Page and Last Page are read."""
    path = tmp_path / "embase.csv"
    path.write_text('"SEARCH QUERY","(\'hearing loss\'/exp) AND [2015-2020]/py"\n"RESULTS COUNT","2"\n\n'
                    '"TITLE","AUTHOR NAMES","SOURCE","PUBLICATION YEAR","FIRST PAGE","LAST PAGE","DOI"\n'
                    '"Hearing in mines","Lee K.; Park J.","Occup Med","2018","245","251","10.1/a"\n'
                    '"Tinnitus","Singh R.","BMJ Open","2019","","","10.1/b"\n')
    result = read_records(path)
    assert not result.problems and [n.field for n in result.notes] == ["header"] and result.notes[0].line == 4
    first = result.records[0]
    assert (first["authors"], first["pages"], first["journal"], first["line"]) == ("Lee K.; Park J.", "245-251",
                                                                                  "Occup Med", 5)


def test_csv_title_and_journal_columns_of_other_databases(tmp_path):
    """ClinicalTrials.gov's Study Title and NCT Number, PubMed's Journal/Book, Publish or Perish's Source and a
    Publication column are read; Scopus' Source column (the database's name) is not taken as the journal."""
    trials, pubmed, scholar, scopus = (tmp_path / f"{n}.csv" for n in ("ctgov", "pubmed", "pop", "scopus"))
    trials.write_text("NCT Number,Study Title,Study URL\nNCT01234567,Hearing aids trial,https://clinicaltrials.gov/study/NCT01234567\n")
    pubmed.write_text("PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,PMCID,"
                      "NIHMS ID,DOI\n31234567,Noise,\"Griffin DK, Larkin DM.\",\"Hear Res. 2019 Mar;373(2):1-10. doi: "
                      "10.1/a. Epub 2019 Jan 5.\",Griffin DK,Hear Res,2019,2019/01/06,,,10.1/a\n")
    scholar.write_text("Cites,Authors,Title,Year,Source,Publisher\n3,\"DK Griffin, DM Larkin\",Noise,2019,"
                       "Hearing Research,Elsevier\n")
    scopus.write_text("Authors,Title,Year,Source title,Art. No.,DOI,Document Type,Source,EID\n"
                      "Lee K.,Noise,2019,,e12,10.1/a,Article,Scopus,2-s2.0-1\n")
    ctgov = read_records(trials).records[0]
    assert (ctgov["record_id"], ctgov["title"]) == ("NCT01234567", "Hearing aids trial")
    pm = read_records(pubmed).records[0]
    assert (pm["journal"], pm["volume"], pm["issue"], pm["pages"], pm["authors"]) == (
        "Hear Res", "373", "2", "1-10", "Griffin DK; Larkin DM")
    pop = read_records(scholar).records[0]
    assert (pop["journal"], pop["authors"]) == ("Hearing Research", "DK Griffin; DM Larkin")
    sc = read_records(scopus).records[0]
    assert (sc["journal"], sc["pages"]) == ("", "e12")


def test_one_person_with_a_comma_is_not_split(tmp_path):
    """"Surname, Given" is one person; only a list of initialled names is split at its commas."""
    records = _records_of(tmp_path, "a.csv",
                          'Title,Authors\nOne,"Smith, John"\nTwo,"Smith J, Jones, K"\nThree,World Health Organization\n')
    assert [r["authors"] for r in records] == ["Smith, John", "Smith J, Jones, K",
                                                                 "World Health Organization"]


def test_article_numbers_stand_for_pages(tmp_path):
    """RIS C7, BibTeX art_number and article-number give the pages of an article that has none."""
    ris, bib = tmp_path / "a.ris", tmp_path / "a.bib"
    ris.write_text("TY  - JOUR\nTI  - One\nC7  - e0123\nER  - \n\nTY  - JOUR\nTI  - Two\nSP  - 5\nEP  - 9\n"
                   "C7  - e9\nER  - \n")
    bib.write_text("@article{a, title={One}, art_number={1722034}}\n@article{b, title={Two}, article-number={e5}}\n")
    assert [r["pages"] for r in read_records(ris).records] == ["e0123", "5-9"]
    assert [r["pages"] for r in read_records(bib).records] == ["1722034", "e5"]


def test_medline_book_title_and_group_author(tmp_path):
    """A MEDLINE book record without TI takes its BTI as title, and a group author (CN) is one of the authors."""
    records = _records_of(tmp_path, "pubmed.nbib",
                          "PMID- 30000001\nBTI - Hearing Loss: Determining Eligibility\nCN  - National Academies\n\n"
                          "PMID- 30000002\nTI  - Noise study\nAU  - Lee K\nCN  - Hearing Study Group\n")
    book, article = records
    assert (book["title"], book["authors"]) == ("Hearing Loss: Determining Eligibility", "National Academies")
    assert article["authors"] == "Lee K; Hearing Study Group"


def test_bibtex_latex_is_decoded_and_pages_take_one_hyphen(tmp_path):
    """BibTeX accents and escapes ({\\'a}, \\"{u}, \\&) read as the letters they stand for, a bare % stays a
    percent sign, and 123--130 reads as 123-130; a URL keeps its escapes."""
    records = _records_of(tmp_path, "a.bib",
                          "@article{a,\n  title = {A {B}ayesian view of {\\'a}lvarez's 50% rule \\& more},\n"
                          "  author = {Garc{\\'\\i}a, Ana and M\\\"{u}ller, Jan},\n  pages = {123--130},\n"
                          "  url = {https://example.org/a%2Fb}\n}\n@article{b, title={Two}, pages={7 -- 9}}\n")
    first, second = records
    assert first["title"] == "A Bayesian view of álvarez's 50% rule & more"
    assert first["authors"] == "García, Ana; Müller, Jan" and first["url"] == "https://example.org/a%2Fb"
    assert (first["pages"], second["pages"]) == ("123-130", "7-9")


def test_ris_list_tag_continues_as_new_items(tmp_path):
    """Lines without a tag below KW or AU are the next keywords or authors; below AB they continue the text."""
    records = _records_of(tmp_path, "a.ris",
                          "TY  - JOUR\nTI  - One\nAU  - Lee, K\nPark, J\nKW  - deafness\nhearing aids\ntinnitus\n"
                          "AB  - First line\nsecond line\nER  - \n")
    record = records[0]
    assert (record["authors"], record["keywords"], record["abstract"]) == (
        "Lee, K; Park, J", "deafness; hearing aids; tinnitus", "First line second line")


def test_embase_csv_source_cell_and_openurl_doi(tmp_path):
    """Embase.com's Source cell ("Journal (year) volume:issue (pages). Date of Publication: ...") gives the
    journal, volume, issue and pages, and its OpenURL link the DOI."""
    records = _records_of(tmp_path, "embase.csv",
                          'Title,Author Names,Source,Open URL Link\n"Endoscopic ultrasound of the pancreas","Lee K.",'
                          '"Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014",'
                          '"https://resolver.example.org/?sid=EMBASE&issn=23039027&id=doi:10.4103%2F2303-9027.138783&atitle=x"\n')
    record = records[0]
    assert (record["journal"], record["year"], record["volume"], record["issue"], record["pages"], record["doi"]) == (
        "Endoscopic Ultrasound", 2014, "3", "3", "152-160", "10.4103/2303-9027.138783")


def test_pages_that_say_there_are_none_are_empty(tmp_path):
    """Ovid's "No Pagination Specified" (SP No, EP Specified in RIS) is no pages; TRID's "pp 278-298" is 278-298."""
    records = _records_of(tmp_path, "a.ris",
                          "TY  - JOUR\nTI  - One\nSP  - No\nEP  - Specified\nER  - \n\n"
                          "TY  - JOUR\nTI  - Two\nSP  - pp 278-298\nER  - \n\nTY  - JOUR\nTI  - Three\nSP  - No Pagination "
                          "Specified\nER  - \n")
    assert [r["pages"] for r in records] == ["", "278-298", ""]


@pytest.mark.parametrize("abstracts, expected", [
    ("AB  - ABSTRACT The forest.\nAB  - RESUMO A mata.\n", "ABSTRACT The forest. RESUMO A mata."),
    ("AB  - Small rodents are common.\nAB  - Copyright of Agric Ecosyst Environ is the property of Elsevier.\n",
     "Small rodents are common."),
])
def test_every_abstract_is_kept_but_a_copyright_notice(tmp_path, abstracts, expected):
    """A record with its abstract in two languages (SciELO writes AB twice) keeps both; EBSCO's copyright
    notice, written as a second AB line, is left out of the abstract."""
    records = _records_of(tmp_path, "a.ris", f"TY  - JOUR\nTI  - Forest\n{abstracts}ER  - \n")
    assert records[0]["abstract"] == expected


def test_pubmed_ids_where_each_database_writes_them(tmp_path):
    """AN is the PMID in a PubMed record, C5 the MEDLINE PMID in an Embase one; elsewhere neither is."""
    records = _records_of(tmp_path, "a.ris",
                          "TY  - JOUR\nTI  - One\nDB  - PubMed\nAN  - 29459515\nER  - \n\n"
                          "TY  - JOUR\nTI  - Two\nDB  - Embase\nC5  - 15368318\nER  - \n\n"
                          "TY  - JOUR\nTI  - Three\nDB  - CINAHL\nAN  - 123456\nC5  - 99\nER  - \n")
    assert [r["pmid"] for r in records] == ["29459515", "15368318", ""]


def test_bibtex_identifiers_lose_their_latex_escapes(tmp_path):
    """A DOI escaped as LaTeX (\\_) reads bare; a PMID key (Europe PMC) gives the PMID; Scopus' source field
    names the database."""
    records = _records_of(tmp_path, "a.bib",
                          "@incollection{x, title={Chapter}, doi={10.1007/999-9-999-99999-9\\_3}}\n"
                          "@article{PMID:36788546, title={Two}}\n@article{s, title={Three}, source={Scopus}}\n")
    one, two, three = records
    assert (one["doi"], two["pmid"], three["database"]) == ("10.1007/999-9-999-99999-9_3", "36788546", "Scopus")


def test_endnote_xml_web_address(tmp_path):
    """An EndNote XML record whose address stands under web-urls keeps it."""
    records = _records_of(tmp_path, "a.xml",
                          '<?xml version="1.0" encoding="UTF-8"?><xml><records><record><ref-type name="Web Page">12'
                          '</ref-type><titles><title>Search by example</title></titles><urls><web-urls><url>'
                          'http://editor.example.org/search</url></web-urls></urls></record></records></xml>')
    assert records[0]["url"] == "http://editor.example.org/search"


def test_zoological_record_page_span(tmp_path):
    """PS, the page span of Zoological Record's tab-delimited export (Web of Science platform), gives the pages."""
    records = _records_of(tmp_path, "zoorec.txt",
                          "PT\tAU\tTI\tSO\tPS\tPY\tUT\nJ\tLee, K\tBees\tJ ZOOL\t2274-2285\t2019\tZOOREC:1\n")
    assert records[0]["pages"] == "2274-2285"



def test_ovid_csv_source_line_gives_journal_volume_pages_and_year(tmp_path):
    """Ovid's CSV (Embase) has only its SO source line: the journal, volume, issue and pages are read from it,
    the year is the one standing on its own (not the first page, 1692), "(no pagination)" is no issue, and the
    PMID loses the link Ovid writes after it; PsycInfo's JN and VO columns give journal and volume."""
    records = _records_of(tmp_path, "embase.csv",
                          "ORN,VN,DB,UI,TI,SO,AU,PM\n"
                          '1,Ovid Technologies,Embase,1,Dynamically masked audiograms,"Ear and hearing. 41(6) '
                          '(pp 1692-1702), 2020. Date of Publication: 01 Nov 2020.",Heisey K.L.,"33136643 '
                          '[https://www.ncbi.nlm.nih.gov/pubmed/?term=33136643]"\n'
                          '2,Ovid Technologies,Embase,2,Brain research,"Brain Research. 1828(no pagination), 2024. '
                          'Article Number: 148775.",Liu M.,\n'
                          '3,Ovid Technologies,Embase,3,Predictive models,"Trends in hearing. 25(pp 23312165211066174), '
                          '2021.",Shafieibavani E.,\n')
    first, second, third = records
    assert (first["journal"], first["volume"], first["issue"], first["pages"], first["year"], first["pmid"]) == (
        "Ear and hearing", "41", "6", "1692-1702", 2020, "33136643")
    assert (second["journal"], second["volume"], second["issue"], second["year"]) == ("Brain Research", "1828", "", 2024)
    assert (third["volume"], third["issue"], third["pages"], third["year"]) == ("25", "", "23312165211066174", 2021)
    psycinfo = _records_of(tmp_path, "psycinfo.csv", "ORN,VN,DB,AN,TI,YR,SO,JN,VO,IP,PG\n1,Ovid Technologies,"
                           'APA PsycInfo,2015-1,Profiles,2015,"Frontiers in Psychology. Vol.6, 2015, ArtID 953.",'
                           "Frontiers in Psychology,6,,\n")
    assert (psycinfo[0]["journal"], psycinfo[0]["volume"]) == ("Frontiers in Psychology", "6")


def test_a_misnamed_title_column_is_a_problem(tmp_path):
    """A DOI file whose titles stand under a misspelt header ("Titel") reports it (every title would be lost);
    a file of DOIs only is a note."""
    misnamed, dois = tmp_path / "a.csv", tmp_path / "b.csv"
    misnamed.write_text("Titel,DOI\nPeer support,10.1000/a\n")
    dois.write_text("DOI,Notes\n10.1000/a,from a colleague\n")
    problem, = read_records(misnamed).problems
    assert (problem.line, problem.field) == (1, "header") and "'Titel'" in problem.message
    only = read_records(dois)
    assert not only.problems and [n.field for n in only.notes] == ["header"]


def test_record_files_are_written_or_the_sentence_says_there_are_none(tmp_path):
    """Records are written as RIS and CSV with a sentence saying so; none writes nothing and says none yet."""
    frame = records_frame(read_records(_write(tmp_path, "a.ris", "TY  - JOUR\nTI  - One\nER  - \n")).records)
    assert "1 records written to `records/included.ris`" in save_record_files(frame, tmp_path / "out", "included")
    assert (tmp_path / "out/records/included.ris").is_file()
    assert save_record_files(frame.iloc[0:0], tmp_path / "none", "included") == "*No included records to write yet.*"
    assert not (tmp_path / "none").exists()


def test_a_field_problem_names_the_line_of_the_field(tmp_path):
    """A year that cannot be read is reported on its own line, not on the record's first."""
    result = read_records(_write(tmp_path, "a.ris", "TY  - JOUR\nTI  - One\nAU  - Lee, K\nPY  - 20l9\nER  - \n"))
    assert [(p.line, p.field) for p in result.problems] == [(4, "year")]


def test_a_review_file_is_read_once_and_an_unreadable_one_fails_every_time(tmp_path, monkeypatch):
    """read_review_file reads each file once per review, for check and the stages alike; a file it cannot read
    raises the project's error on each call."""
    from synthesis import records as module

    class Review:
        def __init__(self):
            self.cache = {}

        def cached(self, key, compute):
            if key not in self.cache:
                self.cache[key] = compute()
            return self.cache[key]

    calls = []
    monkeypatch.setattr(module, "read_records", lambda path: calls.append(path) or read_records(path))
    good, bad, review = _write(tmp_path, "a.ris", "TY  - JOUR\nTI  - One\nER  - \n"), tmp_path / "gone.ris", Review()
    assert module.read_review_file(review, good) is module.read_review_file(review, good) and calls == [good]
    for _ in range(2):
        with pytest.raises(ReviewError, match="no such file"):
            module.read_review_file(review, bad)
    assert calls == [good, bad]

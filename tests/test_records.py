"""Tests for synthesis.records."""

import pytest

from synthesis.errors import ReviewError
from synthesis.records import (
    detect_format,
    normalise_doi,
    read_records,
    records_frame,
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


def test_duplicate_bibtex_field_is_kept_with_a_problem(shared):
    """A BibTeX entry repeating a field is read, not dropped, and the repetition is reported."""
    result = read_records(shared / "fixtures/exports/synthesisr/Scopus_bib_example.bib")
    assert result.records[0]["doi"] == "10.1080/20964129.2020.1722034"
    assert "funding_details" in result.problems[0].message


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

"""Tests for synthesis.prisma."""

from synthesis import prisma


def test_duplicates_derived_from_published_totals(hackmann):
    """Hackmann's duplicates are derived as 13220 - 9867 and marked as derived."""
    table = prisma.prisma_counts(hackmann).set_index("box")
    assert table.loc["duplicates", "n"] == 3353 and table.loc["duplicates", "status"] == "derived"


def test_template_uses_prisma2020_keys(mcleish):
    """The CSV for the PRISMA2020 app has every data key of its template and leaves unreported boxes empty."""
    template = prisma.prisma2020_template(mcleish)
    assert list(template["data"]) == prisma.TEMPLATE_ROWS and set(prisma.PRISMA_BOXES) <= set(template["data"])
    assert template.set_index("data").loc["new_reports", "n"] == 29
    assert template.set_index("data").loc["identification", "n"] is None


def test_reconcile_reports_what_it_cannot_check(ibrahim):
    """Without the middle boxes, each check says which counts are missing."""
    result = prisma.reconcile(ibrahim)
    assert set(result["result"]) == {"cannot check"} and "records_screened" in result.loc[0, "detail"]


def test_reconcile_detects_imbalance(review_copy):
    """Counts that do not add up are reported as not holding."""
    from synthesis import load_review

    folder = review_copy("psw-implementation")
    path = folder / "prisma.yml"
    path.write_text(path.read_text().replace("counts:\n", "counts:\n  database_results: {n: 100, source: t}\n"
                                             "  duplicates: {n: 10, source: t}\n  excluded_automatic: {n: 0, source: t}\n"
                                             "  excluded_other: {n: 0, source: t}\n  records_screened: {n: 80, source: t}\n"))
    result = prisma.reconcile(load_review(folder))
    assert result.loc[0, "result"] == "does not hold" and result.loc[0, "detail"] == "90 computed, 80 published"


def test_flow_diagram_shows_unreported(mcleish):
    """The diagram prints 'not reported' for boxes without a count."""
    figure = prisma.flow_diagram(mcleish)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any("not reported" in t for t in texts) and any("5,126" in t for t in texts)


def test_counts_derived_from_exports_and_decisions(review_copy, shared):
    """A review with exports and a screening log gets its PRISMA counts computed, and they reconcile."""
    import shutil

    from synthesis import load_review

    folder = review_copy("psw-implementation")
    (folder / "prisma.yml").write_text("source: derived from the records\n")
    exports = folder / "search" / "exports"
    exports.mkdir(parents=True)
    for name in ("Scopus_ris_example.ris", "WoS_ciw_example.ciw"):
        shutil.copy(shared / "fixtures/exports/synthesisr" / name, exports / name)
    (folder / "screening").mkdir()
    lines = ["decision_id,record_id,stage,reviewer,decision,reason,date,source"]
    for n, decision in enumerate(["include", "exclude", "include", "exclude", "exclude", "include"], start=1):
        lines.append(f"ta{n},r{n},title-abstract,A,{decision},,,log")
    lines += ["ft1,r1,full text,A,include,,,log", "ft2,r3,full text,A,exclude,wrong design,,log",
              "ft3,r6,full text,A,include,,,log"]
    (folder / "screening" / "decisions.csv").write_text("\n".join(lines) + "\n")
    review = load_review(folder)
    table = prisma.prisma_counts(review).set_index("box")
    assert table.loc["database_results", "n"] == 8 and table.loc["duplicates", "n"] == 2
    assert table.loc["database_results", "status"] == "derived"
    assert (table.loc["records_screened", "n"], table.loc["records_excluded", "n"]) == (6, 3)
    assert (table.loc["dbr_assessed", "n"], table.loc["new_studies", "n"]) == (3, 2)
    assert set(prisma.reconcile(review)["result"]) == {"holds"}
    assert list(prisma.database_counts(review)["n"]) == [3, 5]
    template = prisma.prisma2020_template(review).set_index("data")
    assert template.loc["database_specific_results", "n"] == "Scopus, 3; Web of Science, 5"


def _template_rows(shared):
    """The ``data`` names of the PRISMA2020 package's own CSV template (rows without one are title boxes)."""
    import csv

    with open(shared / "fixtures/prisma2020/PRISMA.csv", newline="", encoding="utf-8") as handle:
        return [row["data"] for row in csv.DictReader(handle) if row["data"] not in ("", "NA")]


def test_written_prisma2020_csv_reads_back_through_the_template(tmp_path, shared):
    """prisma2020.csv of the snhl example carries every template row; lists parse in the template's format."""
    import csv

    from synthesis import load_review
    from synthesis.outputs import save_table
    from synthesis.paths import REVIEWS_DIR

    review = load_review(REVIEWS_DIR / "snhl-phenotyping")
    save_table(prisma.prisma2020_template(review), "prisma2020", tmp_path)
    with open(tmp_path / "tables/prisma2020.csv", newline="", encoding="utf-8") as handle:
        written = {row["data"]: row["n"] for row in csv.DictReader(handle)}
    rows = _template_rows(shared)
    assert set(rows) <= set(written)

    def as_list(text):
        return {name.strip(): n.strip() for name, n in (item.rsplit(",", 1) for item in text.split(";"))}

    databases = as_list(written["database_specific_results"])
    assert databases["MEDLINE"] == "859" and databases["EMBASE"] == "568" and len(databases) == 8
    assert as_list(written["dbr_excluded"]) == {"Not SNHL only": "7", "Wrong age cohort": "2"}
    assert as_list(written["other_excluded"]) == {"Not SNHL only": "2"}
    assert (written["records_screened"], written["dbr_assessed"], written["other_assessed"]) == ("1498", "15", "3")
    assert written["total_studies"] == "7" and written["previous_studies"] == ""


def test_snhl_flow_derived_from_records_and_decisions():
    """Every screening box of the snhl example is derived from its records and decisions, and the flow balances."""
    from synthesis import load_review
    from synthesis.paths import REVIEWS_DIR

    review = load_review(REVIEWS_DIR / "snhl-phenotyping")
    table = prisma.prisma_counts(review).set_index("box")
    boxes = ["records_screened", "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports",
             "dbr_assessed", "dbr_excluded", "other_sought_reports", "other_assessed", "new_studies"]
    assert set(table.loc[boxes, "status"]) == {"derived"}
    assert table.loc[boxes, "n"].tolist() == [1498, 1482, 16, 1, 15, 9, 3, 3, 7]
    checks = prisma.reconcile(review).set_index("check")["result"]
    assert set(checks.drop(checks.index[0])) == {"holds"}


def test_null_count_does_not_hide_derived(review_copy, shared):
    """A scaffolded prisma.yml count with n null leaves the count derived from the exports in place."""
    import shutil

    from synthesis import load_review

    folder = review_copy("psw-implementation")
    (folder / "prisma.yml").write_text("counts:\n  database_results: {n: null, source: to do}\nsource: mine\n")
    exports = folder / "search" / "exports"
    exports.mkdir(parents=True)
    shutil.copy(shared / "fixtures/exports/synthesisr/Scopus_ris_example.ris", exports / "scopus.ris")
    table = prisma.prisma_counts(load_review(folder)).set_index("box")
    assert (table.loc["database_results", "n"], table.loc["database_results", "status"]) == (3, "derived")


def test_unresolved_conflict_is_not_counted_as_not_retrieved(with_decisions):
    """A title-abstract conflict without a resolution is neither sought nor 'not retrieved'."""
    from synthesis import load_review

    folder = with_decisions([("r1", "title-abstract", "A", "include", ""), ("r1", "title-abstract", "B", "exclude", ""),
                             ("r2", "title-abstract", "A", "include", ""), ("r2", "title-abstract", "B", "include", ""),
                             ("r2", "full text", "A", "include", "")])
    table = prisma.prisma_counts(load_review(folder)).set_index("box")["n"]
    assert (table["dbr_sought_reports"], table["dbr_notretrieved_reports"], table["records_excluded"]) == (1, 0, 0)
    assert "unresolved" in prisma.prisma_counts(load_review(folder)).set_index("box").loc["dbr_sought_reports",
                                                                                         "source"]


def test_previous_version_counts_add_to_totals(with_decisions):
    """An updated review's previous-version counts are added to the new studies in the totals."""
    from synthesis import load_review

    folder = with_decisions([("r1", "full text", "A", "include", "")])
    (folder / "prisma.yml").write_text("counts:\n  previous_studies: {n: 4, source: v1}\n"
                                       "  previous_reports: {n: 5, source: v1}\nsource: mine\n")
    template = prisma.prisma2020_template(load_review(folder)).set_index("data")["n"]
    assert (template["previous_studies"], template["new_studies"], template["total_studies"]) == (4, 1, 5)
    assert template["total_reports"] == 6


def test_deduplication_comparison_lists_the_groups_that_differ():
    """The authors' title-only matching beside the project's, with each differing group and what sets it apart."""
    from synthesis import load_review
    from synthesis.paths import REVIEWS_DIR

    review = load_review(REVIEWS_DIR / "snhl-phenotyping")
    summary, differences = prisma.deduplication_comparison(review)
    by_method = summary.set_index("method")
    assert by_method.loc["records the authors screened", "unique"] == 1498
    assert "EMBASE" not in by_method.loc["records the authors screened", "note"].upper().split(": ")[1]
    project, title_only = by_method.loc["synthesis de-duplication"], by_method.loc["title-only exact matching"]
    kept_apart = differences[differences["kind"] == "same title, kept apart by the project"]
    assert not kept_apart.empty and kept_apart["fields that differ"].str.len().gt(0).all()
    assert title_only["unique"] != project["unique"]


def test_title_only_groups_match_the_authors_cleaning():
    """Titles differing only in case and punctuation share a group; a record without a title stays alone."""
    import pandas as pd

    records = pd.DataFrame({"record_id": ["a", "b", "c", "d"],
                            "title": ["Noise-induced loss.", "noiseinduced LOSS", "Noise induced loss", None]})
    groups = prisma.title_only_groups(records)
    assert groups[0] == groups[1] != groups[2] and groups[3] == "untitled:d"


def test_same_search_in_two_formats_is_counted_once_and_compared(review_copy, shared):
    """An export marked same_search_as is left out of the counts and matched record for record with the other."""
    import shutil

    from synthesis import load_review
    from synthesis.records import read_records, records_frame, write_records_csv

    folder = review_copy("psw-implementation")
    exports = folder / "search" / "exports"
    exports.mkdir(parents=True)
    shutil.copy(shared / "fixtures/exports/synthesisr/Scopus_ris_example.ris", exports / "scopus.ris")
    records = records_frame(read_records(exports / "scopus.ris").records)
    write_records_csv(records.iloc[:2], exports / "scopus_again.csv")
    (folder / "prisma.yml").write_text(
        "exports:\n  - {file: scopus.ris, database: Scopus, source: log}\n"
        "  - {file: scopus_again.csv, database: Scopus, same_search_as: scopus.ris, source: log}\nsource: mine\n")
    review = load_review(folder)
    assert prisma.database_counts(review)[["database", "n"]].values.tolist() == [["Scopus", 3]]
    row = prisma.same_search_check(review).iloc[0]
    assert (row["records"], row["records there"], row["matched"], row["only there"]) == (2, 3, 2, 1)


def test_duplicate_decisions_in_the_review_are_applied(tmp_path, shared):
    """A pair decided a duplicate in search/duplicate_decisions.csv is grouped on the next run and leaves the queue."""
    import shutil

    from synthesis import load_review, prisma
    from synthesis.scaffold import new_review

    folder = tmp_path / "decided"
    new_review(folder)
    for name in ("PubMed_example.txt", "Scopus_ris_example.ris", "WoS_ciw_example.ciw"):
        shutil.copy(shared / "fixtures" / "exports" / "synthesisr" / name, folder / "search" / "exports" / name)
    before = prisma.export_duplicates(load_review(folder)).groups
    a, b = before["record_id"].iloc[0], before[before["group_id"] != before["group_id"].iloc[0]]["record_id"].iloc[0]
    (folder / "search" / "duplicate_decisions.csv").write_text(
        "record_a,record_b,decision,decided_by,date,note\n"
        f"{a},{b},duplicate,carol,2025-01-05,same trial report\n", encoding="utf-8")
    after = prisma.export_duplicates(load_review(folder)).groups.set_index("record_id")
    assert after.loc[a, "group_id"] == after.loc[b, "group_id"]
    assert "carol" in " ".join(after.loc[[a, b], "reason"])


def test_exports_keep_the_database_their_file_names(tmp_path, shared):
    """Without prisma.yml's exports, each export counts under the database its file names (else its file name)."""
    import shutil

    from synthesis import load_review, prisma
    from synthesis.scaffold import new_review

    folder = tmp_path / "named"
    new_review(folder)
    for name in ("PubMed_example.txt", "WoS_ciw_example.ciw"):
        shutil.copy(shared / "fixtures" / "exports" / "synthesisr" / name, folder / "search" / "exports" / name)
    table = prisma.database_counts(load_review(folder))
    assert dict(zip(table["database"], table["n"])) == {"PubMed": 3, "Web of Science": 5}


def test_prisma_text_fits_its_boxes(mcleish):
    """Each PRISMA box's text, as rendered, lies inside its box."""
    figure = prisma.flow_diagram(mcleish)
    ax = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    boxes = [patch.get_window_extent(renderer) for patch in ax.patches if type(patch).__name__ == "Rectangle"]
    for text in ax.texts:
        if text.get_rotation():
            continue
        extent = text.get_window_extent(renderer)
        assert any(box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1
                   for box in boxes), text.get_text()
    assert figure.texts[0].get_text().startswith("PRISMA 2020 flow: Community-based")


def test_check_names_export_files_and_decided_records_that_do_not_exist(review_copy):
    """`synthesis check` reports a prisma.yml export naming no file of search/exports/ and a duplicate decision
    naming no record of the exports, with file, line and field (`synthesis run` would stop at the second)."""
    from synthesis.review import check_review

    folder = review_copy("snhl-phenotyping")
    prisma = folder / "prisma.yml"
    prisma.write_text(prisma.read_text().replace("{file: psychinfo.csv,", "{file: psycinfo.csv,"))
    (folder / "search/duplicate_decisions.csv").write_text(
        "record_a,record_b,decision,decided_by\nmedline-00001,medline-99999,not duplicate,AB\n")
    found = {(p.file.split("/")[-1], p.field, p.message) for p in check_review(folder)}
    assert ("prisma.yml", "exports.file", "'psycinfo.csv' is not a file of search/exports/") in found
    assert ("duplicate_decisions.csv", "record_b", "no record 'medline-99999' in search/exports/") in found


def test_a_database_exported_in_several_files_is_counted_once(review_copy):
    """Two exports of one database (a search exported in parts) are one PRISMA entry with their records summed,
    in the template's per-database list and for a `prisma:database=NAME` claim."""
    from synthesis import load_review

    folder = review_copy("snhl-phenotyping")
    prisma_yml = folder / "prisma.yml"
    prisma_yml.write_text(prisma_yml.read_text().replace("{file: ieee.csv, database: IEEE,",
                                                         "{file: ieee.csv, database: CINAHL,"))
    review = load_review(folder)
    per_database = dict(prisma.records_per_database(review))
    files = prisma.database_counts(review)
    cinahl = files[files["database"] == "CINAHL"]
    assert len(cinahl) == 2 and per_database["CINAHL"] == cinahl["n"].sum()
    listed = prisma.prisma2020_template(review).set_index("data").loc["database_specific_results", "n"]
    assert listed.count("CINAHL,") == 1 and prisma.count_value(review, "database=CINAHL") == per_database["CINAHL"]

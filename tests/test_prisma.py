"""Tests for synthesis.prisma."""

from synthesis import prisma


def test_duplicates_derived_from_published_totals(hackmann):
    """Hackmann's duplicates are derived as 13220 - 9867 and marked as derived."""
    table = prisma.prisma_counts(hackmann).set_index("box")
    assert table.loc["duplicates", "n"] == 3353 and table.loc["duplicates", "status"] == "derived"


def test_template_uses_prisma2020_keys(mcleish):
    """The CSV for the PRISMA2020 app has its data keys and leaves unreported boxes empty."""
    template = prisma.prisma2020_template(mcleish)
    assert list(template["data"]) == list(prisma.PRISMA_BOXES)
    assert template.set_index("data").loc["new_reports", "n"] == 29
    assert template["n"].isna().sum() == len(template) - 2


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
    assert template.loc["database_specific_results", "n"] == "Scopus_ris_example.ris, 3; WoS_ciw_example.ciw, 5"

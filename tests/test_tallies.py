"""Tests for synthesis.tallies."""

from synthesis import load_review, tallies


def test_denominators(mcleish, hackmann, ibrahim):
    """Interventions, listed documents, or the published total when no list is published."""
    assert tallies.denominator(mcleish)[0] == 22
    assert tallies.denominator(hackmann) == (20, "rows of studies.csv")
    assert tallies.denominator(ibrahim)[0] == 53


def test_unit_tally_counts_every_unit(mcleish):
    """Formats add up to the 22 interventions; countries show the double listings and the gaps."""
    formats = tallies.unit_tally(mcleish, "format").set_index("value")["n"]
    assert formats.sum() == 22 and formats["group in person"] == 11
    countries = tallies.unit_tally(mcleish, "countries").set_index("value")
    assert countries.loc["UK", "n"] == 8 and countries.loc["not reported", "units"] == "#8, #17"
    assert countries["n"].sum() == 24


def test_node_tally_implies_n_from_percent(ibrahim):
    """Where only 9% of 53 is published, n is the one whole number that rounds to it (5)."""
    table = tallies.node_tally(ibrahim, "influence", threshold_percent=10).set_index("node_id")
    assert table.loc["I09", ["n", "n basis"]].tolist() == [5, "implied by published %"]
    assert table.loc["I01", "coded in"] == "28 of 53 (53%)"
    assert int(table["kept"].sum()) == 8


def test_ties_share_rank_and_keep_order(ibrahim):
    """Influences 7 and 8 (n = 7 each) share a rank in the paper's order."""
    table = tallies.node_tally(ibrahim, "influence")
    tied = table[table["n"] == 7]
    assert list(tied["node_id"]) == ["I07", "I08"] and tied["rank"].nunique() == 1


def test_ordering(ibrahim):
    """The strength-of-theme ordering starts with organisational culture, training, role definition."""
    assert tallies.theme_ordering(ibrahim, "influence")[:3] == [
        "Organisational culture", "PSW training", "PSW role definition"]


def test_link_counts_pool_documents(hackmann):
    """Accepting -> acceptable -> self-expression pools papers cited once per chain."""
    table = tallies.link_counts(hackmann)
    row = table[(table["context"] == "Accepting") & (table["mechanism"] == "I am acceptable or worthwhile")
                & (table["outcome"].str.startswith("Self-expression"))].iloc[0]
    assert row["n documents"] == 3


def test_every_included_paper_supports_a_link(hackmann):
    """Each of Hackmann's 20 articles is cited for at least one link."""
    assert (tallies.documents_per_link(hackmann)["links"] > 0).all()


def test_subgroup_percentages_recomputed(ibrahim):
    """13/42 is 31.0% at one decimal, where the paper prints 30.9%."""
    table = tallies.subgroup_results(ibrahim).set_index("subgroup")
    assert table.loc["individual", ["published %", "recomputed %"]].tolist() == [30.9, 31.0]


def test_presence_matrix_from_links(hackmann):
    """APPEAR's matrix has all 20 papers; each paper cited for a link is coded to its context, mechanism, outcome."""
    matrix = tallies.presence_matrix(hackmann)
    assert matrix.shape == (20, 16) and set(matrix.values.ravel()) == {0, 1}
    assert matrix.loc["barr2020", "C-accepting"] == 1 and matrix.loc["barr2020", "C-reciprocal"] == 0
    assert matrix.sum(axis=1).min() > 0


def test_coded_in_from_matrix(hackmann):
    """Counted from the citations, 'I am acceptable or worthwhile' is the strongest node: 12 of 20 papers."""
    table = tallies.matrix_tallies(hackmann)
    assert table.iloc[0][["node_id", "coded in", "rank"]].tolist() == ["M-self-acceptable", "12 of 20 (60%)", 1]


def test_cooccurrence_diagonal_is_the_count(hackmann):
    """A node's co-occurrence with itself is its own count, and the table is symmetric."""
    matrix = tallies.presence_matrix(hackmann)
    table = tallies.cooccurrence(matrix)
    assert (table.values.diagonal() == matrix.sum(axis=0).values).all() and (table.values == table.values.T).all()


def test_robustness_detects_a_subset_that_changes_the_order():
    """Tau is 1 for the whole set; a subset where one node disappears is reported with it."""
    import pandas as pd

    matrix = pd.DataFrame({"a": [1, 1, 1, 0], "b": [1, 1, 0, 0], "c": [0, 0, 1, 1]}, index=["d1", "d2", "d3", "d4"])
    table = tallies.robustness(matrix, {"all": list(matrix.index), "first two": ["d1", "d2"]}, top_k=2).set_index("subset")
    assert table.loc["all", "kendall tau"] == 1.0 and table.loc["all", "disappear"] == ""
    assert table.loc["first two", "disappear"] == "c" and table.loc["first two", "units"] == 2


def test_leave_one_out_orders_least_stable_first(hackmann):
    """Leaving one paper out never drops tau below 0.85 for APPEAR, and the least stable row comes first."""
    table = tallies.robustness_table(hackmann)
    assert list(table["kendall tau"]) == sorted(table["kendall tau"]) and table["kendall tau"].min() > 0.85


def test_units_pool_documents(review_copy):
    """With unit='intervention', documents describing one intervention count once."""

    folder = review_copy("peer-relationship-appear")
    path = folder / "studies.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace(',,"Design', ',U1,"Design', 1) if ',,"Design' in lines[1] else lines[1]
    path.write_text("\n".join(lines) + "\n")
    matrix = tallies.presence_matrix(load_review(folder), unit="intervention")
    assert "U1" in matrix.index and "not reported" in matrix.index


def test_no_coding(ibrahim):
    """A review without per-document coding has an empty matrix table and no figure."""
    assert tallies.matrix_tallies(ibrahim).empty and tallies.matrix_figure(ibrahim) is None


def test_case_variables_are_tallied_like_attributes(tmp_path):
    """Case variables from a QDA project (coding/cases.csv) become unit attributes the unit tallies count."""
    from own_review import write_coded_review

    folder = write_coded_review(tmp_path / "cases")
    (folder / "coding/cases.csv").write_text(
        "case_id,variable,value,documents,source\n"
        "K1,setting,home,a2020;b2021,QDA\n"
        "K2,setting,ward,c2022,QDA\n", encoding="utf-8")
    table = tallies.unit_tallies(load_review(folder), ["setting"]).set_index("value")
    assert table.loc["home", "coded in"] == "2 of 3 (67%)" and table.loc["ward", "n"] == 1


def test_matrix_bands_and_grid(hackmann):
    """The presence matrix groups nodes into context, mechanism and outcome bands, with gridlines."""
    figure = tallies.matrix_figure(hackmann)
    ax = figure.axes[0]
    bands = [t.get_text() for t in ax.texts]
    assert bands[:3] == ["Contexts", "Mechanisms", "Outcomes"]
    assert ax.xaxis._minor_tick_kw.get("gridOn") or any(line.get_visible() for line in ax.get_xgridlines(minor=True))
    assert not any(label.get_text().endswith(("-", "...")) for label in ax.get_xticklabels())

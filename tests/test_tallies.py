"""Tests for synthesis.tallies."""

from synthesis import tallies


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

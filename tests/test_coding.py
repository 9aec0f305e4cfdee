"""Tests for synthesis.coding."""

from synthesis import coding


def test_excerpts_with_pages(hackmann):
    """The nine coded quotes are listed with author, year and page."""
    table = coding.excerpts_table(hackmann)
    assert len(table) == 9 and table.loc[0, "document"] == "Barr KR 2020" and table.loc[0, "page"] == "5"


def test_audit_trail_attaches_quotes(hackmann):
    """A link gets the quotes coded to its context, mechanism and outcome from its documents."""
    trail = coding.audit_trail(hackmann).set_index("link")
    assert "Barr KR 2020, p. 5" in trail.loc["L01", "quotes"]
    assert trail.loc["L19", "documents"].count(";") == 7


def test_determinants(ibrahim):
    """Eight influences have a facilitator and a barrier text each."""
    table = coding.determinants_table(ibrahim)
    assert len(table) == 16 and set(table["direction"]) == {"facilitator", "barrier"}

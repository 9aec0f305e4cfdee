"""Tests for synthesis.theory."""

from synthesis import theory


def test_area_counts_expose_the_positive_theories_gap(mcleish):
    """McLeish states 13 positive CMOCs but numbers 14-24 (11); the table says they disagree."""
    table = theory.area_counts(mcleish).set_index("area")
    assert table.loc["Positive impact on mothers", ["stated by the paper", "numbered theories", "agree"]].tolist() == \
        [13, 11, "no"]
    assert table.loc["Take-up of peer support", "agree"] == "yes"


def test_unsupported_theories_are_struck_through(mcleish):
    """The two hypothesised negative theories without evidence are set in strikethrough."""
    final = theory.final_status(mcleish).set_index("theory")
    assert final.loc["NX1", "as set in the final model"].startswith("~~")
    assert final.loc["T1", "status"] == "in final model"


def test_styles():
    """New theories are set in capitals; strikethrough renders per format."""
    assert theory.styled_statement("a b", "new") == "A B"
    assert theory.styled_statement("x", "unsupported", "html") == "<s>x</s>"


def test_element_inventory_counts_shared_elements(mcleish):
    """An outcome shared by several take-up theories lists them all."""
    inventory = theory.element_inventory(mcleish)
    row = inventory[inventory["text"] == "Takes up peer support"].iloc[0]
    assert row["n theories"] == 8


def test_sources_list_theories_drawing_on_them(mcleish):
    """The register shows which theories draw on each middle-range theory."""
    sources = theory.theory_sources(mcleish).set_index("source_id")
    assert sources.loc["helper-therapy", "theories"] == "20"


def test_review_without_initial_theories(hackmann, ibrahim):
    """Reviews that publish no initial theories give empty tables, a note and no map."""
    assert theory.cmoc_table(ibrahim).empty and theory.theory_map(ibrahim) is None
    assert "not published" in theory.initial_theory_note(hackmann)
    assert set(theory.theory_table(hackmann)["status"]) == {"new"}


def test_theory_map_has_every_topic(mcleish):
    """The map draws a label for every topic."""
    figure = theory.theory_map(mcleish)
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert sum("[" in label for label in labels) == 22

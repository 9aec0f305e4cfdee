"""Tests for synthesis.initial_theory."""

from synthesis import initial_theory


def test_area_counts_expose_the_positive_theories_gap(mcleish):
    """McLeish states 13 positive CMOCs but numbers 14-24 (11); the table says they disagree."""
    table = initial_theory.area_counts(mcleish).set_index("area")
    assert table.loc["Positive impact on mothers", ["stated by the paper", "numbered theories", "agree"]].tolist() == \
        [13, 11, "no"]
    assert table.loc["Take-up of peer support", "agree"] == "yes"


def test_element_inventory_counts_shared_elements(mcleish):
    """An outcome shared by several take-up theories lists them all."""
    inventory = initial_theory.element_inventory(mcleish)
    row = inventory[inventory["text"] == "Takes up peer support"].iloc[0]
    assert row["n theories"] == 8


def test_sources_list_theories_drawing_on_them(mcleish):
    """The register shows which theories draw on each middle-range initial_theory."""
    sources = initial_theory.theory_sources(mcleish).set_index("source_id")
    assert sources.loc["helper-therapy", "theories"] == "20"


def test_review_without_initial_theories(hackmann, ibrahim):
    """Reviews that publish no initial theories give empty tables, a note and no map."""
    assert initial_theory.cmoc_table(ibrahim).empty and initial_theory.theory_map(ibrahim) is None
    assert "not published" in initial_theory.initial_theory_note(hackmann)
    assert set(initial_theory.theory_table(hackmann)["status"]) == {"in final model"}


def test_theory_map_has_every_topic(mcleish):
    """The map draws a label for every topic."""
    figure = initial_theory.theory_map(mcleish)
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert sum("[" in label for label in labels) == 22


def test_theory_map_keeps_whole_labels(mcleish):
    """The theory map draws every topic and theory label whole (no '...'), titled with the review's title."""
    figure = initial_theory.theory_map(mcleish)
    texts = [" ".join(t.get_text().split()) for t in figure.axes[0].texts]
    topics = mcleish.document("theory/initial.yml")["topics"]
    assert all(any(topic["label"] in text for text in texts) for topic in topics)
    assert "Peer support groups as normative narrative communities" in texts
    assert not any("..." in text for text in texts)
    assert mcleish.title in " ".join(t.get_text().replace("\n", " ") for t in figure.texts)


def test_no_theory_map_without_topics(hackmann):
    """A review that publishes no topics of an initial theory gets no (blank) map."""
    assert initial_theory.theory_map(hackmann) is None

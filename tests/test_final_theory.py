"""Tests for synthesis.final_theory."""

import pytest

from synthesis import final_theory, load_review
from synthesis.errors import ReviewError


def test_unsupported_theories_are_struck_through(mcleish):
    """The two hypothesised negative theories without evidence are set in strikethrough."""
    final = final_theory.final_status(mcleish).set_index("theory")
    assert final.loc["NX1", "as set in the final model"].startswith("~~")
    assert final.loc["T1", "status"] == "in final model"


def test_styles():
    """New theories are set in capitals; strikethrough renders per format."""
    assert final_theory.styled_statement("a b", "new") == "A B"
    assert final_theory.styled_statement("x", "unsupported", "html") == "<s>x</s>"


_TESTED_THEORY = """\
published: true
areas: [{id: A, label: Impact, source: test}]
topics: [{id: t1, area: A, label: Relationship, source: test}]
theories:
  - {id: K, topic: t1, statement: "Acceptance and reciprocity help.", nodes: [C-accepting, C-reciprocal], source: test}
  - {id: R, topic: t1, statement: "Acceptance and availability help.", nodes: [C-accepting, C-available], source: test}
  - {id: U, topic: t1, statement: "Availability helps.", nodes: [C-available], source: test}
  - {id: X, topic: t1, statement: "Not yet coded.", source: test}
source: test
"""


@pytest.fixture
def tested_review(review_copy):
    """The APPEAR review with an initial theory naming its context nodes and no final.yml."""
    folder = review_copy("peer-relationship-appear")
    (folder / "theory/initial.yml").write_text(_TESTED_THEORY)
    (folder / "theory/final.yml").unlink()
    return load_review(folder)


def test_classify_from_evidence(tested_review):
    """With 15 documents needed: all nodes supported kept, some refined, none unsupported, unnamed contexts new."""
    table = final_theory.classify_theories(tested_review, min_documents=15).set_index("theory")
    assert table.loc["K", "from the evidence"] == "kept"
    assert table.loc["R", "from the evidence"] == "refined"
    assert table.loc["U", "from the evidence"] == "unsupported"
    assert table.loc["X", "final status"] == "not assessed"
    new = table[table["final status"] == "new"].index.tolist()
    assert new == ["C-empowering"]  # 18 papers; Personalised Practice (14) falls short of 15
    assert set(table["basis"]) == {"the evidence", ""}


def test_support_threshold_changes_the_result(tested_review):
    """Lowering the threshold to 13 documents turns the partly supported theory into a kept one."""
    table = final_theory.classify_theories(tested_review, min_documents=13).set_index("theory")
    assert table.loc["R", "from the evidence"] == "kept"
    assert "C-personalised" in table.index
    with pytest.raises(ReviewError, match="min_documents"):
        final_theory.classify_theories(tested_review, min_documents=0)


def test_paper_status_wins_and_is_compared(hackmann):
    """Where final.yml states a status it is final, with the evidence beside it; 'in final model' is not compared."""
    table = final_theory.classify_theories(hackmann).set_index("theory")
    assert set(table["basis"]) == {"the paper"} and set(table["agree"]) == {""}
    assert table.loc["APPEAR-accepting", "n documents"] == 18


def test_final_model_in_every_format(mcleish):
    """The final model strikes the two unsupported negatives in Markdown, HTML and LaTeX, escaping as it goes."""
    markdown = final_theory.final_model(mcleish, "markdown")
    assert markdown.count("~~") == 4 and "## Take-up of peer support" in markdown
    assert final_theory.final_model(mcleish, "html").count("<s>") == 2
    latex = final_theory.final_model(mcleish, "latex")
    assert latex.count("\\sout{") == 2 and "ulem" in latex
    assert final_theory.styled_statement("50% & more_", "kept", "latex") == "50\\% \\& more\\_"
    assert final_theory.styled_statement("a < b", "new", "html") == "A &lt; B"
    with pytest.raises(ValueError):
        final_theory.final_model(mcleish, "rtf")


def test_five_contexts(hackmann):
    """APPEAR's five contexts each have links to draw."""
    assert final_theory.contexts_with_links(hackmann) == [
        "C-accepting", "C-personalised", "C-empowering", "C-available", "C-reciprocal"]


def test_line_width_follows_documents(hackmann):
    """The thickest context-mechanism line is the one with the most papers (Empowering: effective, 8)."""
    figure = final_theory.nested_cmoc_diagram(hackmann, "C-empowering")
    widths = sorted((line.get_linewidth() for line in figure.axes[0].lines), reverse=True)
    assert widths[0] == pytest.approx(0.9 * 8)


def test_unknown_context(hackmann):
    """A context without links is an error, not an empty picture."""
    with pytest.raises(ReviewError, match="C-accepting"):
        final_theory.nested_cmoc_diagram(hackmann, "T-valuing")


def test_no_links(mcleish):
    """A review without links has no nested CMOC diagrams."""
    assert final_theory.contexts_with_links(mcleish) == []

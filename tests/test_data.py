"""The transcribed review folders agree with the seed papers they were transcribed from."""

import re
import unicodedata

import pytest
from conftest import EXAMPLES

from synthesis.paths import REVIEWS_DIR

SEEDS = {"perinatal-peer-support": "000_595cf669e2939c23.txt", "peer-relationship-appear": "001_cfceb2a31c38a4cc.txt",
         "psw-implementation": "004_d183722da698fcd5.txt"}


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2013", "-").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).lower()


def _seed(shared, slug):
    return _normal((shared / "seeds" / SEEDS[slug]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", ["perinatal-peer-support", "peer-relationship-appear"])
def test_every_study_title_is_in_the_paper(shared, slug, request):
    """Each included document's title stands in the paper's reference list."""
    review = request.getfixturevalue({"perinatal-peer-support": "mcleish", "peer-relationship-appear": "hackmann"}[slug])
    seed = _seed(shared, slug)
    missing = [t for t in review.table("studies.csv")["title"] if _normal(t)[:60] not in seed]
    assert missing == []


def test_quotes_are_verbatim(shared, hackmann):
    """Every coded quote of the APPEAR review appears word for word in the paper."""
    seed = _seed(shared, "peer-relationship-appear")
    assert [q for q in hackmann.table("coding/excerpts.csv")["quote"] if _normal(q) not in seed] == []


def test_links_cite_the_papers_in_the_text(shared, hackmann):
    """The 20 included articles are exactly references 4 and 25-43, all cited for a link."""
    refs = sorted(hackmann.table("studies.csv")["ref"])
    assert refs == [4] + list(range(25, 44))


def test_table2_scores(shared, ibrahim):
    """The site scores are Table 2's rows as printed."""
    text = (shared / "seeds" / SEEDS["psw-implementation"]).read_text(encoding="utf-8")
    scores = ibrahim.table("measure/scores.csv")
    for item in range(1, 9):
        row = next(line for line in text.splitlines() if line.startswith(f"{item}. ") and "\t" in line
                   and "<p>" not in line)
        printed = [int(x) for x in row.split("\t")[1:7]]
        ours = [int(s) for s in scores.loc[scores["item_id"] == str(item), "score"]]
        assert ours == printed


def test_determinant_texts_are_verbatim(shared, ibrahim):
    """The facilitator and barrier texts are Table 1's words."""
    seed = _seed(shared, "psw-implementation")
    assert [t for t in ibrahim.table("coding/determinants.csv")["text"] if _normal(t) not in seed] == []


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_row_names_its_source(slug):
    """Every row of every CSV of the examples names its source."""
    from synthesis import load_review

    review = load_review(REVIEWS_DIR / slug)
    for name, table in review.tables.items():
        assert table["source"].map(bool).all(), name

"""Tests for synthesis.reliability, against textbook values and reference packages."""

import math

import numpy as np
import pandas as pd
import pytest

from synthesis.reliability import agreement_statistics

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the nominal example: 4 observers, 12 units,
# missing values; also Gwet (2014) Handbook of Inter-Rater Reliability's 4-rater example.
KRIPPENDORFF_2011 = pd.DataFrame({
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]})


def _abstractors() -> pd.DataFrame:
    """Gwet (2014), two abstractors classifying 100 pregnancies (ectopic, AIU, NIU), as a 3x3 table of counts."""
    table = {("Ectopic", "Ectopic"): 13, ("AIU", "AIU"): 20, ("AIU", "NIU"): 7, ("NIU", "AIU"): 4, ("NIU", "NIU"): 56}
    return pd.DataFrame([pair for pair, n in table.items() for _ in range(n)], columns=["A", "B"])


def _random_ratings(seed: int, raters: int, missing: float = 0.15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ratings = pd.DataFrame(rng.choice(["a", "b", "c"], size=(60, raters), p=[0.6, 0.3, 0.1]).astype(object))
    return ratings.mask(rng.random(ratings.shape) < missing)


def test_textbook_two_abstractors():
    """Gwet's abstractor table gives his published kappa 0.7964094, pi 0.7962397, AC1 0.8493305, alpha 0.7972585."""
    result = agreement_statistics(_abstractors())
    assert result["units"] == 100 and result["percent agreement"] == pytest.approx(89.0)
    assert result["Cohen's kappa"] == pytest.approx(0.7964094, abs=5e-8)
    assert result["Fleiss' kappa"] == pytest.approx(0.7962397, abs=5e-8)  # Scott's pi for two raters
    assert result["Gwet's AC1"] == pytest.approx(0.8493305, abs=5e-8)
    assert result["Krippendorff's alpha"] == pytest.approx(0.7972585, abs=5e-8)


def test_krippendorff_worked_example():
    """Krippendorff's nominal example with missing values gives his published alpha .743 and the package's value."""
    import krippendorff

    result = agreement_statistics(KRIPPENDORFF_2011.astype(object))
    assert round(result["Krippendorff's alpha"], 3) == 0.743
    reference = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011.T.to_numpy(float), level_of_measurement="nominal")
    assert result["Krippendorff's alpha"] == pytest.approx(reference, abs=1e-12)
    assert result["units"] == 11 and math.isnan(result["Cohen's kappa"])  # unit 12 has one rating; four raters


@pytest.mark.parametrize("seed", range(6))
def test_random_against_krippendorff_and_scikit_learn(seed):
    """On seeded random ratings with gaps, alpha equals `krippendorff`'s and two raters' kappa scikit-learn's."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    ratings = _random_ratings(seed, 2 + seed % 3)
    codes = {"a": 0, "b": 1, "c": 2}
    numeric = ratings.T.map(lambda v: codes.get(v, np.nan)).to_numpy(float)
    result = agreement_statistics(ratings)
    assert result["Krippendorff's alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=numeric, level_of_measurement="nominal"), abs=1e-12)
    if ratings.shape[1] == 2:
        both = ratings.dropna()
        assert result["Cohen's kappa"] == pytest.approx(cohen_kappa_score(both[0], both[1]), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_random_against_irrcac(seed):
    """On seeded random ratings with gaps, percent agreement, Fleiss' kappa, AC1 and alpha equal irrCAC's."""
    irrcac = pytest.importorskip("irrCAC.raw", reason="irrCAC is not installed (it pins pandas<3; install it "
                                                      "with --no-deps)")
    ratings = _random_ratings(100 + seed, 2 + seed % 3)
    reference = irrcac.CAC(ratings.copy(), categories=["a", "b", "c"], digits=12)
    result = agreement_statistics(ratings, ["a", "b", "c"])
    gwet = reference.gwet()["est"]
    assert result["percent agreement"] / 100 == pytest.approx(gwet["pa"], abs=1e-9)
    assert result["Gwet's AC1"] == pytest.approx(gwet["coefficient_value"], abs=1e-9)
    assert result["Fleiss' kappa"] == pytest.approx(reference.fleiss()["est"]["coefficient_value"], abs=1e-9)
    assert result["Krippendorff's alpha"] == pytest.approx(reference.krippendorff()["est"]["coefficient_value"],
                                                           abs=1e-9)


def test_categories_outside_the_list_are_refused():
    """A rating outside the categories given is an error, not silently dropped."""
    with pytest.raises(ValueError, match="maybe"):
        agreement_statistics(pd.DataFrame({"A": ["include", "maybe"], "B": ["include", "exclude"]}),
                             ["include", "exclude"])

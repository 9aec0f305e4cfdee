"""Tests for synthesis.reproduction."""

import pytest
from conftest import EXAMPLES

from synthesis import load_review, registry, reproduction
from synthesis.paths import REVIEWS_DIR

KNOWN_MISMATCHES = {
    "perinatal-peer-support": {"theories-positive", "countries-cover-interventions", "populations-cover-interventions",
                               "theory-areas-sum", "reference-pages", "reference-other-lists",
                               "citations-say-what-they-cite", "concept-reference-numbers"},
    "peer-relationship-appear": {"abstract-studies", "reference-other-lists", "citations-say-what-they-cite",
                                 "concept-reference-numbers"},
    "psw-implementation": {"mode-individual", "mean-total", "narrow-items", "no-floor-ceiling",
                           "checklist-items-randomised-controlled-trial"},
}


@pytest.mark.parametrize("slug", EXAMPLES)
def test_mismatches_are_exactly_the_known_ones(slug):
    """Each example's mismatches are the inconsistencies found in its paper, and nothing else."""
    table = reproduction.reproduction_table(load_review(REVIEWS_DIR / slug))
    assert set(table.loc[table["status"] == "mismatch", "id"]) == KNOWN_MISMATCHES[slug]
    assert set(table["status"]) <= set(reproduction.STATUSES)


def test_every_claim_is_reported(ibrahim):
    """Every claim of published.yml has a row, with its source, before the self-checks."""
    table = reproduction.reproduction_table(ibrahim)
    claims = ibrahim.document("published.yml")["claims"]
    assert list(table["id"][: len(claims)]) == [c["id"] for c in claims] and table["source"].all()
    assert set(table["kind"][len(claims):]) == {"self-check"}


def test_mean_total_mismatch_shows_the_value(ibrahim):
    """Table 2's Mean total of 15 is set beside the 11.5 the item means add up to."""
    row = reproduction.reproduction_table(ibrahim).set_index("id").loc["mean-total"]
    assert (row["published"], row["computed"], row["status"]) == ("15", "11.5", "mismatch")


def test_rounding_follows_the_paper(ibrahim):
    """1.75 is compared as 1.8 (half away from zero) and matches the published 1.8."""
    row = reproduction.reproduction_table(ibrahim).set_index("id").loc["experience-yes"]
    assert row["computed"] == "1.8" and row["status"] == "match"


def test_claims_computed_by_prefix(ibrahim):
    """The measure claims are picked out by their computed prefix."""
    claims = ibrahim.document("published.yml")["claims"]
    expected = [c["id"] for c in claims if c.get("computed", "").startswith("measure:")]
    assert list(reproduction.claims_computed_by(ibrahim, "measure:")["id"]) == expected and len(expected) == 24


@pytest.mark.parametrize("slug", EXAMPLES)
def test_no_claim_can_fail_to_fail(slug):
    """No example claim reads its data from the sentence it checks, or misnames where its data stands."""
    assert reproduction.claim_audit(load_review(REVIEWS_DIR / slug)).empty


def _add_claim(folder, text):
    path = folder / "published.yml"
    content = path.read_text(encoding="utf-8")
    indent = "" if "\n- id:" in content else "  "  # the claims are listed at the file's own indentation
    path.write_text(content.replace("claims:\n", f"claims:\n{indent}- {text}\n", 1), encoding="utf-8")
    return load_review(folder)


def test_audit_finds_a_claim_compared_with_itself(review_copy):
    """Counting the two theories recorded from the 'no evidence' sentence, as a reproduction, is found circular."""
    review = _add_claim(review_copy("perinatal-peer-support"),
                        '{id: circular, claim: "no evidence for two", value: 2, '
                        'computed: "count:theories?status=unsupported", '
                        'kind: reproduction, data_from: "Summary of theories", source: "Summary of theories, para 3"}')
    problems = reproduction.claim_audit(review).set_index("id")["problem"]
    assert "where the published number stands" in problems["circular"].iloc[0]
    assert any("claim's own sentence" in p for p in problems["circular"])


def test_audit_finds_a_misnamed_data_source(review_copy):
    """A claim saying its rows stand in a table they were not transcribed from is found."""
    review = _add_claim(review_copy("psw-implementation"),
                        '{id: misnamed, claim: "eight items", value: 8, computed: "count:measure/items.csv", '
                        'kind: reproduction, data_from: "Online Resource 5", source: "Method, Analysis"}')
    assert "data_from does not name" in reproduction.claim_audit(review).set_index("id").loc["misnamed", "problem"]


def test_audit_finds_a_transcription_reading_a_value(review_copy):
    """A transcription check may count a list but not read a published number."""
    review = _add_claim(review_copy("psw-implementation"),
                        '{id: reads-value, claim: "42 stated a mode", value: 42, computed: '
                        '"sum:coding/subgroups.csv:n_studies?analysis_id=mode-stated", kind: transcription, '
                        'data_from: "Results, Stage 2", source: "Results, Stage 2"}')
    assert "only count a list" in reproduction.claim_audit(review).set_index("id").loc["reads-value", "problem"]


def test_circular_claims_are_gone():
    """The claims issue 13 names as unable to fail are removed or left without a computed value."""
    removed = {"middle-range-theories", "accepting-within-total", "reciprocal-within-total", "themes-within-contexts",
               "country-coverage", "mode-sum"}
    uncomputed = {"theories-no-evidence", "china"}
    for slug in EXAMPLES:
        claims = {c["id"]: c for c in load_review(REVIEWS_DIR / slug).document("published.yml")["claims"]}
        assert not removed & set(claims)
        assert not any("computed" in claims[i] for i in uncomputed & set(claims))


@pytest.mark.parametrize("slug", EXAMPLES)
def test_kinds_are_reported_apart(slug):
    """claims_by_kind splits the report into its kinds (those with rows); every computed claim has exactly one."""
    review = load_review(REVIEWS_DIR / slug)
    parts = reproduction.claims_by_kind(review)
    assert set(parts) <= {*reproduction.KINDS, "not computable"} and "reproduction" in parts
    assert sum(len(part) for part in parts.values()) == len(reproduction.reproduction_table(review))
    assert all((part["kind"] == kind).all() for kind, part in parts.items() if kind != "not computable")


def test_coverage_counts_every_claim(ibrahim):
    """Coverage accounts for every claim once, with percentages of the claims."""
    table = reproduction.coverage(ibrahim).set_index("check")
    claims = ibrahim.document("published.yml")["claims"]
    per_kind = table.drop("self-checks of the paper")
    assert per_kind["numbers"].sum() == len(claims)
    assert per_kind.loc["not computable", "numbers"] == sum("computed" not in c for c in claims)
    assert abs(per_kind["percent"].sum() - 100) < 0.5


def test_malformed_expression_names_file_line_and_field(review_copy):
    """A computed expression of the wrong form is the project's error, with file, line and field."""
    from synthesis.errors import ReviewProblems
    from synthesis.review import check_review

    folder = review_copy("psw-implementation")
    path = folder / "published.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("computed: measure:item_mean:1", "computed: measure:mean_of:1"), encoding="utf-8")
    problems = [p for p in check_review(folder) if p.field == "claims.computed"]
    assert len(problems) == 1 and problems[0].line and problems[0].file.endswith("published.yml")
    line = path.read_text(encoding="utf-8").splitlines()[problems[0].line - 1]
    assert "measure:mean_of:1" in line
    with pytest.raises(ReviewProblems, match="claims.computed"):
        reproduction.reproduction_table(load_review(folder))


def test_claims_sum_adds_the_published_values(review_copy):
    """A stated sum is checked by adding the other claims' published values, and a wrong total is a mismatch."""
    review = _add_claim(review_copy("perinatal-peer-support"),
                        '{id: wrong-sum, claim: "the designs add up to 30", value: 30, '
                        'computed: "claims:design-qualitative+design-rct+design-nonrandomised", kind: self-check, '
                        'data_from: "Results, para 1", source: "Results, para 1"}')
    assert registry.compute(review, "claims:design-qualitative+design-rct+design-nonrandomised") == 20
    row = reproduction.reproduction_table(review).set_index("id").loc["wrong-sum"]
    assert (row["computed"], row["status"]) == ("20", "mismatch")


def test_claims_sum_needs_numeric_claims(mcleish):
    """Adding up a claim that is not listed, or whose value is a word, is an error naming the claim."""
    with pytest.raises(LookupError, match="no-such-claim"):
        registry.compute(mcleish, "claims:documents+no-such-claim")
    with pytest.raises(ValueError, match="length-shortest"):
        registry.compute(mcleish, "claims:documents+length-shortest")


def test_stated_sums_are_self_checks(ibrahim):
    """Ibrahim's designs, countries, grades, proceedings, modes and influences each add up to the total stated."""
    table = reproduction.reproduction_table(ibrahim).set_index("id")
    for claim_id, total in (("designs", "53"), ("countries", "53"), ("grades-total", "53"), ("proceedings", "18"),
                            ("modes-total", "42"), ("influences-total", "14")):
        row = table.loc[claim_id]
        assert (row["kind"], row["computed"], row["status"]) == ("self-check", total, "match"), claim_id

"""Tests for synthesis.registry."""

import pytest

from synthesis import registry
from synthesis.stages import STAGES


def test_unknown_expression(mcleish):
    """An unknown kind of computed value is a LookupError naming the known kinds."""
    with pytest.raises(LookupError, match="known kinds"):
        registry.compute(mcleish, "median:studies.csv")


def test_missing_data_is_not_computable(mcleish):
    """A computed value that needs a file the review lacks is reported as not computable."""
    with pytest.raises(LookupError):
        registry.compute(mcleish, "count:measure/items.csv")


@pytest.mark.parametrize(("expression", "wrong"), [
    ("count:studies.csv", False), ("count:units.csv?countries=UK&format~group", False),
    ("distinct:coding/links.csv:documents", False), ("top:coding/nodes.csv:3", False),
    ("measure:group_mean:experience=yes", False), ("percent:coding/nodes.csv:I01", False),
    ("median:studies.csv", True), ("count", True), ("count:units.csv?countries", True),
    ("top:coding/nodes.csv:x", True), ("claims:design-rct+design-mixed", False), ("claims:design-rct", True),
    ("claims:design-rct++design-mixed", True), ("claims:a+b?x=1", True),
    ("distinct:coding/links.csv", True), ("items:search/strategy.yml:databases?x=1", True), ("measure:nothing", True)])
def test_expression_forms(expression, wrong):
    """Well-formed expressions pass; each malformed one is described."""
    assert bool(registry.expression_problem(expression)) == wrong


def test_known_kinds_follow_the_flow():
    """Namespaces are listed by the stage that registers them, in the notebooks' order."""
    stage = {module: index for index, (_, _, modules) in enumerate(STAGES) for module in modules}
    owners = [stage[value.value.__module__.removeprefix("synthesis.")] for value in registry.computed_values().values()]
    assert owners == sorted(owners) and len(set(owners)) > 2
    assert {"count", "kappa", "prisma", "percent", "measure"} <= set(registry.computed_values())


def test_a_namespace_registered_twice_is_refused():
    """Two functions claiming one namespace is a programming error, not a silent override."""
    with pytest.raises(RuntimeError, match="registered twice"):
        registry.computes("count", "FILE")(lambda review, spec: 0)


def test_checks_of_every_stage_are_registered():
    """The exports, screening, appraisal and expression checks are found without the loader importing them."""
    names = {check.__name__ for check in registry.review_checks()}
    assert {"export_problems", "screening_problems", "answer_problems", "expression_check"} <= names


def test_derived_table_is_named_like_a_file(mcleish):
    """An expression may count the theories table the initial theory derives, as it counts a CSV file."""
    assert registry.compute(mcleish, "count:theories") == len(registry.table(mcleish, "theories"))
    with pytest.raises(LookupError, match="has no"):
        registry.table(mcleish, "nothing.csv")

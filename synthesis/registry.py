"""What the stages register for the rest of the flow: the values a published claim can compute, and the checks
`synthesis check` runs across a loaded review.

A stage module registers, next to the function that computes it, each namespace of ``computed:`` expressions it
answers (:func:`computes`), the tables it derives that expressions may name (:func:`derived_table`) and each
cross-file check that needs its readers or rules (:func:`review_check`). The registry finds the stage modules
through :data:`synthesis.stages.STAGES` and imports them in order on first use, so the loader and the reproduction
report need no knowledge of any stage, and no module imports a later stage to reach its values.

The namespaces every review's files give (``count``, ``distinct``, ``sum``, ``items``) are registered here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from synthesis.errors import Problem
from synthesis.stages import STAGES
from synthesis.tables import filter_rows

if TYPE_CHECKING:  # the loader imports the registry for its checks; a Review is only named here
    from synthesis.review import Review

__all__ = ["ComputedValue", "computes", "derived_table", "review_check", "computed_values", "review_checks",
           "table", "compute", "input_rows", "expression_problem", "expression_problems"]


@dataclass(frozen=True)
class ComputedValue:
    """One namespace of ``computed:`` expressions (``NAMESPACE:TARGET[?CONDITIONS]``).

    Attributes
    ----------
    namespace : str
        The word before the first colon (``count``, ``measure`` ...).
    value : callable
        ``value(review, spec)``: the value, where ``spec`` is what follows the namespace's colon. Raises
        LookupError, KeyError or ValueError when the review lacks the data.
    shape : str
        What follows the namespace, for the message that explains a malformed expression.
    parts : int or None
        How many non-empty ``:``-separated parts the target has; None for any number.
    valid : callable or None
        A further test of the target (``valid(target) -> bool``).
    conditions : bool
        Whether ``?COLUMN=VALUE&...`` conditions may follow the target.
    inputs : callable or None
        ``inputs(review, spec)``: the rows (with their ``source`` column) the value reads, for the claim audit;
        None when the value reads no rows of the review's files.
    """

    namespace: str
    value: Callable[[Review, str], Any]
    shape: str
    parts: int | None = 2
    valid: Callable[[str], bool] | None = None
    conditions: bool = False
    inputs: Callable[[Review, str], pd.DataFrame] | None = None

    def form_problem(self, target: str, conditions: str) -> bool:
        """Whether a target and conditions are not of this namespace's form."""
        parts = target.split(":")
        wrong = (self.parts is not None and (len(parts) != self.parts or not all(parts))) \
            or (self.valid is not None and not self.valid(target))
        if conditions:
            wrong = wrong or not self.conditions \
                or any(not any(op in c for op in ("!=", "~", "=")) for c in conditions.split("&"))
        return wrong


_VALUES: dict[str, ComputedValue] = {}
_TABLES: dict[str, Callable[[Review], pd.DataFrame]] = {}
_CHECKS: list[Callable[[Review], list[Problem]]] = []
_STAGES_IMPORTED: list[bool] = []


def computes(namespace: str, shape: str, *, parts: int | None = 2, valid: Callable[[str], bool] | None = None,
             conditions: bool = False, inputs: Callable[[Review, str], pd.DataFrame] | None = None):
    """Register the decorated ``function(review, spec)`` as the value of ``namespace:spec`` expressions.

    See :class:`ComputedValue` for the parameters. Registering a namespace twice is a programming error.
    """
    def register(function):
        if namespace in _VALUES and _VALUES[namespace].value is not function:
            raise RuntimeError(f"computed value {namespace!r} is registered twice")
        _VALUES[namespace] = ComputedValue(namespace, function, shape, parts, valid, conditions, inputs)
        return function
    return register


def derived_table(name: str):
    """Register the decorated ``function(review) -> DataFrame`` as a table expressions may name as ``name``."""
    def register(function):
        _TABLES[name] = function
        return function
    return register


def review_check(function: Callable[[Review], list[Problem]]) -> Callable[[Review], list[Problem]]:
    """Register ``function(review) -> list[Problem]`` as a check `synthesis check` runs on a loaded review."""
    if function not in _CHECKS:
        _CHECKS.append(function)
    return function


def _import_stages() -> None:
    """Import every stage module in the flow's order, so that each has registered what it computes."""
    if _STAGES_IMPORTED:
        return
    for _, notebook, modules in STAGES:
        if notebook is not None:
            for module in modules:
                importlib.import_module(f"synthesis.{module}")
    _STAGES_IMPORTED.append(True)


def _flow_position(function: Callable) -> int:
    """The position in the flow of the stage whose module defines ``function``."""
    module = function.__module__.removeprefix("synthesis.")
    return next(index for index, (_, _, modules) in enumerate(STAGES) if module in modules)


def computed_values() -> dict[str, ComputedValue]:
    """Every registered namespace, in the flow's order (whatever order the modules were imported in)."""
    _import_stages()
    ordered = sorted(_VALUES.values(), key=lambda value: _flow_position(value.value))
    return {value.namespace: value for value in ordered}


def review_checks() -> list[Callable[[Review], list[Problem]]]:
    """Every registered cross-file check, in the flow's order."""
    _import_stages()
    return list(_CHECKS)


def table(review: Review, name: str) -> pd.DataFrame:
    """The review's CSV file ``name``, or the derived table registered under it (``theories``).

    Raises
    ------
    LookupError
        When the review has no such file (or it has no rows yet).
    """
    if name in _TABLES:
        return _TABLES[name](review)
    rows = review.table(name)
    if rows is None:
        raise LookupError(f"the review has no {name}")
    return rows


def _unknown(expression: str) -> str:
    return f"unknown computed value {expression!r}; known kinds: {', '.join(computed_values())}"


def compute(review: Review, expression: str) -> Any:
    """The value named by ``expression`` (see data/README.md, "Computed values").

    Raises
    ------
    LookupError
        When the expression is not of a known kind, or the data it needs is not in the review.
    """
    namespace, _, spec = expression.partition(":")
    value = computed_values().get(namespace)
    if value is None:
        raise LookupError(_unknown(expression))
    return value.value(review, spec)


def input_rows(review: Review, expression: str) -> pd.DataFrame | None:
    """The rows (with their ``source``) whose values ``expression`` reads; None when it reads no rows.

    Raises
    ------
    LookupError
        When the expression is of no known kind or the review lacks the file it names.
    """
    namespace, _, spec = expression.partition(":")
    value = computed_values().get(namespace)
    if value is None:
        raise LookupError(_unknown(expression))
    return value.inputs(review, spec) if value.inputs is not None else None


def expression_problem(expression: str) -> str:
    """What is wrong with the form of a ``computed:`` expression, or ``""`` when it is well formed.

    Only the form is checked (kind, separators, conditions, numbers); whether the review holds the data the
    expression names is found when it is computed.
    """
    namespace, colon, spec = str(expression).partition(":")
    value = computed_values().get(namespace)
    if value is None or not colon:
        return _unknown(expression)
    target, _, conditions = spec.partition("?")
    return f"{expression!r} is not of the form {namespace}:{value.shape}" if value.form_problem(target, conditions) \
        else ""


def expression_problems(review: Review, display: str) -> list[Problem]:
    """Malformed ``computed:`` expressions of the review's ``published.yml`` (shown as ``display``), one problem
    each with its line."""
    problems = []
    for index, claim in enumerate((review.document("published.yml") or {}).get("claims") or []):
        if not isinstance(claim, dict) or not claim.get("computed"):
            continue
        message = expression_problem(claim["computed"])
        if message:
            line = review.line_of("published.yml", ("claims", index, "computed"))
            problems.append(Problem(display, line, "claims.computed", message,
                                    "see data/README.md, 'Computed values', for the expressions"))
    return problems


# The values every review's files give: counts and sums over a table's rows, and lengths of a YAML list.

def _split(spec: str) -> tuple[str, str]:
    target, _, conditions = spec.partition("?")
    return target, conditions


def _filtered(review: Review, spec: str) -> pd.DataFrame:
    """The rows of the table a ``FILE[:COLUMN][?CONDITIONS]`` spec names that meet its conditions."""
    target, conditions = _split(spec)
    return filter_rows(table(review, target.split(":")[0]), conditions)


@computes("count", "FILE[?CONDITIONS]", parts=1, conditions=True, inputs=_filtered)
def _count(review: Review, spec: str) -> int:
    return len(_filtered(review, spec))


@computes("distinct", "FILE:COLUMN[?CONDITIONS]", conditions=True, inputs=_filtered)
def _distinct(review: Review, spec: str) -> int:
    column = _split(spec)[0].rsplit(":", 1)[1]
    cells = _filtered(review, spec)[column]
    return len({v for cell in cells for v in (cell if isinstance(cell, list) else [cell]) if v is not None})


@computes("sum", "FILE:COLUMN[?CONDITIONS]", conditions=True, inputs=_filtered)
def _sum(review: Review, spec: str) -> float:
    column = _split(spec)[0].rsplit(":", 1)[1]
    return float(_filtered(review, spec)[column].astype(float).sum())


def _listed(review: Review, spec: str) -> tuple[dict, list]:
    """The YAML document a ``FILE:KEY`` spec names and the list under its key."""
    name, key = spec.rsplit(":", 1)
    document = review.document(name)
    if document is None:
        raise LookupError(f"the review has no {name}")
    return document, document.get(key) or []


def _item_sources(review: Review, spec: str) -> pd.DataFrame:
    name, key = spec.rsplit(":", 1)
    document = review.document(name) or {}
    items = document.get(key) or []
    return pd.DataFrame([{"source": (item.get("source") if isinstance(item, dict) else None)
                          or document.get("source", "")} for item in items], columns=["source"])


@computes("items", "FILE:KEY", inputs=_item_sources)
def _items(review: Review, spec: str) -> int:
    return len(_listed(review, spec)[1])

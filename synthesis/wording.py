"""How the notebooks speak of a review: of "the paper" for a published one, as a review in progress otherwise.

A review is *published* when its ``published.yml`` lists at least one claim (the numbers a paper published). Only
then do the notebooks and the appendix say what "the paper" does or does not publish; one's own review in progress
is told instead what it still needs and where that goes. The sentences are data, in ``wording/missing.yml``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from synthesis.review import Review

__all__ = ["is_published", "missing", "missing_sentences", "basis_word", "units_word"]


def is_published(review: Review) -> bool:
    """Whether the review reproduces a published paper: its ``published.yml`` lists at least one claim."""
    return bool((review.document("published.yml") or {}).get("claims"))


@cache
def missing_sentences() -> dict[str, dict[str, str]]:
    """Every "nothing to show" sentence, by table name, in its ``published`` and ``own`` forms."""
    text = resources.files("synthesis").joinpath("wording", "missing.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def missing(review: Review, name: str) -> str:
    """What to say where the step ``name`` has nothing to show for ``review``.

    Raises
    ------
    KeyError
        For a name with no sentence: every notebook step has one (a test checks the notebooks).
    """
    sentences = missing_sentences()[name]
    return sentences["published" if is_published(review) else "own"].format(unit=review.meta.get("unit", "document"))


def basis_word(review: Review) -> str:
    """Who states a status or a number: "the paper" for a published review, else "the review team"."""
    return "the paper" if is_published(review) else "the review team"


_PLURALS = {"study": "studies"}


def units_word(review: Review) -> str:
    """The review's counting unit in the plural ("documents", "studies", "interventions")."""
    unit = review.meta.get("unit", "document")
    return _PLURALS.get(unit, f"{unit}s")

"""The screening stage: who screened what, and the agreement the review reports."""

from __future__ import annotations

import pandas as pd

from synthesis.review import Review

__all__ = ["screening_summary"]


def screening_summary(review: Review) -> pd.DataFrame:
    """The screening process as published, one row per stage, with 'not reported' where it is silent."""
    screening = review.meta.get("screening") or {}
    rows = [{"stage": stage, "as reported": screening.get(key) or "not reported",
             "source": screening.get("source", "")}
            for stage, key in (("title and abstract", "title_abstract"), ("full text", "full_text"),
                               ("agreement", "agreement"))]
    return pd.DataFrame(rows, columns=["stage", "as reported", "source"])

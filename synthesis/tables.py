"""Small helpers for the review's tables: list-valued cells, filters, stable ordering and rounding, and the
form a reader sees them in (every cell whole, missing values as the data format names them, captions)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

__all__ = ["cell_values", "matches", "filter_rows", "round_half_up", "percent", "MISSING", "readable",
           "TABLE_CAPTIONS", "table_caption"]

#: How a missing value is shown to a reader: the data format's empty cell means "not reported" or "does not
#: apply", which a dash says without claiming which (``<NA>``, ``None`` and ``NaN`` are pandas', not the paper's).
MISSING = "\u2014"

#: What each table of the notebooks shows, by the name it is saved under; the appendix numbers them.
TABLE_CAPTIONS = {
    "database_counts": "The records each database's export holds, read from the raw exports in search/exports/.",
    "same_search": "One search exported twice in different formats, compared record for record.",
    "deduplication_summary": "De-duplication of the exports by the project's rules beside title-only exact matching.",
    "deduplication_differences": "The groups on which the two de-duplication methods differ, with the fields that "
                                 "set their records apart.",
    "export_possible_duplicates": "Pairs of records that look alike but may be two works, waiting for a person's "
                                  "decision.",
    "screening_stages": "Each reviewer's decisions at each screening stage.",
    "screening_conflicts": "The records on which the reviewers disagreed, with each decision and its resolution.",
    "included_records": "The records included after full-text screening.",
    "coder_agreement": "Agreement between coders per node and overall, counted per document and node, with the "
                       "prevalence beside each statistic.",
    "coder_disagreements": "The documents and nodes on which the coders differ, with what each coded.",
    "theory_trail": "Each theory's nodes with every document and quote coded to them, and the memos beside them.",
    "refinement_rounds": "Every round of theory refinement with each theory's status, statement and evidence.",
    "refinement_round_": "One round of refinement set against the round before in the final model's convention.",
    "refinement_trail": "Each change of the theory with the quotes and memos it rests on.",
    "cerqual_summary": "Summary of Qualitative Findings: each finding with its GRADE-CERQual confidence.",
    "cerqual_profile": "GRADE-CERQual evidence profile: the concerns in each component behind each finding.",
    "reproduction_coverage": "How the published numbers are checked: reproductions, transcription checks, "
                             "self-checks and numbers that cannot be computed.",
    "reproduction_": "The published numbers of one kind of check beside the values recomputed from the data.",
    "interpretations": "The project's readings of the paper, each beside what the paper says.",
    "search_blocks": "The concept blocks of the search strategy and the terms each combines.",
    "known_item_recall": "How many of the included documents the reported search retrieves (known-item recall).",
    "databases": "The databases searched, with their platforms and the dates each search covers.",
    "other_methods": "The searching beyond databases (citation tracking, websites, experts) as reported.",
    "search_log": "The search log: each search with its date, source and number of hits.",
    "reference_lists": "The reference lists imported for citation tracking, with the records read from each.",
    "shared_references": "References that appear in more than one reference list.",
    "possible_duplicates": "Record pairs that may be duplicates and need a person's decision.",
    "screening": "Records screened at each stage with their decisions.",
    "screening_agreement": "Agreement between screeners, recomputed from the per-record decisions.",
    "exclusion_reasons": "Reasons for excluding full texts, with how many reports each excluded.",
    "prisma_counts": "The PRISMA 2020 counts, each marked as published or derived from other counts.",
    "prisma_reconciliation": "Checks that the PRISMA counts add up, box by box.",
    "prisma2020": "The counts in the data format of the PRISMA2020 R package and app.",
    "theory_sources": "The middle-range and substantive theories the review draws on.",
    "theory_areas": "The areas of the initial programme theory with how many topics and theories each holds.",
    "theory_topics": "The topics of the initial programme theory, the theories under each and how many of their "
                     "elements are published.",
    "cmocs": "The context-mechanism-outcome configurations (CMOCs) of the initial programme theory with their "
             "published elements.",
    "cmo_inventory": "Every context, mechanism and outcome of the initial theories, with the theories naming it.",
    "unit_tallies": "The included units tallied by their attributes.",
    "node_tallies": "Each coding node as coded in n of N units (%), in order of strength, with the threshold.",
    "determinants": "Facilitators and barriers as coded, with the units that report each.",
    "link_counts": "Context-mechanism-outcome links with the number of documents cited for each.",
    "documents_per_link": "How many links rest on one, two or more documents.",
    "matrix_tallies": "Each node's tally recomputed from the per-document coding (the presence matrix).",
    "cooccurrence": "How many documents code each mechanism together with each outcome domain.",
    "leave_one_out": "Leave-one-out robustness: how the strongest nodes change when each document is left out.",
    "quality_robustness": "Quality sensitivity: the strongest nodes with and without the lower-graded studies.",
    "excerpts": "The coded quotes with the document and the nodes each is coded to.",
    "appraisal_rule": "The rule by which appraisal scores become grades.",
    "appraisal_summary": "How many studies received each appraisal grade.",
    "study_scores": "Each study's appraisal answers, score and grade.",
    "subgroups": "The subgroup and sensitivity analyses the review reports.",
    "theory_status_counts": "How many theories ended in each status, and the type each status is set in.",
    "final_theory": "Each theory's final status, with the evidence and the source of the status.",
    "theory_evidence": "Each theory's support from the coding: the documents coded to the nodes that test it.",
    "audit_trail": "The audit trail from each link to the documents and quotes that support it.",
    "reproduction_summary": "How many of the paper's numbers were recomputed and matched, by stage and status.",
    "reproduction_mismatches": "The paper's numbers that the recomputation does not match.",
    "reproduction": "Every number the paper publishes beside the number recomputed from the data.",
    "score_matrix": "The measure's scores per item (rows) and site (columns).",
    "item_summary": "Each item of the measure: mean, range, floor and ceiling.",
    "site_totals": "Each site's total score on the measure.",
    "known_groups": "Known-group comparisons of the measure's scores.",
    "measure_claims": "The paper's claims about the measure, checked against the scores.",
}


def table_caption(name: str) -> str:
    """The sentence saying what table ``name`` shows (its name in words when it has none)."""
    if name in TABLE_CAPTIONS:
        return TABLE_CAPTIONS[name]
    # Tables saved once per item (each round, each kind of check) share the caption of their prefix.
    prefix = next((key for key in TABLE_CAPTIONS if key.endswith("_") and name.startswith(key)), None)
    return TABLE_CAPTIONS[prefix] if prefix else name.replace("_", " ").capitalize() + "."


def _cell_text(value: Any) -> Any:
    """One cell as a reader sees it: lists joined, missing (or empty) as :data:`MISSING`, whole floats as
    integers."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) if value else MISSING
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, str) and not value.strip()):
        return MISSING
    if isinstance(value, float):
        if pd.isna(value):
            return MISSING
        return str(int(value)) if value.is_integer() else value
    return value


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` for reading: a meaningful index (named, or of labels) becomes a column and a row
    number is dropped, list cells are joined, missing values are :data:`MISSING`, whole numbers print as
    integers."""
    row_numbers = table.index.names == [None] and pd.api.types.is_integer_dtype(table.index)
    flat = table.reset_index(drop=True) if row_numbers else table.reset_index()
    flat.columns = [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in flat.columns]
    return flat.astype(object).map(_cell_text)


def cell_values(value: Any) -> list:
    """The values in a cell: a list cell as is, an empty cell as ``[]``, anything else as ``[value]``."""
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [value]


def matches(value: Any, operator: str, expected: str) -> bool:
    """Whether a cell satisfies ``operator expected``.

    ``=`` is equality, or membership for list cells (``=*`` means not empty; ``a|b`` means either);
    ``!=`` its negation; ``~`` a substring of any value.
    """
    values = [str(v) for v in cell_values(value)]
    if operator == "~":
        return any(expected in v for v in values)
    if expected == "*":
        hit = bool(values)
    else:
        hit = any(v in expected.split("|") for v in values)
    return hit if operator == "=" else not hit


def filter_rows(table: pd.DataFrame, conditions: str) -> pd.DataFrame:
    """Rows of ``table`` meeting every condition of ``col=value&col!=value&col~text``."""
    if not conditions:
        return table
    mask = pd.Series(True, index=table.index)
    for condition in conditions.split("&"):
        for operator in ("!=", "~", "="):
            if operator in condition:
                column, expected = condition.split(operator, 1)
                break
        else:
            raise ValueError(f"condition {condition!r} has no operator (=, != or ~)")
        if column not in table.columns:
            raise KeyError(f"no column {column!r}; columns are {', '.join(table.columns)}")
        mask &= table[column].map(lambda v, o=operator, e=expected: matches(v, o, e))
    return table[mask]


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as papers do (0.5 away from zero), not to even as Python's ``round`` does."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(n: float, denominator: float) -> float:
    """``n`` as a percentage of ``denominator`` (unrounded)."""
    if not denominator:
        raise ZeroDivisionError("the denominator is zero: no documents to count in")
    return 100.0 * n / denominator

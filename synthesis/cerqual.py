"""Confidence in the review findings (GRADE-CERQual): the assessments in ``theory/cerqual.csv`` shown as the
Summary of Qualitative Findings table and the evidence profile, and the appraisal grades of each finding's studies
that the methodological-limitations component may draw on.

GRADE-CERQual (Lewin et al., *Implementation Science* 2018;13(Suppl 1):2) judges four components of each finding
(methodological limitations, coherence, adequacy of data, relevance), each as no or very minor, minor, moderate or
serious concerns with an explanation, and then the overall confidence: high, moderate, low or very low.
"""

from __future__ import annotations

import pandas as pd

from synthesis.coding import _citations as citations  # one "Author year" form across the tables
from synthesis.review import Review

__all__ = ["COMPONENTS", "CONCERNS", "CONFIDENCE", "summary_of_findings", "evidence_profile",
           "limitations_evidence", "confidence_counts"]

#: The four components, as (column in theory/cerqual.csv, heading in the tables).
COMPONENTS = [("limitations", "Methodological limitations"), ("coherence", "Coherence"),
              ("adequacy", "Adequacy"), ("relevance", "Relevance")]
#: Concern levels, least first, and confidence levels, highest first.
CONCERNS = ["no or very minor", "minor", "moderate", "serious"]
CONFIDENCE = ["high", "moderate", "low", "very low"]


def _assessments(review: Review) -> pd.DataFrame | None:
    return review.table("theory/cerqual.csv")


def _studies_cited(review: Review, studies: list[str]) -> str:
    cite = citations(review)
    return "; ".join(cite.get(study, study) for study in studies)


def summary_of_findings(review: Review) -> pd.DataFrame:
    """The Summary of Qualitative Findings table: each finding, its contributing studies (author, year), the
    confidence in it and the explanation, in the order of ``theory/cerqual.csv``."""
    columns = ["#", "Summary of review finding", "Studies contributing to the review finding",
               "GRADE-CERQual assessment of confidence", "Explanation of GRADE-CERQual assessment"]
    assessments = _assessments(review)
    if assessments is None:
        return pd.DataFrame(columns=columns)
    rows = [{"#": row["finding_id"], "Summary of review finding": row["finding"],
             "Studies contributing to the review finding": _studies_cited(review, row["studies"]),
             "GRADE-CERQual assessment of confidence": f"{row['confidence'].capitalize()} confidence",
             "Explanation of GRADE-CERQual assessment": row["confidence_explanation"]}
            for row in assessments.to_dict("records")]
    return pd.DataFrame(rows, columns=columns)


def evidence_profile(review: Review) -> pd.DataFrame:
    """The GRADE-CERQual evidence profile: per finding, each component's concern with its explanation
    ("Minor concerns: ..."), the overall confidence with its explanation, and the number of studies."""
    columns = ["#", "Summary of review finding", "Studies"] + [heading for _, heading in COMPONENTS] + \
        ["Assessment of confidence", "Explanation of judgement"]
    assessments = _assessments(review)
    if assessments is None:
        return pd.DataFrame(columns=columns)
    rows = []
    for row in assessments.to_dict("records"):
        rows.append({"#": row["finding_id"], "Summary of review finding": row["finding"],
                     "Studies": f"{len(row['studies'])}: {_studies_cited(review, row['studies'])}",
                     **{heading: f"{row[column].capitalize()} concerns: {row[column + '_explanation']}"
                        for column, heading in COMPONENTS},
                     "Assessment of confidence": f"{row['confidence'].capitalize()} confidence",
                     "Explanation of judgement": row["confidence_explanation"]})
    return pd.DataFrame(rows, columns=columns)


def limitations_evidence(review: Review) -> pd.DataFrame:
    """Per finding, the appraisal grades of its contributing studies, to inform the methodological-limitations
    judgement: studies, how many were appraised, the count per grade (best first) and each study's grade.

    Grades come from ``appraisal/answers.csv`` scored by the review's rule (:func:`synthesis.appraisal.study_scores`);
    a study without answers is counted as not appraised, never given a grade. A study appraised with two
    checklists shows both grades.
    """
    from synthesis.appraisal import grading_rule, study_scores

    columns = ["#", "studies", "appraised", "grades", "per study", "limitations (as assessed)"]
    assessments = _assessments(review)
    if assessments is None:
        return pd.DataFrame(columns=columns)
    scores = study_scores(review)
    order = list(grading_rule(review)["grade"])
    grades: dict[str, list[str]] = {}
    for study, grade, percent in zip(scores["study_id"], scores["grade"], scores["percent"]):
        grades.setdefault(study, []).append(grade or (f"{percent:g}% yes" if percent is not None else "no items"))
    cite = citations(review)
    rows = []
    for row in assessments.to_dict("records"):
        found = [g for study in row["studies"] for g in grades.get(study, [])]
        counts = pd.Series(found, dtype=object).value_counts()
        ranked = [g for g in order if g in counts] + sorted(g for g in counts.index if g not in order)
        appraised = sum(study in grades for study in row["studies"])
        not_appraised = len(row["studies"]) - appraised
        rows.append({"#": row["finding_id"], "studies": len(row["studies"]), "appraised": appraised,
                     "grades": "; ".join([f"{g} {counts[g]}" for g in ranked] +
                                         ([f"not appraised {not_appraised}"] if not_appraised else [])),
                     "per study": "; ".join(f"{cite.get(s, s)}: {', '.join(grades.get(s, ['not appraised']))}"
                                            for s in row["studies"]),
                     "limitations (as assessed)": f"{row['limitations']} concerns"})
    return pd.DataFrame(rows, columns=columns)


def confidence_counts(review: Review) -> pd.DataFrame:
    """Findings per level of confidence (every level listed, highest first), with their ids."""
    assessments = _assessments(review)
    rows = []
    for level in CONFIDENCE:
        ids = [] if assessments is None else list(assessments.loc[assessments["confidence"] == level, "finding_id"])
        rows.append({"confidence": level, "findings": len(ids), "ids": ", ".join(ids)})
    return pd.DataFrame(rows, columns=["confidence", "findings", "ids"])

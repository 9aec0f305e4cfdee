"""PRISMA 2020: the flow counts a review publishes, the ones derivable from them, their reconciliation and the diagram."""

from __future__ import annotations

import pandas as pd

from synthesis.diagrams import flow_diagram  # re-exported: notebook 01 and the CLI draw it as prisma.flow_diagram
from synthesis.review import Review

__all__ = ["PRISMA_BOXES", "prisma_counts", "derived_counts", "database_counts", "reconcile", "prisma2020_template",
           "flow_diagram"]

#: The boxes of the PRISMA 2020 flow diagram, keyed as in the PRISMA2020 R package's CSV template.
PRISMA_BOXES = {
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "database_results": "Records identified from databases",
    "register_results": "Records identified from registers",
    "website_results": "Records identified from websites",
    "organisation_results": "Records identified from organisations",
    "citations_results": "Records identified from citation searching",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "dbr_sought_reports": "Reports sought for retrieval",
    "dbr_notretrieved_reports": "Reports not retrieved",
    "other_sought_reports": "Reports sought for retrieval (other methods)",
    "other_notretrieved_reports": "Reports not retrieved (other methods)",
    "dbr_assessed": "Reports assessed for eligibility",
    "dbr_excluded": "Reports excluded",
    "other_assessed": "Reports assessed for eligibility (other methods)",
    "other_excluded": "Reports excluded (other methods)",
    "new_studies": "New studies included in review",
    "new_reports": "Reports of new included studies",
    "total_studies": "Total studies included in review",
    "total_reports": "Reports of total included studies",
}

_SUMS = [
    ("records_screened", ["database_results", "register_results"], ["duplicates", "excluded_automatic", "excluded_other"]),
    ("dbr_sought_reports", ["records_screened"], ["records_excluded"]),
    ("dbr_assessed", ["dbr_sought_reports"], ["dbr_notretrieved_reports"]),
]


def _published(review: Review) -> tuple[dict, dict]:
    prisma = review.document("prisma.yml") or {}
    derived = derived_counts(review)
    counts = {**derived, **(prisma.get("counts") or {})}
    return counts, prisma.get("totals") or {}


def _exports(review: Review) -> list:
    return sorted(p for p in (review.path / "search" / "exports").glob("*") if p.is_file())


def _export_records(review: Review):
    """Each export's import result and all their records, read once per review."""
    from synthesis.records import read_many

    return review.cached("export_records", lambda: read_many(_exports(review)))


def derived_counts(review: Review) -> dict[str, dict]:
    """PRISMA counts computed from the review's own records: its exports (``search/exports/``), their
    de-duplication, and the screening log (``screening/decisions.csv``). Empty when the review has neither.

    Each count carries ``derived: true`` and says how it was computed; a count published in ``prisma.yml``
    takes precedence in :func:`prisma_counts`.
    """
    return review.cached("derived_prisma_counts", lambda: _derived_counts(review))


def _derived_counts(review: Review) -> dict[str, dict]:
    from synthesis.dedup import deduplicate
    from synthesis.screening import stage_counts

    counts: dict[str, dict] = {}
    files = _exports(review)
    if files:
        _, records = _export_records(review)
        groups = deduplicate(records).groups
        unique = int(groups["kept"].sum())
        counts["database_results"] = {"n": len(records), "source": f"records read from {len(files)} export(s)",
                                      "derived": True}
        counts["duplicates"] = {"n": len(records) - unique, "source": "synthesis de-duplication of the exports",
                                "derived": True}
        for key in ("excluded_automatic", "excluded_other"):
            counts[key] = {"n": 0, "source": "the project removes records only as duplicates", "derived": True}
    stages = stage_counts(review).set_index("stage") if review.has("screening/decisions.csv") else None
    if stages is not None and "title-abstract" in stages.index:
        row = stages.loc["title-abstract"]
        counts["records_screened"] = {"n": int(row["screened"]), "source": "screening/decisions.csv", "derived": True}
        counts["records_excluded"] = {"n": int(row["exclude"]), "source": "screening/decisions.csv", "derived": True}
        sought = int(row["include"]) + int(row["maybe"])
        counts["dbr_sought_reports"] = {"n": sought, "source": "title-abstract includes and maybes", "derived": True}
    if stages is not None and "full text" in stages.index:
        row = stages.loc["full text"]
        counts["dbr_assessed"] = {"n": int(row["screened"]), "source": "screening/decisions.csv", "derived": True}
        if "dbr_sought_reports" in counts:
            counts["dbr_notretrieved_reports"] = {"n": counts["dbr_sought_reports"]["n"] - int(row["screened"]),
                                                  "source": "sought but without a full-text decision", "derived": True}
        counts["dbr_excluded"] = {"n": int(row["exclude"]), "source": "screening/decisions.csv", "derived": True}
        counts["new_studies"] = {"n": int(row["include"]), "source": "screening/decisions.csv", "derived": True}
    return counts


def database_counts(review: Review) -> pd.DataFrame:
    """Records identified per database, as published in prisma.yml or read from the review's exports."""
    prisma = review.document("prisma.yml") or {}
    rows = [{"database": d["name"], "n": d["n"], "source": d["source"]} for d in prisma.get("databases") or []]
    if not rows and _exports(review):
        rows = [{"database": result.path.name, "n": len(result.records), "source": "search/exports"}
                for result in _export_records(review)[0]]
    return pd.DataFrame(rows, columns=["database", "n", "source"])


def prisma_counts(review: Review) -> pd.DataFrame:
    """Every PRISMA 2020 box with its count: published, derived from published counts, or not reported.

    A count is derived only by arithmetic the diagram itself implies (for example duplicates removed =
    records identified - records remaining after de-duplication), and the formula is shown.

    Returns
    -------
    pandas.DataFrame
        Columns ``box``, ``label``, ``n``, ``status`` (published / derived / not reported), ``source``.
    """
    counts, totals = _published(review)
    rows = []
    for key, label in PRISMA_BOXES.items():
        entry = counts.get(key)
        if entry and entry.get("n") is not None:
            rows.append({"box": key, "label": entry.get("label", label), "n": entry["n"],
                         "status": "derived" if entry.get("derived") else "published", "source": entry["source"]})
        else:
            rows.append({"box": key, "label": label, "n": None, "status": "not reported", "source": ""})
    table = pd.DataFrame(rows).set_index("box")
    remaining = (totals.get("after_duplicates_removed") or {}).get("n")
    identified = table.loc["database_results", "n"]
    if remaining is not None and identified is not None and table.loc["duplicates", "status"] == "not reported":
        table.loc["duplicates", ["n", "status", "source"]] = [
            identified - remaining, "derived", f"database_results {identified} - after de-duplication {remaining}"]
    for key, entry in sorted(totals.items()):
        table.loc[key] = [entry.get("label", key), entry.get("n"), "published (total)" if entry.get("n") is not None
                          else "not reported", entry["source"]]
    table["n"] = table["n"].astype("Int64")
    return table.reset_index()


def reconcile(review: Review) -> pd.DataFrame:
    """Check that each box equals the boxes feeding it (records in = records out).

    Returns one row per check with ``holds``, ``does not hold`` or ``cannot check`` and the boxes missing.
    """
    table = prisma_counts(review).set_index("box")["n"]
    rows = []
    for target, plus, minus in _SUMS:
        needed = [target, *plus[:1], *minus]
        missing = [k for k in needed if pd.isna(table.get(k))]
        formula = f"{target} = {' + '.join(plus)} - {' - '.join(minus)}"
        if missing:
            rows.append({"check": formula, "result": "cannot check", "detail": "not reported: " + ", ".join(missing)})
            continue
        expected = sum(int(table[k]) for k in plus if not pd.isna(table.get(k))) - sum(int(table[k]) for k in minus)
        holds = expected == int(table[target])
        rows.append({"check": formula, "result": "holds" if holds else "does not hold",
                     "detail": f"{expected} computed, {int(table[target])} published"})
    return pd.DataFrame(rows, columns=["check", "result", "detail"])


def prisma2020_template(review: Review) -> pd.DataFrame:
    """The counts in the layout of the PRISMA2020 R package and Shiny app CSV (columns ``data``, ``n``).

    Boxes the paper does not report are left empty so the app shows them as missing, not as zero.
    """
    table = prisma_counts(review)
    table = table[table["box"].isin(PRISMA_BOXES)]
    template = pd.DataFrame({"data": table["box"], "n": table["n"].astype(object)}).reset_index(drop=True)
    per_database = database_counts(review)
    if not per_database.empty:
        # The app reads per-database counts as "name, n; name, n" in the database_specific_results row.
        text = "; ".join(f"{row.database}, {'' if pd.isna(row.n) else int(row.n)}" for row in per_database.itertuples())
        position = template.index[template["data"] == "database_results"][0] + 1
        template = pd.concat([template.iloc[:position], pd.DataFrame({"data": ["database_specific_results"],
                                                                      "n": [text]}),
                              template.iloc[position:]], ignore_index=True)
    return template

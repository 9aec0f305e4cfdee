"""The screening stage: importing reviewers' decisions, conflicts and their resolutions, agreement (Cohen's kappa)
and exclusion reasons.

A record's outcome at a stage is never decided by file order: reviewers who agree decide it, a recorded resolution
(``screening/resolutions.csv``) settles a conflict, and a conflict without one stays unresolved and is reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from synthesis.csvrows import match_columns, read_sheet_rows
from synthesis.errors import Problem, ReviewError
from synthesis import registry
from synthesis.review import Review, display_path
from synthesis.tables import round_half_up

__all__ = ["DECISIONS", "STAGES", "DECISION_COLUMNS", "screening_summary", "agreement",
           "exclusion_reasons", "stage_counts", "final_decisions", "conflicts", "screening_problems",
           "known_records", "parse_mapping", "read_sheet", "read_asreview", "read_rayyan", "check_record_ids",
           "merge_decisions", "kappa_value", "record_order"]

DECISIONS = ("include", "exclude", "maybe")
STAGES = ("title-abstract", "full text")
#: The columns of ``screening/decisions.csv``, in order.
DECISION_COLUMNS = ["decision_id", "record_id", "stage", "reviewer", "decision", "reason", "date", "source"]

# Cells that spreadsheets and pandas write for "no value"; an id or decision like this is missing, not a value.
_MISSING = {"", "na", "n/a", "nan", "none", "null"}


def screening_summary(review: Review) -> pd.DataFrame:
    """The screening process as published, one row per stage, with 'not reported' where it is silent."""
    screening = review.meta.get("screening") or {}
    rows = [{"stage": stage, "as reported": screening.get(key) or "not reported",
             "source": screening.get("source", "")}
            for stage, key in (("title and abstract", "title_abstract"), ("full text", "full_text"),
                               ("agreement", "agreement"))]
    return pd.DataFrame(rows, columns=["stage", "as reported", "source"])


def _decisions(review: Review) -> pd.DataFrame:
    decisions = review.table("screening/decisions.csv")
    return decisions if decisions is not None else pd.DataFrame(columns=DECISION_COLUMNS)


def _reviewer_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """One decision per reviewer, record and stage; a reviewer who decided a record twice differently has None."""
    grouped = decisions.groupby(["stage", "record_id", "reviewer"], sort=True)["decision"]
    single = grouped.agg(lambda values: values.iloc[0] if values.nunique() == 1 else None)
    return single.reset_index()


def agreement(review: Review) -> pd.DataFrame:
    """Per stage and pair of reviewers: records both screened, percentage agreement, Cohen's kappa (4 decimals),
    Gwet's AC1 and Krippendorff's alpha (3 decimals), with the share of include decisions beside them.

    The statistics are :func:`synthesis.reliability.agreement_statistics`; a low kappa with high agreement at a low
    share of includes is the kappa paradox that AC1 avoids.
    """
    from synthesis.reliability import agreement_statistics

    columns = ["stage", "reviewers", "records", "include %", "agreement %", "kappa", "Gwet's AC1",
               "Krippendorff's alpha"]
    per_reviewer = _reviewer_decisions(_decisions(review)).dropna(subset=["decision"])
    rows = []
    for stage, group in per_reviewer.groupby("stage", sort=True):
        table = group.pivot(index="record_id", columns="reviewer", values="decision")
        reviewers = sorted(table.columns)
        for i, first in enumerate(reviewers):
            for second in reviewers[i + 1:]:
                both = table[[first, second]].dropna()
                if both.empty:
                    continue
                found = agreement_statistics(both)
                rows.append({"stage": stage, "reviewers": f"{first} / {second}", "records": len(both),
                             "include %": round_half_up(found["prevalence"].get("include", 0.0), 1),
                             "agreement %": round_half_up(found["percent agreement"], 1),
                             "kappa": _rounded_or_none(found["Cohen's kappa"], 4, found),
                             "Gwet's AC1": _rounded_or_none(found["Gwet's AC1"], 3, found),
                             "Krippendorff's alpha": _rounded_or_none(found["Krippendorff's alpha"], 3, found)})
    return pd.DataFrame(rows, columns=columns)


def _rounded_or_none(value: float, decimals: int, found: dict) -> float | None:
    """A coefficient rounded; where it is undefined because both reviewers agreed on one category throughout,
    agreement is perfect (1.0); otherwise None."""
    if value == value:
        return round_half_up(value, decimals) + 0.0
    return 1.0 if found["percent agreement"] == 100 else None


@registry.computes("kappa", "STAGE with STAGE one of " + ", ".join(STAGES), parts=None,
                   valid=lambda target: target in STAGES)
def kappa_value(review: Review, stage: str) -> float:
    """Cohen's kappa at ``stage`` for the review's one pair of reviewers (for ``published.yml``'s ``kappa:STAGE``).

    Raises
    ------
    LookupError
        When the stage has no pair of reviewers, or more than one pair.
    """
    table = agreement(review)
    rows = table[table["stage"] == stage]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} pairs of reviewers at stage {stage!r}; kappa needs exactly one")
    return float(rows["kappa"].iloc[0])


def final_decisions(review: Review) -> pd.DataFrame:
    """Each record's outcome per stage, and how it was reached.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage``, ``record_id``, ``decision`` (include / exclude / maybe, or None when unresolved),
        ``how`` (``agreed``, ``one reviewer``, ``resolved`` or ``unresolved conflict``), ``reviewers`` (each
        reviewer's decision) and ``reason``.
    """
    columns = ["stage", "record_id", "decision", "how", "reviewers", "reason"]
    decisions = _decisions(review)
    if decisions.empty:
        return pd.DataFrame(columns=columns)
    resolutions = review.table("screening/resolutions.csv")
    settled = {} if resolutions is None else {(r["stage"], r["record_id"]): r for r in resolutions.to_dict("records")}
    reasons = (decisions.dropna(subset=["reason"]).groupby(["stage", "record_id"])["reason"]
               .agg(lambda values: " / ".join(sorted(set(values)))).to_dict())
    rows = []
    for (stage, record_id), group in _reviewer_decisions(decisions).groupby(["stage", "record_id"], sort=True):
        said = "; ".join(f"{r}: {d or 'two different decisions'}" for r, d in zip(group["reviewer"], group["decision"]))
        distinct = set(group["decision"])
        resolution = settled.get((stage, record_id))
        if resolution is not None:
            decision, how, reason = resolution["decision"], "resolved", resolution.get("reason")
        elif len(distinct) == 1 and None not in distinct:
            decision, how, reason = distinct.pop(), "agreed" if len(group) > 1 else "one reviewer", None
        else:
            decision, how, reason = None, "unresolved conflict", None
        if decision == "exclude" and not reason:
            reason = reasons.get((stage, record_id))
        rows.append({"stage": stage, "record_id": record_id, "decision": decision, "how": how, "reviewers": said,
                     "reason": reason if decision == "exclude" else None})
    return pd.DataFrame(rows, columns=columns)


def conflicts(review: Review) -> pd.DataFrame:
    """Records on which reviewers disagree, with each reviewer's decision and the resolution, if recorded."""
    final = final_decisions(review)
    if final.empty:
        return pd.DataFrame(columns=["stage", "record_id", "reviewers", "how", "resolution"])
    decisions = _reviewer_decisions(_decisions(review))
    disagreeing = decisions.groupby(["stage", "record_id"])["decision"].agg(
        lambda values: values.isna().any() or values.nunique() > 1)
    keys = set(disagreeing[disagreeing].index)
    rows = final[[(s, r) in keys for s, r in zip(final["stage"], final["record_id"])]]
    table = rows.rename(columns={"decision": "resolution"})[["stage", "record_id", "reviewers", "how", "resolution"]]
    return table.fillna({"resolution": "unresolved"}).reset_index(drop=True)


def exclusion_reasons(review: Review, stage: str = "full text") -> pd.DataFrame:
    """Records excluded at a stage per reason, each record once, from its final decision (agreed or resolved)."""
    final = final_decisions(review)
    excluded = final[(final["stage"] == stage) & (final["decision"] == "exclude")]
    counts = excluded["reason"].fillna("no reason given").value_counts()
    table = pd.DataFrame({"reason": counts.index, "records": counts.values})
    return table.sort_values(["records", "reason"], ascending=[False, True]).reset_index(drop=True)


def stage_counts(review: Review) -> pd.DataFrame:
    """Records screened, included, excluded, undecided ('maybe') and in unresolved conflict, per stage."""
    columns = ["stage", "screened", "include", "exclude", "maybe", "unresolved"]
    final = final_decisions(review)
    rows = []
    for stage, group in final.groupby("stage", sort=True):
        rows.append({"stage": stage, "screened": len(group),
                     **{d: int((group["decision"] == d).sum()) for d in DECISIONS},
                     "unresolved": int(group["decision"].isna().sum())})
    return pd.DataFrame(rows, columns=columns)


def known_records(review: Review) -> set[str] | None:
    """The record ids a decision may name: ``screening/records.csv``'s, else those read from ``search/exports/``.

    None when the review has neither, or an export cannot be read (then no id can be said not to exist).
    """
    records = review.table("screening/records.csv")
    if records is not None:
        return set(records["record_id"])
    from synthesis.prisma import export_records

    frame, unreadable = export_records(review)
    if frame is None or unreadable:
        return None
    return set(frame["record_id"])


@registry.review_check
def screening_problems(review: Review) -> list[Problem]:
    """Conflicts without a resolution, and decisions or resolutions naming a record that does not exist.

    ``synthesis check`` reports these; ids checked against ``screening/records.csv`` are reported by the loader.
    """
    problems = []
    display = display_path(review.path / "screening/decisions.csv")
    decisions = _decisions(review)
    lines = dict(zip(decisions["decision_id"], review.lines.get("screening/decisions.csv", [])))
    first_line = {}
    for row in decisions.to_dict("records"):
        first_line.setdefault((row["stage"], row["record_id"]), lines.get(row["decision_id"]))
    for row in conflicts(review).to_dict("records"):
        if row["how"] == "unresolved conflict":
            problems.append(Problem(display, first_line.get((row["stage"], row["record_id"])), "decision",
                                    f"record {row['record_id']!r} at {row['stage']}: reviewers disagree "
                                    f"({row['reviewers']}) and no resolution is recorded",
                                    "add the third reviewer's or the agreed decision to screening/resolutions.csv"))
    if review.table("screening/records.csv") is None:
        known = known_records(review)
        if known is not None:
            for row in decisions.to_dict("records"):
                if row["record_id"] not in known:
                    problems.append(Problem(display, lines.get(row["decision_id"]), "record_id",
                                            f"{row['record_id']!r} is not a record of search/exports/",
                                            "use the record_id `synthesis records import` gives the record"))
    return problems


def parse_mapping(text: str) -> dict[str, str]:
    """``"1=include,2=exclude"`` as ``{"1": "include", "2": "exclude"}`` (codes compared case-insensitively).

    Raises
    ------
    ReviewError
        For an entry without ``=`` or a decision other than include, exclude or maybe.
    """
    mapping = {}
    for entry in (e.strip() for e in text.split(",") if e.strip()):
        code, equals, decision = entry.partition("=")
        if not equals or decision.strip().lower() not in DECISIONS:
            raise ReviewError("--map", f"{entry!r} is not CODE=DECISION", field="map",
                              hint="e.g. --map 1=include,2=exclude,3=maybe")
        mapping[code.strip().lower()] = decision.strip().lower()
    return mapping


_DEFAULT_MAPPING = {"include": "include", "included": "include", "yes": "include", "exclude": "exclude",
                    "excluded": "exclude", "no": "exclude", "maybe": "maybe", "unsure": "maybe"}


def _sheet(path: Path) -> pd.DataFrame:
    """A CSV or XLSX sheet, every cell as text, with the line each row starts on in ``_line``."""
    header, cells = read_sheet_rows(path)
    return pd.DataFrame([row + [line] for line, row in cells], columns=[*header, "_line"])


def _columns(path: Path, sheet: pd.DataFrame, names: dict[str, str | None]) -> dict[str, str | None]:
    """The sheet's column for each role (``record id``, ``decision``...) named in ``names``; None where not named."""
    header = [c for c in sheet.columns if c != "_line"]
    given = {what: name for what, name in names.items() if name is not None}
    found = match_columns(path, header, {what: [name] for what, name in given.items()}, required=list(given),
                          hint="looked for " + ", ".join(f"{name!r} ({what})" for what, name in given.items()))
    return {what: header[found[what][0]] if what in given else None for what in names}


def _missing(value) -> bool:
    return str(value).strip().lower() in _MISSING


def _stage(path: Path, line, value: str) -> str:
    stage = {"title-abstract": "title-abstract", "title/abstract": "title-abstract", "tiab": "title-abstract",
             "title and abstract": "title-abstract", "full text": "full text", "full-text": "full text",
             "fulltext": "full text"}.get(value.strip().lower())
    if stage is None:
        raise ReviewError(path, f"{value!r} is not a stage", line=line, field="stage",
                          hint="title-abstract or full text")
    return stage


def _rows(path: Path, records: list[dict]) -> pd.DataFrame:
    """Decisions in the layout of ``screening/decisions.csv`` (ids filled in by :func:`merge_decisions`)."""
    frame = pd.DataFrame(records, columns=[*DECISION_COLUMNS, "_line"], dtype=object)
    frame = frame.where(frame.notna(), None)
    frame["source"] = [f"{path.name} line {line}" for line in frame["_line"]]
    return frame


def read_sheet(path: str | Path, *, mapping: dict[str, str] | None = None, reviewer: str | None = None,
               stage: str | None = None, id_column: str = "record_id", decision_column: str = "decision",
               reviewer_column: str | None = None, stage_column: str | None = None,
               reason_column: str | None = None, title_column: str | None = None) -> pd.DataFrame:
    """Decisions from a plain sheet (CSV or XLSX), one per row, in any include/exclude coding.

    Parameters
    ----------
    path : str or Path
        The sheet.
    mapping : dict, optional
        Code -> include / exclude / maybe (e.g. from :func:`parse_mapping`); by default the words include(d),
        exclude(d), yes, no, maybe and unsure.
    reviewer, stage : str, optional
        The reviewer and stage of every row, or read per row from ``reviewer_column`` and ``stage_column``.
    id_column, decision_column, reason_column, title_column : str
        Where the record id, the decision, the exclusion reason and the title stand. A row without an id keeps
        its title (``title`` column of the result) so that :func:`check_record_ids` can find the record by it.

    Returns
    -------
    pandas.DataFrame
        The columns of ``screening/decisions.csv`` plus ``title`` and ``_line``; ``decision_id`` is left to
        :func:`merge_decisions`.

    Raises
    ------
    ReviewError
        For a missing column, a row without an id (and no title to find it by) or decision, or a code the mapping
        does not cover, each naming its line.
    """
    path = Path(path)
    sheet = _sheet(path)
    codes = mapping or _DEFAULT_MAPPING
    if (reviewer is None) == (reviewer_column is None) or (stage is None) == (stage_column is None):
        raise ReviewError(path, "give the reviewer and the stage, either for the whole sheet or as columns",
                          field="reviewer/stage", hint="--reviewer NAME or --reviewer-column COLUMN, and "
                                                       "--stage STAGE or --stage-column COLUMN")
    columns = _columns(path, sheet, {"record id": id_column, "decision": decision_column, "reviewer": reviewer_column,
                                     "stage": stage_column, "reason": reason_column, "title": title_column})
    fixed_stage = _stage(path, None, stage) if stage is not None else None
    records = []
    for row in sheet.to_dict("records"):
        record = _sheet_decision(path, sheet, row, columns, codes, id_column, decision_column)
        if record is not None:
            records.append(record | {"stage": fixed_stage or _stage(path, record["_line"], str(row[columns["stage"]])),
                                     "reviewer": reviewer or str(row[columns["reviewer"]]).strip()})
    frame = _rows(path, records)
    frame["title"] = [r["title"] for r in records]
    return frame


def _sheet_decision(path: Path, sheet: pd.DataFrame, row: dict, columns: dict[str, str | None], codes: dict[str, str],
                    id_column: str, decision_column: str) -> dict | None:
    """One row's record id, title, decision and reason; None for a row without a decision (not screened yet).

    Raises
    ------
    ReviewError
        For a row with neither a record id nor a title, or with a code ``codes`` does not map.
    """
    line = row["_line"]
    record_id = "" if _missing(row[columns["record id"]]) else str(row[columns["record id"]]).strip()
    title = str(row[columns["title"]]).strip() if columns["title"] else ""
    if not record_id and not title:
        raise ReviewError(path, "no record id", line=line, field=id_column,
                          hint="every decision names its record; give --title-column to find it by title")
    code = str(row[columns["decision"]]).strip()
    if _missing(code):
        return None  # not screened (yet) by this reviewer: no decision, not an exclusion
    decision = codes.get(code.lower())
    if decision is None:
        raise ReviewError(path, f"{code!r} is not a decision code", line=line, field=decision_column,
                          hint="map every code, e.g. --map " + ",".join(f"{c}=..." for c in sorted(
                              set(sheet[columns['decision']].str.strip().str.lower()) - _MISSING)))
    reason = str(row[columns["reason"]]).strip() if columns["reason"] else ""
    return {"record_id": record_id, "title": title, "decision": decision,
            "reason": reason if decision == "exclude" and not _missing(reason) else None, "date": None, "_line": line}


def read_asreview(path: str | Path, *, reviewer: str, stage: str = "title-abstract",
                  id_column: str = "record_id") -> pd.DataFrame:
    """Decisions from an ASReview LAB export (CSV or XLSX): ``included`` 1 include, 0 exclude, empty unlabelled.

    Newer exports name the label column ``asreview_label``; either is read. Unlabelled records are not decisions.
    """
    path = Path(path)
    sheet = _sheet(path)
    label = next((c for c in ("included", "asreview_label") if c in sheet.columns), None)
    if label is None:
        raise ReviewError(path, "no 'included' column: not an ASReview LAB export", line=1, field="header",
                          hint="export the project's dataset from ASReview LAB as CSV, or use a plain sheet")
    return read_sheet(path, mapping={"1": "include", "0": "exclude", "1.0": "include", "0.0": "exclude"},
                      reviewer=reviewer, stage=stage, id_column=id_column, decision_column=label).drop(columns="title")


_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_PAIR = re.compile(r'"([^"]+)"\s*=>\s*"([^"]+)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")


def read_rayyan(path: str | Path, *, stage: str = "title-abstract", id_column: str = "key") -> pd.DataFrame:
    """Decisions from a Rayyan export: every reviewer's decision in the ``notes`` (or ``customizations``) column,
    ``RAYYAN-INCLUSION: {"Alice"=>"Included", "Bob"=>"Excluded"}``, with ``RAYYAN-EXCLUSION-REASONS`` as reason.

    A record no reviewer decided has no decision; Rayyan's "Maybe" is kept as maybe.
    """
    path = Path(path)
    sheet = _sheet(path)
    notes = next((c for c in ("notes", "customizations") if c in sheet.columns), None)
    id_column = _columns(path, sheet, {"record id": id_column})["record id"]
    if notes is None:
        raise ReviewError(path, "no notes or customizations column: not a Rayyan export", line=1, field="header",
                          hint="export the review from Rayyan with its notes (articles.csv)")
    fixed_stage = _stage(path, None, stage)
    records = []
    for row in sheet.to_dict("records"):
        text, line = row[notes], row["_line"]
        found = _RAYYAN_INCLUSION.search(text)
        if not found:
            continue
        reasons = _RAYYAN_REASONS.search(text)
        reason = reasons.group(1).strip() if reasons else ""
        for reviewer, label in _RAYYAN_PAIR.findall(found.group(1)):
            decision = _DEFAULT_MAPPING.get(label.strip().lower())
            if decision is None:
                raise ReviewError(path, f"{label!r} is not a Rayyan decision", line=line, field=notes,
                                  hint="Rayyan writes Included, Excluded or Maybe")
            if _missing(row[id_column]):
                raise ReviewError(path, "no record id", line=line, field=id_column, hint="every record has a key")
            records.append({"record_id": str(row[id_column]).strip(), "stage": fixed_stage, "reviewer": reviewer,
                            "decision": decision, "reason": reason or None if decision == "exclude" else None,
                            "date": None, "_line": line})
    return _rows(path, records)


def _fold_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(title).lower())


def check_record_ids(decisions: pd.DataFrame, path: str | Path, review: Review) -> pd.DataFrame:
    """Decisions whose records exist in the review; a row without an id gets the record with its (folded) title
    in ``screening/records.csv`` (a record of other methods before a database record of the same title).

    Raises
    ------
    ReviewError
        Naming the sheet's line of the first decision whose record does not exist, or whose title matches no
        record or several.
    """
    known = known_records(review)
    records = review.table("screening/records.csv")
    other_ids: set[str] = set()
    by_title: dict[str, list[str]] = {}
    if records is not None:
        # A row without an id of the screened list names a record found outside it (other methods) when the
        # title is also on the list, so those records come first.
        ordered = records.sort_values("identified_by", key=lambda arm: arm != "other", kind="stable")
        for record_id, title, arm in zip(ordered["record_id"], ordered["title"], ordered["identified_by"]):
            found = by_title.setdefault(_fold_title(title), [])
            if not (found and arm != "other" and found[0] in other_ids):
                found.append(record_id)
            if arm == "other":
                other_ids.add(record_id)
    decisions = decisions.copy()
    for index, row in decisions.iterrows():
        if not row["record_id"]:
            matches = by_title.get(_fold_title(row.get("title", "")), [])
            if len(matches) != 1:
                raise ReviewError(path, f"no id, and {len(matches)} records of screening/records.csv have the title "
                                  f"{row['title'][:60]!r}", line=row["_line"], field="title",
                                  hint="give the row its record id")
            decisions.at[index, "record_id"] = matches[0]
        elif known is not None and row["record_id"] not in known:
            where = "screening/records.csv" if records is not None else "search/exports/"
            raise ReviewError(path, f"record {row['record_id']!r} does not exist in {where}", line=row["_line"],
                              field="record_id", hint="correct the id, or import the export that holds the record")
    return decisions


def merge_decisions(existing: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """``existing`` decisions with ``new`` ones, replacing what the same sheet (file name) gave before.

    Ids are ``<stage>-<reviewer>-<record>`` so that importing a sheet again gives the same file; a reviewer
    deciding one record twice in one sheet is an error naming both lines.
    """
    new = new.copy()
    stage_code = {"title-abstract": "ta", "full text": "ft"}
    new["decision_id"] = [f"{stage_code[s]}-{re.sub(r'[^A-Za-z0-9_.:-]', '_', r)}-{i}"
                          for s, r, i in zip(new["stage"], new["reviewer"], new["record_id"])]
    repeated = new[new["decision_id"].duplicated(keep=False)]
    if not repeated.empty:
        first = repeated.iloc[0]
        lines = repeated.loc[repeated["decision_id"] == first["decision_id"], "_line"].tolist()
        raise ReviewError(first["source"].split(" line ")[0], f"{first['reviewer']} decided record "
                          f"{first['record_id']!r} on lines {', '.join(map(str, lines))}", line=lines[-1],
                          field="record_id", hint="keep one decision per reviewer, record and stage")
    new = new[DECISION_COLUMNS]
    if existing is not None and not existing.empty:
        names = {s.split(" line ")[0] for s in new["source"]}
        keep = existing[~existing["source"].map(lambda s: str(s).split(" line ")[0]).isin(names)
                        | ~existing["reviewer"].isin(set(new["reviewer"]))]
        clash = keep[keep["decision_id"].isin(set(new["decision_id"]))]
        if not clash.empty:
            raise ReviewError(new["source"].iloc[0].split(" line ")[0],
                              f"{clash['reviewer'].iloc[0]} already has a decision on record "
                              f"{clash['record_id'].iloc[0]!r} at {clash['stage'].iloc[0]} from {clash['source'].iloc[0]}",
                              field="record_id", hint="a reviewer decides a record once per stage; remove the "
                                                      "earlier decision from screening/decisions.csv first")
        new = pd.concat([keep[DECISION_COLUMNS], new], ignore_index=True)
    order = {s: n for n, s in enumerate(STAGES)}
    new = new.assign(_stage=new["stage"].map(order), _number=new["record_id"].map(record_order))
    return new.sort_values(["_stage", "_number", "reviewer"]).drop(columns=["_stage", "_number"]).reset_index(drop=True)


def record_order(record_id: str) -> tuple:
    """Sort key of record ids that puts record 2 before record 10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", str(record_id)))

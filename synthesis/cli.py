"""The ``synthesis`` command line: run, check, new, records (import, dedup), prisma, qda, coding, codebook,
agreement, screening and studies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthesis import __version__
from synthesis.errors import ReviewError, ReviewProblems
from synthesis.paths import resolve_review
from synthesis.pipeline import RunFailed, default_jobs, parse_parameter, run_reviews, select_notebooks
from synthesis.review import check_review, display_path
from synthesis.scaffold import new_review

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="synthesis", description="Reproducible realist-synthesis notebooks.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_review_commands(commands)
    _add_records_commands(commands)
    _add_coding_commands(commands)
    _add_screening_commands(commands)
    return parser


def _add_review_commands(commands) -> None:
    """`run` and `report` (with their shared options), `check` and `new`: whole review folders."""
    shared = _run_options()
    run = commands.add_parser("run", parents=[shared], help="run the notebooks on one or more reviews into "
                                                              "outputs/<slug>/")
    run.add_argument("--notebooks", help="which notebooks, e.g. 01,03 (default: all)")
    run.add_argument("--out", help="write DIR/<slug>/ instead of outputs/<slug>/")
    report = commands.add_parser("report", parents=[shared], help="run every notebook and write the publication "
                                                                  "appendix into outputs/<slug>/appendix/")
    report.add_argument("--out", help="write DIR/<slug>/appendix/ instead of outputs/<slug>/appendix/")

    check = commands.add_parser("check", help="validate every file of a review folder")
    check.add_argument("review", metavar="REVIEW")

    new = commands.add_parser("new", help="create a review folder with commented templates")
    new.add_argument("folder", metavar="DIR")


def _add_records_commands(commands) -> None:
    """`records import` and `records dedup`: database exports."""
    records = commands.add_parser("records", help="import database exports and de-duplicate records")
    records_commands = records.add_subparsers(dest="records_command", required=True)
    imports = records_commands.add_parser("import", help="read exports (RIS, MEDLINE, WoS, BibTeX, CSV, XLSX, "
                                                          "EndNote XML) into one CSV of normalised records")
    imports.add_argument("files", nargs="+", metavar="FILE")
    imports.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    imports.add_argument("--ris", metavar="OUT.ris", help="also write the records as RIS")
    imports.add_argument("--database", action="append", default=[], metavar="NAME",
                         help="the database the exports came from: once for all files, or once per file in order "
                              "(default: what each file says, e.g. Ovid's DB column, RIS DB, Scopus, PubMed)")
    dedup = records_commands.add_parser("dedup", help="group duplicate records (nothing is deleted)")
    dedup.add_argument("input", metavar="IN.csv", help="records from `synthesis records import`, or a CSV with an "
                                                       "ID/record_id column and title, author, year ... columns")
    dedup.add_argument("-o", "--output", required=True, metavar="DIR")
    dedup.add_argument("--prefer", default="", help="databases in order of preference for the kept record, "
                                                     "comma-separated (the records' `database` column)")
    dedup.add_argument("--decisions", metavar="DECISIONS.csv",
                       help="decisions on possible duplicates (search/duplicate_decisions.csv), applied first")


def _add_coding_commands(commands) -> None:
    """`qda`, `coding import`, `codebook` and `agreement`: coded excerpts and QDA projects."""
    qda = commands.add_parser("qda", help="read a REFI-QDA project (.qdpx) or codebook (.qdc) into codes.csv, "
                                          "codings.csv, and the review-folder files memos.csv and cases.csv")
    qda.add_argument("file", metavar="FILE")
    qda.add_argument("-o", "--output", required=True, metavar="DIR")

    coding = commands.add_parser("coding", help="bring coded excerpts into a review's coding/excerpts.csv")
    coding_commands = coding.add_subparsers(dest="coding_command", required=True)
    coding_import = coding_commands.add_parser("import", help="from a CSV/XLSX sheet or a REFI-QDA project (.qdpx)")
    coding_import.add_argument("file", metavar="FILE")
    coding_import.add_argument("-o", "--output", required=True, metavar="excerpts.csv")
    coding_import.add_argument("--review", metavar="DIR",
                               help="match codes to the node ids of DIR/coding/nodes.csv and documents to the study "
                                    "ids of DIR/studies.csv (by id, label or title; case and spacing ignored)")

    codebook = commands.add_parser("codebook", help="write a review's initial theory as a REFI-QDA codebook (.qdc)")
    codebook.add_argument("review", metavar="REVIEW")
    codebook.add_argument("-o", "--output", required=True, metavar="FILE.qdc")

    agreement = commands.add_parser("agreement", help="agreement between coders per document x node: percent, "
                                                      "kappa, AC1, alpha, and the disagreements")
    agreement.add_argument("files", nargs="+", metavar="FILE",
                           help="one REFI-QDA project per coder (or one with several users), or one CSV/XLSX "
                                "coding sheet with a coder column")
    agreement.add_argument("-o", "--output", required=True, metavar="DIR")


def _add_screening_commands(commands) -> None:
    """`prisma`, `screening import`, `screening conflicts` and `studies`: screening and what follows from it."""
    prisma = commands.add_parser("prisma", help="PRISMA 2020 counts, checks, PRISMA2020-app CSV and flow diagram")
    prisma.add_argument("review", metavar="REVIEW")
    prisma.add_argument("-o", "--output", required=True, metavar="DIR")

    screening = commands.add_parser("screening", help="bring reviewers' decisions into a review's "
                                                      "screening/decisions.csv; list conflicts")
    screening_commands = screening.add_subparsers(dest="screening_command", required=True)
    screening_import = screening_commands.add_parser(
        "import", help="from a plain sheet (CSV/XLSX), an ASReview LAB export or a Rayyan export")
    screening_import.add_argument("file", metavar="FILE")
    screening_import.add_argument("--review", required=True, metavar="REVIEW",
                                  help="the review folder whose screening/decisions.csv receives the decisions")
    screening_import.add_argument("--format", choices=["sheet", "asreview", "rayyan"], default="sheet")
    screening_import.add_argument("--map", default="", metavar="CODE=DECISION,...",
                                  help="the sheet's decision codes, e.g. 1=include,2=exclude (default: words "
                                       "include/exclude/maybe, yes/no)")
    screening_import.add_argument("--reviewer", help="the reviewer of every row")
    screening_import.add_argument("--reviewer-column", help="or the column naming each row's reviewer")
    screening_import.add_argument("--stage", help="title-abstract or 'full text', for every row")
    screening_import.add_argument("--stage-column", help="or the column giving each row's stage")
    screening_import.add_argument("--id-column", help="the column of record ids (sheet: record_id, "
                                                      "ASReview: record_id, Rayyan: key)")
    screening_import.add_argument("--decision-column", default="decision")
    screening_import.add_argument("--reason-column", help="the column of exclusion reasons")
    screening_import.add_argument("--title-column", help="find a row without an id by its title")
    screening_conflicts = screening_commands.add_parser("conflicts", help="records on which reviewers disagree, "
                                                                          "with their resolution")
    screening_conflicts.add_argument("review", metavar="REVIEW")

    studies = commands.add_parser("studies", help="write a review's studies.csv from its included records")
    studies.add_argument("review", metavar="REVIEW")
    studies.add_argument("-o", "--output", metavar="FILE", help="default: studies.csv in the review folder")
    studies.add_argument("--force", action="store_true", help="replace an existing file")


def _run_options() -> argparse.ArgumentParser:
    """The arguments `run` and `report` share."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("reviews", nargs="+", metavar="REVIEW", help="review folder, or slug of an example review")
    shared.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="set a notebook parameter (repeatable)")
    shared.add_argument("--jobs", type=int, help=f"notebooks run at once (default: one per core, {default_jobs()} "
                                                 "here)")
    shared.add_argument("--timeout", type=int, default=600, help="seconds one cell may take (default 600)")
    return shared


def _run(args, appendix: bool = False) -> int:
    overrides = dict(parse_parameter(p) for p in args.parameter)
    if args.jobs is not None and args.jobs < 1:
        raise ReviewError("--jobs", f"{args.jobs} is not a number of jobs", field="jobs", hint="give 1 or more")
    notebooks = select_notebooks(None if appendix else args.notebooks)
    try:
        written = run_reviews(args.reviews, notebooks, overrides, args.out, jobs=args.jobs, timeout=args.timeout,
                              progress=lambda line: print(line, file=sys.stderr, flush=True), appendix=appendix)
    except RunFailed as failed:
        _print_written(failed.written, appendix)
        raise
    _print_written(written, appendix)
    return 0


def _print_written(folders: list[Path], appendix: bool) -> None:
    for folder in folders:
        print(display_path(folder / "appendix" / "appendix.html" if appendix else folder))


def _report(args) -> int:
    return _run(args, appendix=True)


def _check(args) -> int:
    problems = check_review(resolve_review(args.review))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {args.review}", file=sys.stderr)
        return 1
    print(f"{args.review}: no problems")
    return 0


def _new(args) -> int:
    for path in new_review(args.folder):
        print(display_path(path))
    print(f"next: edit the files, then `synthesis check {args.folder}`", file=sys.stderr)
    return 0


def _refuse_overwriting(inputs: list, outputs: list) -> None:
    """Refuse a command whose output would replace one of its own inputs."""
    sources = {Path(p).resolve() for p in inputs if p}
    for output in outputs:
        if output and Path(output).resolve() in sources:
            raise ReviewError(output, "this output is also an input, which would be overwritten", field="output",
                              hint="write the output to another file; inputs are never modified")


def _records(args) -> int:
    from synthesis.dedup import deduplicate, preference_rank, read_decisions
    from synthesis.outputs import write_text_atomic
    from synthesis.records import (
        read_many,
        read_records,
        records_frame,
        write_records_csv,
        write_ris,
    )

    if args.records_command == "import":
        _refuse_overwriting(args.files, [args.output, args.ris])
        if len(args.database) not in (0, 1, len(args.files)):
            raise ReviewError(args.database[0], f"{len(args.database)} --database names for {len(args.files)} files",
                              field="--database", hint="give one name for all files, or one per file in order")
        results, frame = read_many(args.files, args.database * len(args.files) if len(args.database) == 1
                                   else args.database or None)
        problems = 0
        for result in results:
            databases = sorted({r["database"] for r in result.records if r["database"]})
            print(f"{result.path}: {len(result.records)} records ({result.format})"
                  + (f" from {', '.join(databases)}" if databases else ""))
            for note in result.notes:
                print(f"  note: {note}", file=sys.stderr)
            for problem in result.problems:
                print(f"  {problem}", file=sys.stderr)
            problems += len(result.problems)
        write_records_csv(frame, args.output)
        if args.ris:
            write_ris(frame, args.ris)
        print(f"{len(frame)} records written to {args.output}"
              + (f"; {problems} problem(s) above, every record kept" if problems else ""), file=sys.stderr)
        return 1 if problems else 0
    _refuse_overwriting([args.input], [Path(args.output) / name for name in
                                       ("groups.csv", "pairs.csv", "possible.csv", "unique.csv")])
    result = read_records(args.input, "csv")
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    frame = records_frame(result.records)
    prefer = [p.strip() for p in args.prefer.split(",") if p.strip()]
    present = sorted({str(d) for d in frame["database"].dropna() if str(d)})
    for name in prefer:
        if all(preference_rank([name], database) for database in present):
            print(f"  --prefer {name}: no record comes from a database of that name (the records' databases: "
                  f"{', '.join(present) or 'none named'})", file=sys.stderr)
    decisions = read_decisions(args.decisions) if args.decisions else None
    outcome = deduplicate(frame, prefer, progress=lambda line: print(line, file=sys.stderr), decisions=decisions)
    folder = Path(args.output)
    write_text_atomic(folder / "groups.csv", outcome.groups.to_csv(index=False, lineterminator="\n"))
    write_text_atomic(folder / "pairs.csv", outcome.pairs.to_csv(index=False, lineterminator="\n"))
    write_text_atomic(folder / "possible.csv", outcome.possible.to_csv(index=False, lineterminator="\n"))
    write_records_csv(outcome.unique(frame), folder / "unique.csv")
    groups = outcome.groups["group_id"].nunique()
    print(f"{len(frame)} records in {groups} groups ({len(frame) - groups} duplicates); "
          f"{len(outcome.possible)} possible pairs to check; written to {folder}")
    return 0


def _qda(args) -> int:
    from synthesis.outputs import write_text_atomic
    from synthesis.qda import case_table, memo_table, read_qda

    _refuse_overwriting([args.file], [Path(args.output) / name for name in
                                      ("codes.csv", "codings.csv", "memos.csv", "cases.csv")])
    project = read_qda(args.file)
    folder = Path(args.output)
    write_text_atomic(folder / "codes.csv", project.codes[["code_id", "name", "parent_id", "path"]]
                      .to_csv(index=False, lineterminator="\n"))
    write_text_atomic(folder / "codings.csv", project.codings[["source", "code_id", "start", "end", "text"]]
                      .to_csv(index=False, lineterminator="\n"))
    memos, cases = memo_table(project, Path(args.file).name), case_table(project, Path(args.file).name)
    write_text_atomic(folder / "memos.csv", memos.to_csv(index=False, lineterminator="\n"))
    write_text_atomic(folder / "cases.csv", cases.to_csv(index=False, lineterminator="\n"))
    print(f"{args.file}: {len(project.codes)} codes, {len(project.codings)} codings, {len(project.sources)} sources, "
          f"{project.notes['note_id'].nunique()} memos, {len(project.cases)} cases with {len(cases)} values "
          f"({project.origin or 'origin not stated'}); written to {folder}")
    print("memos.csv and cases.csv are in the review-folder layout (coding/memos.csv, coding/cases.csv) with "
          "source names and code paths: map them to study and node ids before moving them in", file=sys.stderr)
    return 0


def _coding(args) -> int:
    from synthesis.coding import excerpts_from_qda, excerpts_from_sheet
    from synthesis.outputs import write_text_atomic

    _refuse_overwriting([args.file], [args.output])
    if Path(args.file).suffix.lower() in (".qdpx", ".qde"):
        excerpts, problems = excerpts_from_qda(args.file), []
    else:
        excerpts, problems = excerpts_from_sheet(args.file)
    if args.review:
        from synthesis.coding import map_to_review

        excerpts, unmatched = map_to_review(excerpts, resolve_review(args.review))
        problems = problems + unmatched
    for problem in problems:
        print(problem, file=sys.stderr)
    write_text_atomic(Path(args.output), excerpts.to_csv(index=False, lineterminator="\n"))
    print(f"{args.file}: {len(excerpts)} excerpts written to {args.output}"
          + (f"; {len(problems)} problem(s) above" if problems else ""))
    return 1 if problems else 0


def _codebook(args) -> int:
    from synthesis import load_review
    from synthesis.qda import codebook_from_theory, write_codebook

    review = load_review(resolve_review(args.review))
    codes = codebook_from_theory(review)
    if codes.empty:
        raise ReviewError(display_path(review.path / "theory/initial.yml"), "no initial theories to export",
                          field="theories", hint="the codebook is built from theory/initial.yml")
    write_codebook(codes, args.output)
    print(f"{len(codes)} codes written to {args.output}")
    return 0


def _agreement(args) -> int:
    from synthesis.agreement import (
        codings_from_qda,
        codings_from_sheet,
        coding_agreement,
        coding_ratings,
        coding_disagreements,
    )
    from synthesis.outputs import write_text_atomic

    folder = Path(args.output)
    _refuse_overwriting(args.files, [folder / "agreement.csv", folder / "disagreements.csv"])
    sheets = [f for f in args.files if Path(f).suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm")]
    if sheets and len(args.files) > 1:
        raise ReviewError(sheets[0], "a coding sheet is compared on its own", field="file",
                          hint="give one sheet with a coder column, or one REFI-QDA project per coder")
    found = codings_from_sheet(sheets[0]) if sheets else codings_from_qda(args.files)
    for problem in found.problems:
        print(problem, file=sys.stderr)
    ratings = coding_ratings(found.codings, found.documents, found.nodes, found.coders)
    table = coding_agreement(ratings)
    disagreements = coding_disagreements(ratings, found.codings)
    write_text_atomic(folder / "agreement.csv", table.to_csv(index=False, lineterminator="\n"))
    write_text_atomic(folder / "disagreements.csv", disagreements.to_csv(index=False, lineterminator="\n"))
    overall = table.iloc[-1].to_dict()
    statistics = ", ".join(f"{name} {overall[name]}" for name in ("Cohen's kappa", "Gwet's AC1",
                                                                   "Krippendorff's alpha"))
    print(f"{len(ratings.columns)} coders ({', '.join(ratings.columns)}), {overall['documents']} documents x "
          f"{len(table) - 1} nodes: agreement {overall['percent agreement']}%, {statistics} at a prevalence of "
          f"{overall['prevalence %']}%; {len(disagreements)} disagreements to discuss; written to {folder}")
    return 1 if found.problems else 0


def _prisma(args) -> int:
    from synthesis import load_review, prisma
    from synthesis.outputs import save_figure, save_table

    review = load_review(resolve_review(args.review))
    folder = Path(args.output)
    save_table(prisma.prisma_counts(review), "prisma_counts", folder)
    save_table(prisma.reconcile(review), "prisma_reconciliation", folder)
    save_table(prisma.prisma2020_template(review), "prisma2020", folder)
    save_figure(prisma.flow_diagram(review), "prisma_flow", folder)
    for row in prisma.reconcile(review).itertuples():
        print(f"{row.check}: {row.result} ({row.detail})")
    print(f"written to {folder}", file=sys.stderr)
    return 0


def _screening(args) -> int:
    from synthesis import load_review, screening
    from synthesis.outputs import write_text_atomic

    review = load_review(resolve_review(args.review))
    if args.screening_command == "conflicts":
        table = screening.conflicts(review)
        print(table.to_string(index=False) if not table.empty else "no conflicts")
        unresolved = int((table["how"] == "unresolved conflict").sum()) if not table.empty else 0
        print(f"{len(table)} conflict(s), {unresolved} unresolved", file=sys.stderr)
        return 1 if unresolved else 0
    target = review.path / "screening" / "decisions.csv"
    _refuse_overwriting([args.file], [target])
    if args.format == "asreview":
        decisions = screening.read_asreview(args.file, reviewer=args.reviewer, stage=args.stage or "title-abstract",
                                            id_column=args.id_column or "record_id")
    elif args.format == "rayyan":
        decisions = screening.read_rayyan(args.file, stage=args.stage or "title-abstract",
                                          id_column=args.id_column or "key")
    else:
        decisions = screening.read_sheet(args.file, mapping=screening.parse_mapping(args.map) if args.map else None,
                                         reviewer=args.reviewer, stage=args.stage, id_column=args.id_column or
                                         "record_id", decision_column=args.decision_column,
                                         reviewer_column=args.reviewer_column, stage_column=args.stage_column,
                                         reason_column=args.reason_column, title_column=args.title_column)
    decisions = screening.check_record_ids(decisions, args.file, review)
    merged = screening.merge_decisions(review.table("screening/decisions.csv"), decisions)
    write_text_atomic(target, merged.to_csv(index=False, lineterminator="\n"))
    counts = decisions.groupby(["stage", "reviewer"])["decision"].value_counts().unstack(fill_value=0)
    for (stage, reviewer), row in counts.iterrows():
        print(f"{args.file}: {reviewer}, {stage}: " + ", ".join(f"{n} {d}" for d, n in row.items() if n))
    print(f"{len(merged)} decisions in {display_path(target)}; `synthesis screening conflicts {args.review}` lists "
          "disagreements", file=sys.stderr)
    return 0


def _studies(args) -> int:
    from synthesis import load_review
    from synthesis.studies import write_studies

    folder = resolve_review(args.review)
    target = Path(args.output) if args.output else Path(folder) / "studies.csv"
    header_only = target.is_file() and len([l for l in target.read_text(encoding="utf-8", errors="replace")
                                               .splitlines() if l.strip()]) <= 1
    if target.exists() and not header_only and not args.force:
        # Refused before the review is loaded: an existing studies.csv with gaps would stop the loading first.
        raise ReviewError(display_path(target), "exists and may hold edits", field="output",
                          hint="pass --force to replace it, or -o another file")
    review = load_review(folder)
    studies, problems = write_studies(review, target, overwrite=args.force or header_only)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(studies)} included studies written to {display_path(target)}"
          + (f"; {len(problems)} problem(s) above" if problems else ""))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 success, 1 problems found, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        commands = {"run": _run, "report": _report, "check": _check, "new": _new, "records": _records, "prisma": _prisma, "qda": _qda,
                    "codebook": _codebook, "coding": _coding, "agreement": _agreement,
                    "screening": _screening, "studies": _studies}
        return commands[args.command](args)
    except ReviewProblems as exc:
        print(exc, file=sys.stderr)
        return 1
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: previous outputs were left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

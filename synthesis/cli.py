"""The ``synthesis`` command line: run, check, new, records (import, dedup), prisma, qda, coding and codebook."""

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

    records = commands.add_parser("records", help="import database exports and de-duplicate records")
    records_commands = records.add_subparsers(dest="records_command", required=True)
    imports = records_commands.add_parser("import", help="read exports (RIS, MEDLINE, WoS, BibTeX, CSV, XLSX, "
                                                          "EndNote XML) into one CSV of normalised records")
    imports.add_argument("files", nargs="+", metavar="FILE")
    imports.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    imports.add_argument("--ris", metavar="OUT.ris", help="also write the records as RIS")
    dedup = records_commands.add_parser("dedup", help="group duplicate records (nothing is deleted)")
    dedup.add_argument("input", metavar="IN.csv", help="records from `synthesis records import`, or a CSV with an "
                                                       "ID/record_id column and title, author, year ... columns")
    dedup.add_argument("-o", "--output", required=True, metavar="DIR")
    dedup.add_argument("--prefer", default="", help="databases in order of preference for the kept record, "
                                                     "comma-separated")

    qda = commands.add_parser("qda", help="read a REFI-QDA project (.qdpx) or codebook (.qdc) into codes.csv and "
                                          "codings.csv")
    qda.add_argument("file", metavar="FILE")
    qda.add_argument("-o", "--output", required=True, metavar="DIR")

    coding = commands.add_parser("coding", help="bring coded excerpts into a review's coding/excerpts.csv")
    coding_commands = coding.add_subparsers(dest="coding_command", required=True)
    coding_import = coding_commands.add_parser("import", help="from a CSV/XLSX sheet or a REFI-QDA project (.qdpx)")
    coding_import.add_argument("file", metavar="FILE")
    coding_import.add_argument("-o", "--output", required=True, metavar="excerpts.csv")

    codebook = commands.add_parser("codebook", help="write a review's initial theory as a REFI-QDA codebook (.qdc)")
    codebook.add_argument("review", metavar="REVIEW")
    codebook.add_argument("-o", "--output", required=True, metavar="FILE.qdc")

    prisma = commands.add_parser("prisma", help="PRISMA 2020 counts, checks, PRISMA2020-app CSV and flow diagram")
    prisma.add_argument("review", metavar="REVIEW")
    prisma.add_argument("-o", "--output", required=True, metavar="DIR")
    return parser


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
    from synthesis.dedup import deduplicate
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
        results, frame = read_many(args.files)
        problems = 0
        for result in results:
            print(f"{result.path}: {len(result.records)} records ({result.format})")
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
    outcome = deduplicate(frame, prefer, progress=lambda line: print(line, file=sys.stderr))
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
    from synthesis.qda import read_qda

    project = read_qda(args.file)
    folder = Path(args.output)
    write_text_atomic(folder / "codes.csv", project.codes[["code_id", "name", "parent_id", "path"]]
                      .to_csv(index=False, lineterminator="\n"))
    write_text_atomic(folder / "codings.csv", project.codings[["source", "code_id", "start", "end", "text"]]
                      .to_csv(index=False, lineterminator="\n"))
    print(f"{args.file}: {len(project.codes)} codes, {len(project.codings)} codings, {len(project.sources)} sources "
          f"({project.origin or 'origin not stated'}); written to {folder}")
    return 0


def _coding(args) -> int:
    from synthesis.coding import excerpts_from_qda, excerpts_from_sheet
    from synthesis.outputs import write_text_atomic

    _refuse_overwriting([args.file], [args.output])
    if Path(args.file).suffix.lower() in (".qdpx", ".qde"):
        excerpts, problems = excerpts_from_qda(args.file), []
    else:
        excerpts, problems = excerpts_from_sheet(args.file)
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


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 success, 1 problems found, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        commands = {"run": _run, "report": _report, "check": _check, "new": _new, "records": _records, "prisma": _prisma, "qda": _qda,
                    "codebook": _codebook, "coding": _coding}
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

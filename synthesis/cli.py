"""The ``synthesis`` command line: run, check and new."""

from __future__ import annotations

import argparse
import sys

from synthesis.errors import ReviewError, ReviewProblems
from synthesis.paths import resolve_review
from synthesis.pipeline import parse_parameter, run_reviews, select_notebooks
from synthesis.review import check_review, display_path
from synthesis.scaffold import new_review

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="synthesis", description="Reproducible realist-synthesis notebooks.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the notebooks on one or more reviews into outputs/<slug>/")
    run.add_argument("reviews", nargs="+", metavar="REVIEW", help="review folder, or slug of an example review")
    run.add_argument("--notebooks", help="which notebooks, e.g. 01,03 (default: all)")
    run.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                     help="set a notebook parameter (repeatable)")
    run.add_argument("--out", help="write DIR/<slug>/ instead of outputs/<slug>/")
    run.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default 1)")
    run.add_argument("--timeout", type=int, default=600, help="seconds one cell may take (default 600)")

    check = commands.add_parser("check", help="validate every file of a review folder")
    check.add_argument("review", metavar="REVIEW")

    new = commands.add_parser("new", help="create a review folder with commented templates")
    new.add_argument("folder", metavar="DIR")
    return parser


def _run(args) -> int:
    overrides = dict(parse_parameter(p) for p in args.parameter)
    if args.jobs < 1:
        raise ReviewError("--jobs", f"{args.jobs} is not a number of jobs", field="jobs", hint="give 1 or more")
    written = run_reviews(args.reviews, select_notebooks(args.notebooks), overrides, args.out, jobs=args.jobs,
                          timeout=args.timeout, progress=lambda line: print(line, file=sys.stderr, flush=True))
    for folder in written:
        print(display_path(folder))
    return 0


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


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 success, 1 problems found, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return {"run": _run, "check": _check, "new": _new}[args.command](args)
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

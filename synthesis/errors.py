"""The one error type: a problem located by file, line or row, and field, with a hint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Problem", "ReviewError", "ReviewProblems"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input file.

    Parameters
    ----------
    file : str
        Path of the file, as the user would type it.
    line : int or None
        1-based line of the file (for CSV, the line on which the row starts).
    field : str
        Column, key or dotted path of the value at fault.
    message : str
        What is wrong.
    hint : str
        How to put it right.
    """

    file: str
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field or '-'}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class ReviewError(Exception):
    """A single problem with an input, raised by readers and loaders."""

    def __init__(self, file: str | Path, message: str, *, line: int | None = None,
                 field: str = "", hint: str = "") -> None:
        self.problem = Problem(str(file), line, field, message, hint)
        super().__init__(str(self.problem))

    def __reduce__(self):
        # Rebuilt from its problem, so that an error raised in a worker process reaches the caller intact.
        problem = self.problem
        return (_rebuild_error, (problem.file, problem.message, problem.line, problem.field, problem.hint))


class ReviewProblems(ReviewError):
    """Several problems found while checking a review folder, all reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        Exception.__init__(self, "\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        return (ReviewProblems, (self.problems,))


def _rebuild_error(file: str, message: str, line: int | None, field: str, hint: str) -> ReviewError:
    return ReviewError(file, message, line=line, field=field, hint=hint)

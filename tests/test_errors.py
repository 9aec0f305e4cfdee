"""Tests for synthesis.errors."""

from synthesis.errors import Problem, ReviewError, ReviewProblems


def test_problem_reads_file_line_field_message_hint():
    """A problem prints as file:line: field: message (hint)."""
    assert str(Problem("a.csv", 3, "year", "'x' is not a whole number", "write 2020")) == \
        "a.csv:3: year: 'x' is not a whole number (write 2020)"


def test_problem_without_line_or_hint():
    """A problem without a line or hint leaves them out rather than printing None."""
    assert str(Problem("review.yml", None, "", "missing")) == "review.yml: -: missing"


def test_review_problems_lists_every_problem_sorted():
    """ReviewProblems keeps all problems, ordered by file and line."""
    error = ReviewProblems([Problem("b.csv", 2, "x", "m"), Problem("a.csv", 9, "y", "n")])
    assert [p.file for p in error.problems] == ["a.csv", "b.csv"]
    assert str(error).splitlines()[0].startswith("a.csv:9")


def test_review_error_carries_its_problem():
    """ReviewError exposes the located problem it was raised with."""
    error = ReviewError("f.yml", "bad", line=2, field="k", hint="h")
    assert error.problem.line == 2 and str(error) == "f.yml:2: k: bad (h)"


def test_errors_survive_pickling():
    """An error raised in a worker process reaches the parent whole (file, line, field, hint)."""
    import pickle

    from synthesis.errors import Problem, ReviewError, ReviewProblems

    error = pickle.loads(pickle.dumps(ReviewError("a.csv", "bad", line=3, field="x", hint="fix it")))
    assert error.problem == Problem("a.csv", 3, "x", "bad", "fix it") and str(error) == "a.csv:3: x: bad (fix it)"
    problems = pickle.loads(pickle.dumps(ReviewProblems([Problem("b.yml", 1, "y", "worse")])))
    assert problems.problems == [Problem("b.yml", 1, "y", "worse")]

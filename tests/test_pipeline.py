"""Tests for synthesis.pipeline (planning; the notebook runs are in test_notebooks.py)."""

import nbformat
import pytest

from synthesis.errors import ReviewError
from synthesis.pipeline import (
    NOTEBOOKS,
    parse_parameter,
    plan_run,
    select_notebooks,
    strip_volatile,
)


def test_select_notebooks():
    """Numbers and names both select notebooks, in stage order."""
    assert select_notebooks("03,1") == ["01_exploratory_search", "03_coding_tallies"]
    assert select_notebooks(None) == NOTEBOOKS


def test_parse_parameter_reads_yaml_scalars():
    """Values are read as YAML scalars: numbers, booleans, text."""
    assert parse_parameter("threshold_percent=10") == ("threshold_percent", 10)
    assert parse_parameter("name=some text") == ("name", "some text")
    with pytest.raises(ReviewError):
        parse_parameter("novalue")


def test_plan_applies_review_defaults_then_overrides(tmp_path):
    """review.yml defaults apply, and -p overrides them, for the notebooks that declare the name."""
    plan = plan_run("psw-implementation", ["03_coding_tallies", "04_final_theory"], {}, tmp_path)
    assert plan.parameters["03_coding_tallies"] == {"threshold_percent": 10.0}
    plan = plan_run("psw-implementation", ["03_coding_tallies"], {"threshold_percent": 20}, tmp_path)
    assert plan.parameters["03_coding_tallies"]["threshold_percent"] == 20


def test_plan_refuses_wrong_type(tmp_path):
    """A text value for a float parameter is refused before anything runs."""
    with pytest.raises(ReviewError, match="takes float"):
        plan_run("psw-implementation", ["03_coding_tallies"], {"threshold_percent": "high"}, tmp_path)


def test_plan_refuses_reserved_names(tmp_path):
    """review and output_dir are set by the runner, not by -p."""
    with pytest.raises(ReviewError, match="set by synthesis run"):
        plan_run("psw-implementation", ["01_exploratory_search"], {"review": "x"}, tmp_path)


def test_strip_volatile_removes_timings():
    """Papermill and execution timings are removed."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["papermill"] = {"duration": 1}
    cell = nbformat.v4.new_code_cell("1")
    cell.metadata["papermill"] = {"start_time": "x"}
    cell.metadata["execution"] = {"iopub.status.idle": "y"}
    notebook.cells.append(cell)
    stripped = strip_volatile(notebook)
    assert "papermill" not in stripped.metadata and stripped.cells[0].metadata == {}

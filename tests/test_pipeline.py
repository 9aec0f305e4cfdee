"""Tests for synthesis.pipeline (planning; the notebook runs are in test_notebooks.py)."""

import nbformat
import pytest

from synthesis.errors import ReviewError
from synthesis.pipeline import (
    NOTEBOOKS,
    parse_parameter,
    plan_run,
    run_reviews,
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


def _tree(root):
    """Every file under ``root`` with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _fail_half_way(stem, plan, staging, timeout):
    (staging / "tables").mkdir(exist_ok=True)
    (staging / "tables" / "half_written.csv").write_text("a,b\n1,")
    raise ReviewError(f"notebooks/{stem}.ipynb", "cell 3 failed", field="execution", hint="test")


@pytest.mark.notebooks
def test_failed_run_leaves_previous_outputs(tmp_path, monkeypatch):
    """A run that fails half-way leaves the last good outputs byte for byte, and no staging folder."""
    from synthesis import pipeline

    run_reviews(["perinatal-peer-support"], ["02_initial_theory"], out_root=tmp_path)
    before = _tree(tmp_path / "perinatal-peer-support")

    # The pool forks its workers, so they inherit the patched function.
    monkeypatch.setattr(pipeline, "_execute", _fail_half_way)
    with pytest.raises(ReviewError, match="cell 3 failed"):
        run_reviews(["perinatal-peer-support"], ["02_initial_theory"], out_root=tmp_path)
    assert _tree(tmp_path / "perinatal-peer-support") == before
    assert [p.name for p in tmp_path.iterdir()] == ["perinatal-peer-support"]


@pytest.mark.notebooks
def test_two_runs_at_once_do_not_corrupt_each_other(tmp_path):
    """Two `synthesis run`s of one review at the same time both succeed and leave one whole output."""
    import subprocess
    import sys

    together, single = tmp_path / "together", tmp_path / "single"
    command = [sys.executable, "-m", "synthesis.cli", "run", "perinatal-peer-support", "--notebooks", "02",
               "--out", str(together)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert [p.name for p in together.iterdir()] == ["perinatal-peer-support"]
    run_reviews(["perinatal-peer-support"], ["02_initial_theory"], out_root=single)
    assert _tree(together / "perinatal-peer-support") == _tree(single / "perinatal-peer-support")

"""Tests for synthesis.pipeline (planning; the notebook runs are in test_notebooks.py)."""

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from synthesis.errors import ReviewError
from synthesis.outputs import FIGURE_FORMATS
from synthesis.pipeline import (
    NOTEBOOKS,
    _kernel_options,
    RunFailed,
    default_jobs,
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
def test_failed_run_leaves_previous_outputs(outputs, tmp_path, monkeypatch):
    """A run that fails half-way leaves the last good outputs byte for byte, and no staging folder."""
    from synthesis import pipeline

    shutil.copytree(outputs / "perinatal-peer-support", tmp_path / "perinatal-peer-support")
    before = _tree(tmp_path / "perinatal-peer-support")
    # The pool forks its workers, so they inherit the patched function.
    monkeypatch.setattr(pipeline, "_execute", _fail_half_way)
    with pytest.raises(ReviewError, match="cell 3 failed"):
        run_reviews(["perinatal-peer-support"], ["02_initial_theory"], out_root=tmp_path)
    assert _tree(tmp_path / "perinatal-peer-support") == before
    assert [p.name for p in tmp_path.iterdir()] == ["perinatal-peer-support"]


def _fail_for_psw(stem, plan, staging, timeout):
    if plan.review.slug == "psw-implementation":
        raise ReviewError(f"notebooks/{stem}.ipynb", "cell 3 failed", field="execution", hint="test")
    (staging / f"{stem}.ipynb").write_text("{}")


def test_a_failed_notebook_fails_only_its_review(tmp_path, monkeypatch):
    """A notebook failing in one review leaves that review unwritten; the other is finished and installed."""
    from synthesis import pipeline

    monkeypatch.setattr(pipeline, "_execute", _fail_for_psw)  # the pool forks its workers, which inherit it
    lines = []
    with pytest.raises(RunFailed) as raised:
        run_reviews(["psw-implementation", "perinatal-peer-support"], ["02_initial_theory", "03_coding_tallies"],
                    out_root=tmp_path, jobs=2, progress=lines.append)
    assert raised.value.written == [tmp_path / "perinatal-peer-support"]
    assert list(raised.value.failures) == ["psw-implementation"] and "cell 3 failed" in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["perinatal-peer-support"]
    assert sum("FAILED" in line for line in lines) == 2
    assert any(line.startswith("perinatal-peer-support written") for line in lines)


@pytest.mark.notebooks
def test_a_failed_review_does_not_stop_the_others(outputs, review_copy):
    """A review that does not load is named at the end; the other review is still run and installed."""
    broken = review_copy("psw-implementation")
    (broken / "review.yml").write_text((broken / "review.yml").read_text() + "junk: [\n")
    root = outputs.with_name(f"partial-{os.getpid()}")  # as deep as the session's run: the same review path
    with pytest.raises(RunFailed) as raised:
        # The figure formats the session's report run asked for, so that the notebooks can be compared.
        run_reviews([str(broken), "perinatal-peer-support"], ["02_initial_theory"], out_root=root,
                    overrides={"figure_formats": ",".join(FIGURE_FORMATS)})
    assert raised.value.written == [root / "perinatal-peer-support"] and list(raised.value.failures) == [str(broken)]
    assert str(raised.value).startswith("1 of 2 review(s) failed; the outputs of the others were written:\n  ")
    assert "review.yml" in str(raised.value) and "not valid YAML" in str(raised.value)
    assert [p.name for p in root.iterdir()] == ["perinatal-peer-support"]
    assert (root / "perinatal-peer-support" / "02_initial_theory.ipynb").read_bytes() == \
        (outputs / "perinatal-peer-support" / "02_initial_theory.ipynb").read_bytes()


def test_cli_exits_1_naming_the_failed_review(review_copy, tmp_path, capsys):
    """`synthesis run` of a review that does not load exits 1 with the summary, and writes nothing."""
    from synthesis.cli import main

    broken = review_copy("psw-implementation")
    (broken / "review.yml").write_text((broken / "review.yml").read_text() + "junk: [\n")
    assert main(["run", str(broken), "--notebooks", "02", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "1 of 1 review(s) failed:" in err and f"{broken}: " in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.notebooks
def test_two_runs_at_once_do_not_corrupt_each_other(outputs):
    """Two `synthesis run`s of one review at the same time both succeed and leave one whole output.

    That output is the session's run of the same notebook, byte for byte (the manifest names one notebook).
    """
    together = outputs.with_name(f"together-{os.getpid()}")  # as deep as the session's run: the same review path
    command = [sys.executable, "-m", "synthesis.cli", "run", "perinatal-peer-support", "--notebooks", "02",
               "-p", f"figure_formats={','.join(FIGURE_FORMATS)}", "--out", str(together)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert [p.name for p in together.iterdir()] == ["perinatal-peer-support"]
    written = _tree(together / "perinatal-peer-support")
    session = _tree(outputs / "perinatal-peer-support")
    assert {name: data for name, data in written.items() if name != "manifest.json"}.items() <= session.items()
    assert "02_initial_theory.ipynb" in written and "manifest.json" in written


def test_jobs_default_to_the_cores():
    """Without --jobs, one notebook runs per core this process may use."""
    assert default_jobs() == len(os.sched_getaffinity(0))


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets are a POSIX transport; elsewhere kernels use TCP")
def test_each_kernel_talks_over_sockets_in_a_folder_of_its_own(tmp_path):
    """A notebook's kernel connects over Unix sockets in a private folder (no TCP port to race for), removed after."""
    import json

    import papermill

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = "from ipykernel import get_connection_info\nprint(get_connection_info())"
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    with _kernel_options() as first, _kernel_options() as second:
        folders = [os.path.dirname(options["config"].KernelManager.ip) for options in (first, second)]
        executed = papermill.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"),
                                              kernel_name="python3", progress_bar=False, cwd=str(tmp_path), **first)
    info = json.loads(executed.cells[0].outputs[0]["text"])
    assert info["transport"] == "ipc" and os.path.dirname(info["ip"]) == folders[0]
    assert folders[0] != folders[1] and not any(os.path.exists(folder) for folder in folders)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.ipynb", "out.ipynb"]

"""The notebooks: their committed form, and runs of all five on every example through papermill."""

import html
import json
import os
import re
import shutil
import subprocess

import nbformat
import pandas as pd
import pytest
from conftest import EXAMPLES, input_digests

from synthesis.paths import NOTEBOOKS_DIR
from synthesis.pipeline import NOTEBOOKS, run_reviews


def _files(root):
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_committed_notebook_form(stem):
    """One parameters cell of typed, commented literals; kernel python3; outputs kept; no volatile metadata."""
    notebook = nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4)
    assert notebook.metadata.kernelspec.name == "python3" and "papermill" not in notebook.metadata
    parameters = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    for line in parameters[0].source.splitlines():
        assert ": " in line.split("=")[0] and "  # " in line, line
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert any(c.outputs for c in code) and not any(o.output_type == "error" for c in code for o in c.outputs)
    assert all("execution" not in c.metadata for c in notebook.cells)
    assert any("nbval-check-output" in c.metadata.get("tags", []) for c in code)
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in notebook.cells)


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_committed_defaults_are_the_default_reviews(stem):
    """Each committed notebook's defaults are its default review's own, so it is committed run on its defaults."""
    from synthesis.pipeline import _check_committed_defaults

    _check_committed_defaults(stem)


@pytest.mark.notebooks
@pytest.mark.parametrize("slug", EXAMPLES)
def test_outputs_are_complete(outputs, slug):
    """Each review's folder has the executed notebooks and HTML, tables, figures, reproduction and manifest."""
    folder = outputs / slug
    for stem in NOTEBOOKS:
        assert (folder / f"{stem}.ipynb").is_file() and (folder / f"{stem}.html").is_file()
    assert list((folder / "figures").glob("*.svg")) and list((folder / "tables").glob("*.csv"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest) == {"review", "title", "inputs", "notebooks", "versions", "git_commit"}
    assert "review.yml" in manifest["inputs"] and len(manifest["inputs"]["review.yml"]) == 64
    assert list(pd.read_csv(folder / "reproduction.csv").columns) == [
        "id", "kind", "claim", "source", "published", "computed", "status", "note"]
    assert not list(outputs.glob(".*")), "a staging folder was left behind"


@pytest.mark.notebooks
def test_mcleish_tallies(outputs):
    """Notebook 03 on the perinatal review tallies interventions by format as the paper does."""
    table = pd.read_csv(outputs / "perinatal-peer-support/tables/unit_tallies.csv")
    formats = table[table["attribute"] == "format"].set_index("value")["n"].to_dict()
    assert formats == {"group in person": 11, "one-to-one telephone": 6, "one-to-one in person": 4,
                       "group telephone": 1}


@pytest.mark.notebooks
def test_ibrahim_tallies_and_threshold(outputs):
    """Notebook 03 on Ibrahim keeps the eight influences coded in at least 10% of 53 papers."""
    table = pd.read_csv(outputs / "psw-implementation/tables/node_tallies.csv")
    assert table["kept"].sum() == 8
    assert table.set_index("node_id").loc["I04", "percent"] == pytest.approx(34.0, abs=0.05)


@pytest.mark.notebooks
def test_ibrahim_measure_and_known_groups(outputs):
    """Notebook 05 recomputes the known-group means: 1.75 vs 0.81 and 1.33 vs 1.54."""
    groups = pd.read_csv(outputs / "psw-implementation/tables/known_groups.csv").set_index("group")
    assert groups.loc["yes", "mean item score"] == pytest.approx(1.75, abs=0.005)
    assert groups.loc["no", "mean item score"] == pytest.approx(0.81, abs=0.005)
    assert groups.loc["low or lower-middle", "mean item score"] == pytest.approx(1.33, abs=0.005)
    assert groups.loc["high", "mean item score"] == pytest.approx(1.54, abs=0.005)


@pytest.mark.notebooks
def test_hackmann_diagrams_and_links(outputs):
    """Notebook 04 on APPEAR draws five nested CMOC diagrams; notebook 03 counts 21 distinct chains."""
    figures = outputs / "peer-relationship-appear/figures"
    assert len(list(figures.glob("cmoc_*.svg"))) == 5
    assert len(pd.read_csv(outputs / "peer-relationship-appear/tables/link_counts.csv")) == 21


@pytest.mark.notebooks
@pytest.mark.parametrize("slug", EXAMPLES)
def test_reproduction_tables_shown_are_the_whole_report(outputs, slug):
    """The reproduction tables notebook 04 shows, one per kind of check, together are the reproduction.csv it
    writes."""
    parts = sorted((outputs / slug / "tables").glob("reproduction_*.csv"))
    parts = [p for p in parts if p.stem not in ("reproduction_coverage", "reproduction_mismatches")]
    shown = pd.concat([pd.read_csv(p, dtype=str) for p in parts], ignore_index=True)
    written = pd.read_csv(outputs / slug / "reproduction.csv", dtype=str)
    key = ["id", "claim"]
    pd.testing.assert_frame_equal(shown.sort_values(key).reset_index(drop=True),
                                  written.sort_values(key).reset_index(drop=True))


@pytest.mark.notebooks
@pytest.mark.parametrize("slug", EXAMPLES)
def test_appendix_is_complete(outputs, slug):
    """Every table in four formats, every figure in three, the final model and the checklists that apply."""
    appendix = outputs / slug / "appendix"
    for table in (outputs / slug / "tables").glob("*.csv"):
        for extension in ("csv", "md", "tex", "docx"):
            assert (appendix / "tables" / f"{table.stem}.{extension}").is_file(), (table.stem, extension)
    for figure in (outputs / slug / "figures").glob("*.svg"):
        assert {p.suffix for p in (appendix / "figures").glob(f"{figure.stem}.*")} == {".svg", ".png", ".pdf"}
    assert list((appendix / "checklists").glob("checklist_prisma_2020.*"))
    has_theory = slug != "psw-implementation"
    assert (appendix / "final_model.docx").is_file() == has_theory


@pytest.mark.notebooks
@pytest.mark.parametrize("slug", EXAMPLES)
def test_appendix_html_is_self_contained(outputs, slug):
    """No code, no outside resources, every figure embedded, every internal link landing on an id."""
    page = (outputs / slug / "appendix" / "appendix.html").read_text()
    assert not re.search(r'<(script|link|iframe)\b', page) and 'src="http' not in page
    images = re.findall(r'<img [^>]*src="([^"]{0,30})', page)
    shown = sum(o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
                for stem in NOTEBOOKS for c in nbformat.read(outputs / slug / f"{stem}.ipynb", as_version=4).cells
                for o in c.get("outputs", []))
    assert len(images) == shown and all(i.startswith("data:image/png;base64,") for i in images)
    assert "nb.show(" not in page and "open_review(" not in page
    ids = {html.unescape(i) for i in re.findall(r' id="([^"]+)"', page)}
    targets = {html.unescape(t) for t in re.findall(r'href="#([^"]+)"', page)}
    assert targets and targets <= ids, targets - ids
    assert "Reporting checklists" in page and "PRISMA 2020 checklist" in page


@pytest.mark.notebooks
def test_two_runs_are_byte_identical(outputs):
    """A second run writes the same bytes as the session's run: tables, figures, notebooks, HTML, appendix, manifest."""
    again = outputs.with_name(f"again-{os.getpid()}")  # as deep as the first run: the same review path
    run_reviews(EXAMPLES, out_root=again, jobs=2, appendix=True)
    first, second = _files(outputs), _files(again)
    assert set(first) == set(second)
    differing = [name for name in first if first[name].read_bytes() != second[name].read_bytes()]
    assert not differing


@pytest.mark.notebooks
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (apt install chromium)")
def test_appendix_opens_in_a_browser_with_every_figure(outputs, tmp_path):
    """Headless Chromium loads the appendix and every image in it decodes to a picture."""
    page = (outputs / "peer-relationship-appear" / "appendix" / "appendix.html").read_text()
    probe = ('<script>window.addEventListener("load", () => document.body.setAttribute("data-loaded", '
             '[...document.images].map(i => i.complete && i.naturalWidth > 0 ? 1 : 0).join("")));</script>')
    copy = tmp_path / "appendix.html"
    copy.write_text(page.replace("</body>", probe + "</body>"))
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    loaded = re.search(r'data-loaded="([01]*)"', result.stdout)
    assert loaded, result.stderr[-2000:]
    assert loaded.group(1) and set(loaded.group(1)) == {"1"}


@pytest.mark.notebooks
def test_runs_never_modify_their_inputs(outputs, inputs_before):
    """Every input file hashes the same after the runs (and the reports) as before, and as the manifest says."""
    assert inputs_before and input_digests() == inputs_before
    for slug in EXAMPLES:
        manifest = json.loads((outputs / slug / "manifest.json").read_text())
        assert {f"{slug}/{name}": digest for name, digest in manifest["inputs"].items()}.items() <= inputs_before.items()

"""Bad data that gets past the loader meets every stage: only the project's error comes out.

The loader (tests/test_bad_inputs.py) refuses what breaks a file's own rules. What it accepts can still be wrong
for a stage: an export that cannot be read (exports are read by the search stage, not the loader), an id, a
number or a YAML value that is valid on its own. Each case here is put into a review folder that loads, and every
notebook's code cells then run on it in-process, as papermill would run them; any exception other than
:class:`ReviewError` fails the test with the cell that raised it.
"""

import contextlib
import csv
import io
import json
import random
import shutil
from pathlib import Path

import matplotlib
import pytest
import yaml

from own_review import write_coded_review
from synthesis import prisma
from synthesis.errors import ReviewError
from synthesis.paths import NOTEBOOKS_DIR, REVIEWS_DIR
from synthesis.review import load_review
from synthesis.scaffold import new_review

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))["cases"]
EXPORT_CASES = [case for case in CASES if case["reader"] == "records"]
NOTEBOOKS = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(NOTEBOOKS_DIR.glob("0*.ipynb"))}
#: Values that are wrong in most cells yet pass many columns' own rules.
BAD_CELLS = ["", "zzz-unknown", "-1", "0", "999999", "1e309", "NA", "x;y", "  padded  "]
BAD_SCALARS = ["", "zzz-unknown", -1, 0, 999999, None, [], {}, "x;y", 1.5, True]
# Each case runs whole notebooks: `make test` runs them, `make unit` leaves them out.
pytestmark = pytest.mark.slow


def run_stages(folder: Path, output: Path, stems=None) -> None:
    """Execute the code cells of each notebook (all by default) on ``folder``, parameters as papermill sets them.

    Raises whatever a cell raises, with the notebook and cell added to its notes.
    """
    matplotlib.use("Agg")
    for stem in stems or NOTEBOOKS:
        namespace: dict = {}
        for index, cell in enumerate(NOTEBOOKS[stem]["cells"]):
            if cell["cell_type"] != "code":
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec("".join(cell["source"]), namespace)
            except Exception as exc:
                exc.add_note(f"in {stem} cell {index}: {''.join(cell['source'])[:200]}")
                raise
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                namespace.update(review=str(folder), output_dir=str(output))
        matplotlib.pyplot.close("all")


def only_review_errors(folder: Path, output: Path, stems=None) -> None:
    """Run the stages; a ReviewError is an answer, anything else fails with the cell that raised it."""
    try:
        run_stages(folder, output, stems)
    except ReviewError:
        pass


def test_bad_exports_reach_the_search_stage_as_the_projects_error(tmp_path):
    """Every export of the bad-input corpus in one review: the search stage runs, and lists each export the reader
    refuses as unreadable with its line (one notebook run for all of them, since each costs the notebook's)."""
    folder = tmp_path / "my-review"
    with contextlib.redirect_stdout(io.StringIO()):
        new_review(folder)
    expected = {}
    for number, case in enumerate(EXPORT_CASES):
        source = CORPUS / case["file"]
        export = folder / "search" / "exports" / f"{number:02d}-{source.name}"  # two cases may share a file name
        text = source.read_bytes()
        if "inflate" in case:  # the corpus keeps a marker for a field too big to commit
            text = text.replace(case["inflate"]["marker"].encode(), b"x" * case["inflate"]["characters"])
        export.write_bytes(text)
        if case["expect"] == "error":
            expected[export.name] = case.get("line")
    only_review_errors(folder, tmp_path / "out", ["01_exploratory_search"])
    _, unreadable = prisma.export_records(load_review(folder))
    assert {Path(p.file).name: p.line for p in unreadable} == expected


def _mutated_csv(base: Path, rng: random.Random, target: Path) -> None:
    tables = sorted(p for p in base.rglob("*.csv") if len(p.read_text(encoding="utf-8").splitlines()) > 1)
    path = rng.choice(tables)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[rng.randrange(1, len(rows))][rng.randrange(len(rows[0]))] = rng.choice(BAD_CELLS)
    shutil.copytree(base, target)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (target / path.relative_to(base)).write_text(buffer.getvalue(), encoding="utf-8")


def _leaves(node, location=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, location + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, location + (index,))
    else:
        yield location


def _mutated_yaml(base: Path, rng: random.Random, target: Path) -> None:
    documents = sorted(p for p in base.rglob("*.yml") if list(_leaves(yaml.safe_load(p.read_text(encoding="utf-8")))))
    path = rng.choice(documents)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    *parents, last = rng.choice([location for location in _leaves(data) if location])
    node = data
    for key in parents:
        node = node[key]
    node[last] = rng.choice(BAD_SCALARS)
    shutil.copytree(base, target)
    (target / path.relative_to(base)).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                                 encoding="utf-8")


@pytest.mark.parametrize("mutate", [_mutated_csv, _mutated_yaml], ids=["csv-cell", "yaml-value"])
@pytest.mark.parametrize("example", ["own", "perinatal-peer-support"])
def test_a_bad_value_the_loader_accepts_reaches_every_stage_as_the_projects_error(example, mutate, tmp_path):
    """Seeded mutations of a review's tables and YAML: where the loader accepts one, every stage answers with
    the project's error or runs."""
    base = tmp_path / "base" / ("my-review" if example == "own" else example)
    if example == "own":
        with contextlib.redirect_stdout(io.StringIO()):
            write_coded_review(base)
    else:
        shutil.copytree(REVIEWS_DIR / example, base)
    rng = random.Random(f"{example}-{mutate.__name__}")
    accepted, wanted = 0, 2 if example == "own" else 1  # an example's full run costs seconds
    for trial in range(40):
        folder = tmp_path / f"trial{trial}" / base.name
        mutate(base, rng, folder)
        try:
            load_review(folder)
        except ReviewError:
            continue
        accepted += 1
        only_review_errors(folder, tmp_path / "out")
        if accepted == wanted:
            break
    assert accepted, "no mutation got past the loader, so no stage was tested"

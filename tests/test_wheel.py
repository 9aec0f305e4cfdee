"""The wheel: built from the checkout, installed into a fresh virtual environment, it runs a review elsewhere."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from synthesis import __version__
from synthesis.paths import NOTEBOOKS_DIR, PACKAGE_DIR, PROJECT_ROOT, REVIEWS_DIR
from synthesis.pipeline import NOTEBOOKS

pytestmark = pytest.mark.slow

#: What the build reads: the package, the notebooks and the files pyproject.toml names.
BUILD_INPUTS = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "synthesis", "notebooks"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel built offline from a copy of the checkout's sources, and the build's verbose log."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in BUILD_INPUTS:
        copy = shutil.copytree if (PROJECT_ROOT / name).is_dir() else shutil.copy2
        copy(PROJECT_ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                                    if copy is shutil.copytree else {}))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--verbose", "--no-deps", "--no-build-isolation",
                            "--no-index", "--wheel-dir", str(dist), str(source)],
                           capture_output=True, text=True, timeout=300, check=False)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    [built] = dist.glob("synthesis-*.whl")
    return built, build.stdout + build.stderr


@pytest.fixture(scope="module")
def environment(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; the dependencies are this environment's, offline."""
    folder = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(folder)
    [site_packages] = folder.glob("lib/python*/site-packages")
    # Only the dependencies are borrowed: a path listed in a .pth file does not run that folder's own .pth files,
    # so an editable install of the checkout there stays invisible.
    (site_packages / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--no-index",
                              str(wheel[0])], capture_output=True, text=True, timeout=300, check=False,
                             env=_clean_environment())
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return folder


def _clean_environment() -> dict[str, str]:
    """This process's environment without what would point Python back at the checkout.

    The borrowed dependencies' data files (nbconvert's templates) stay where they were installed: JUPYTER_PATH
    names that folder, as the installed package's own environment would hold it.
    """
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    environment["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return environment


def test_the_build_is_quiet(wheel):
    """setuptools warns about nothing: every data folder is declared, nothing would be ignored."""
    log = wheel[1]
    assert "would be ignored" not in log and "SetuptoolsDeprecationWarning" not in log, log[-3000:]


def test_the_wheel_holds_the_package_data_and_the_notebooks(wheel):
    """Every file of synthesis/ (schemas, tools, checklists, templates) and every stage notebook is in the wheel."""
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    expected = {f"synthesis/{p.relative_to(PACKAGE_DIR).as_posix()}" for p in PACKAGE_DIR.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    expected |= {f"synthesis/notebooks/{stem}.ipynb" for stem in NOTEBOOKS}
    assert expected - names == set()
    assert {p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")} == {f"{stem}.ipynb" for stem in NOTEBOOKS}


def test_installed_package_reports_its_version(environment, tmp_path):
    """`synthesis --version` of the installed package prints the package's version."""
    result = subprocess.run([str(environment / "bin" / "synthesis"), "--version"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False, env=_clean_environment())
    assert result.stdout.strip() == f"synthesis {__version__}", result.stderr


def test_installed_package_runs_a_review_from_another_directory(environment, tmp_path):
    """Outside the checkout, `synthesis run FOLDER --out DIR` runs all five notebooks and writes the outputs.

    The working directory is a project of the user's, with its reviews in data/reviews/ (where a review's
    notebooks find the other reviews it names by slug).
    """
    shutil.copytree(REVIEWS_DIR, tmp_path / "data" / "reviews")
    code = "import synthesis.paths as p; print(p.IN_CHECKOUT, p.NOTEBOOKS_DIR)"
    where = subprocess.run([str(environment / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True,
                           text=True, timeout=60, check=False, env=_clean_environment())
    assert where.stdout.split() == ["False", str(next(environment.glob("lib/python*/site-packages"))
                                                 / "synthesis" / "notebooks")], where.stderr
    result = subprocess.run([str(environment / "bin" / "synthesis"), "run", "data/reviews/perinatal-peer-support",
                             "--out", "results", "--jobs", "2"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=600, check=False, env=_clean_environment())
    assert result.returncode == 0, result.stderr[-3000:]
    folder = tmp_path / "results" / "perinatal-peer-support"
    assert all((folder / f"{stem}.ipynb").is_file() and (folder / f"{stem}.html").is_file() for stem in NOTEBOOKS)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["versions"]["synthesis"] == __version__ and manifest["git_commit"] == "not a git checkout"
    assert list((folder / "tables").glob("*.csv")) and list((folder / "figures").glob("*.png"))

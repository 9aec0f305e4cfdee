"""The declared packages: environment.yml mirrors pyproject.toml, and what is imported is what is declared."""

import ast
import sys
import tomllib
from importlib import metadata

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from synthesis.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from synthesis.pipeline import required_distributions

PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]

#: Declared packages no file imports, and why each is needed all the same.
USED_WITHOUT_IMPORT = {
    "ipykernel": "the python3 kernel papermill and JupyterLab start",
    "tabulate": "pandas' DataFrame.to_markdown calls it",
    "nbval": "pytest plugin that checks the committed notebooks (make test, make nbval)",
    "nbstripout": "strips volatile metadata from the committed notebooks (make notebooks)",
    "pytest-xdist": "spreads the tests over the cores (-n auto in make test and make unit)",
    "pytest-random-order": "shuffles the tests to show no test depends on another's order",
    "setuptools": "builds the wheel in tests/test_wheel.py (pip wheel --no-build-isolation)",
    "jupyterlab": "make lab opens the notebooks in it",
}


def _names(requirements) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


RUNTIME = _names(PROJECT["dependencies"])
EXTRAS = {extra: _names(requirements) for extra, requirements in PROJECT["optional-dependencies"].items()}


def _imported_modules(sources) -> set[str]:
    """Top-level names of every module the Python sources import (absolute imports only)."""
    modules = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules


def _distributions(modules: set[str]) -> set[str]:
    """The distributions providing the third-party modules among ``modules``.

    A module no installed distribution provides (a benchmark's peer, outside `make test`'s environment) is taken
    to come from the distribution of its name.
    """
    providers = metadata.packages_distributions()
    local = {p.stem for p in (PROJECT_ROOT / "tests").glob("*.py")}  # helpers the tests import from their folder
    third_party = modules - {"synthesis", "__future__"} - local - set(sys.stdlib_module_names)
    return {canonicalize_name(providers.get(module, [module])[0]) for module in third_party}


def _python_files(folder: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / folder).rglob("*.py"))]


def _notebook_code() -> list[str]:
    return ["\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
            for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))]


PACKAGE_IMPORTS = _distributions(_imported_modules(_python_files("synthesis") + _notebook_code()))
TEST_IMPORTS = _distributions(_imported_modules(_python_files("tests")))
BENCH_IMPORTS = _distributions(_imported_modules(_python_files("bench")))


def test_environment_mirrors_pyproject():
    """Every runtime and test dependency of pyproject.toml is in environment.yml's pip list, and no other."""
    wanted = set(PROJECT["dependencies"]) | set(PROJECT["optional-dependencies"]["test"])
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e .[test]"} == wanted and "-e .[test]" in pip
    assert "python=3.11" in environment["dependencies"]


def test_every_package_the_code_imports_is_declared():
    """What synthesis/ and the notebooks import is a runtime dependency; tests and benchmarks may add their extras."""
    assert PACKAGE_IMPORTS - RUNTIME == set()
    assert TEST_IMPORTS - RUNTIME - EXTRAS["test"] == set()
    assert BENCH_IMPORTS - RUNTIME - EXTRAS["test"] - EXTRAS["bench"] == set()


@pytest.mark.parametrize("group", ["dependencies", "test", "bench", "lab"])
def test_every_declared_package_is_used(group):
    """Each declared package is imported where its group is used, or has its reason in USED_WITHOUT_IMPORT."""
    declared = RUNTIME if group == "dependencies" else EXTRAS[group]
    imported = {"dependencies": PACKAGE_IMPORTS, "test": TEST_IMPORTS, "bench": BENCH_IMPORTS, "lab": set()}[group]
    assert declared - imported - set(USED_WITHOUT_IMPORT) == set()


def test_manifest_lists_what_the_distribution_requires():
    """The run manifest's packages are the installed distribution's requirements and theirs, without the extras."""
    names = set(required_distributions())
    runtime = _names(r for r in metadata.requires("synthesis") or [] if not Requirement(r).marker)
    assert runtime and runtime <= names
    assert "numpy" in names and "pytest" not in names and "bib-dedupe" not in names

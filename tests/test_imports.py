"""The flow runs one way: no module or notebook imports a module of a later stage (the order is the notebooks',
kept in synthesis/stages.py)."""

import ast
import json

import pytest

from synthesis.paths import NOTEBOOKS_DIR, PACKAGE_DIR
from synthesis.stages import STAGES

#: Module name -> its position in the flow.
POSITION = {module: index for index, (_, _, modules) in enumerate(STAGES) for module in modules}
NOTEBOOK_POSITION = {notebook: index for index, (_, notebook, _) in enumerate(STAGES) if notebook}


def synthesis_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every import of a ``synthesis`` module anywhere in ``tree``, inside functions too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[1]) for alias in node.names
                      if alias.name.startswith("synthesis.")]
        elif isinstance(node, ast.ImportFrom):
            package = node.module or ""
            if node.level:  # a relative import inside the package
                package = "synthesis" + ("." + package if package else "")
            if package == "synthesis":
                found += [(node.lineno, alias.name) for alias in node.names if alias.name in POSITION]
            elif package.startswith("synthesis."):
                found.append((node.lineno, package.split(".")[1]))
    return found


def later_imports(tree: ast.AST, position: int) -> list[tuple[int, str]]:
    """The imports in ``tree`` of modules that come later in the flow than ``position``."""
    return [(line, module) for line, module in synthesis_imports(tree) if POSITION.get(module, -1) > position]


def _notebook_tree(path) -> tuple[ast.Module, list[int]]:
    """The code cells of a notebook as one module, and the cell each line of it came from."""
    source, cells = [], []
    for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines()
            source += [line if not line.lstrip().startswith(("%", "!")) else "" for line in lines]
            cells += [number] * len(lines)
    return ast.parse("\n".join(source)), cells


def test_every_module_is_in_one_stage():
    """Every module of synthesis/ is listed in stages.py, once, and every listed module exists."""
    listed = [module for _, _, modules in STAGES for module in modules]
    present = {path.stem for path in PACKAGE_DIR.glob("*.py")}
    assert sorted(listed) == sorted(set(listed)), "a module is listed in two stages"
    assert present == set(listed), {"not listed": present - set(listed), "no such module": set(listed) - present}


def test_every_notebook_is_a_stage():
    """Every notebook of the project is the notebook of one stage."""
    assert {path.stem for path in NOTEBOOKS_DIR.glob("*.ipynb")} == set(NOTEBOOK_POSITION)


@pytest.mark.parametrize("module", sorted(POSITION))
def test_no_module_imports_a_later_stage(module):
    """A module imports modules of its own stage or an earlier one, never of a later one."""
    path = PACKAGE_DIR / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = later_imports(tree, POSITION[module])
    wrong = [f"synthesis/{module}.py:{line} imports {later} ({STAGES[POSITION[later]][0]}, after "
             f"{STAGES[POSITION[module]][0]})" for line, later in found]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("notebook", sorted(NOTEBOOK_POSITION))
def test_no_notebook_imports_a_later_stage(notebook):
    """A notebook's code cells import modules of its own stage or an earlier one."""
    tree, cells = _notebook_tree(NOTEBOOKS_DIR / f"{notebook}.ipynb")
    position = NOTEBOOK_POSITION[notebook]
    wrong = [f"notebooks/{notebook}.ipynb cell {cells[line - 1]} imports {later} ({STAGES[POSITION[later]][0]})"
             for line, later in later_imports(tree, position)]
    assert not wrong, "\n".join(wrong)


def test_a_later_import_is_found_wherever_it_stands():
    """The check sees imports inside functions, from-imports of the package and relative imports."""
    source = ("from synthesis import errors, measure\n"
              "def f():\n    from synthesis.report import build_appendix\n"
              "    import synthesis.pipeline\n    from .cli import main\n")
    found = later_imports(ast.parse(source), POSITION["records"])
    assert found == [(1, "measure"), (3, "report"), (4, "pipeline"), (5, "cli")]

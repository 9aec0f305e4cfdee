"""environment.yml mirrors pyproject.toml, so conda and Binder users get the same packages."""

import tomllib

import yaml

from synthesis.paths import PROJECT_ROOT


def test_environment_mirrors_pyproject():
    """Every runtime and test dependency of pyproject.toml is in environment.yml's pip list, and no other."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e .[test]"} == wanted and "-e .[test]" in pip
    assert "python=3.11" in environment["dependencies"]

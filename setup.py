"""Build step: the stage notebooks, kept at the top of the repository for students, ship as synthesis/notebooks/.

Everything else about the package is declared in pyproject.toml. An editable install needs no copy: the
package then finds ``notebooks/`` in the checkout (synthesis/paths.py).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/*.ipynb`` into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, "synthesis", "notebooks")
        self.mkpath(str(target))
        for notebook in sorted(Path(__file__).resolve().parent.joinpath("notebooks").glob("*.ipynb")):
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": BuildWithNotebooks})

"""Where the project's folders are: the checkout's when the package runs from one, else the installed package's.

From a checkout (``pip install -e .`` or ``PYTHONPATH``) the notebooks are ``notebooks/`` at the top of the
repository and the examples, outputs and data are beside them. Installed from the wheel, the notebooks are
package data (``synthesis/notebooks/``, copied there by the build) and the project is the folder named by the
environment variable ``SYNTHESIS_PROJECT``, else the working directory: ``data/reviews/<slug>`` there can be
named by its slug, and ``outputs/`` is written there unless ``--out`` says otherwise. The runner passes the
variable on to the notebooks' kernels, which start in their output folders.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PACKAGE_DIR", "IN_CHECKOUT", "PROJECT_VARIABLE", "PROJECT_ROOT", "DATA_DIR", "REVIEWS_DIR", "NOTEBOOKS_DIR", "OUTPUTS_DIR",
           "example_reviews", "resolve_review"]

PACKAGE_DIR = Path(__file__).resolve().parent
#: Whether the package runs from a source checkout (its folder sits beside pyproject.toml and notebooks/).
IN_CHECKOUT = (PACKAGE_DIR.parent / "pyproject.toml").is_file() and (PACKAGE_DIR.parent / "notebooks").is_dir()
PROJECT_VARIABLE = "SYNTHESIS_PROJECT"
PROJECT_ROOT = PACKAGE_DIR.parent if IN_CHECKOUT else Path(os.environ.get(PROJECT_VARIABLE) or Path.cwd()).resolve()
DATA_DIR = PROJECT_ROOT / "data"
REVIEWS_DIR = DATA_DIR / "reviews"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks" if IN_CHECKOUT else PACKAGE_DIR / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"


def example_reviews() -> list[Path]:
    """The review folders in ``data/reviews/`` (the worked examples in a checkout), sorted by name."""
    if not REVIEWS_DIR.is_dir():
        return []
    return sorted(p for p in REVIEWS_DIR.iterdir() if (p / "review.yml").is_file())


def resolve_review(review: str | Path) -> Path:
    """A review folder from a path, or from the slug of a folder under ``data/reviews/``.

    Parameters
    ----------
    review : str or Path
        A folder path (absolute or relative to the working directory), or a slug such as
        ``perinatal-peer-support`` naming a folder under ``data/reviews/``.

    Returns
    -------
    Path
        The folder, resolved; a path that names no folder is returned as given, for the loader to report.
    """
    path = Path(review)
    if path.is_dir():
        return path.resolve()
    if (REVIEWS_DIR / str(review)).is_dir():
        return (REVIEWS_DIR / str(review)).resolve()
    return path

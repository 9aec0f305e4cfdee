"""Where the project's folders are, resolved from the package so notebooks run from anywhere."""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT", "DATA_DIR", "REVIEWS_DIR", "NOTEBOOKS_DIR", "OUTPUTS_DIR", "example_reviews", "resolve_review"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REVIEWS_DIR = DATA_DIR / "reviews"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"


def example_reviews() -> list[Path]:
    """The worked-example review folders shipped in ``data/reviews/``, sorted by name."""
    return sorted(p for p in REVIEWS_DIR.iterdir() if (p / "review.yml").is_file())


def resolve_review(review: str | Path) -> Path:
    """A review folder from a path, or from the slug of an example review.

    Parameters
    ----------
    review : str or Path
        A folder path (absolute or relative to the working directory), or a slug such as
        ``perinatal-peer-support`` naming a folder under ``data/reviews/``.
    """
    path = Path(review)
    if path.is_dir():
        return path.resolve()
    if (REVIEWS_DIR / str(review)).is_dir():
        return (REVIEWS_DIR / str(review)).resolve()
    return path

"""Reproducible realist-synthesis notebooks: the helpers each notebook step calls."""

from synthesis.errors import ReviewError, ReviewProblems
from synthesis.review import Review, load_review

__all__ = ["Review", "ReviewError", "ReviewProblems", "load_review", "__version__"]

__version__ = "0.1.0"

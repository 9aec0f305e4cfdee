"""``synthesis new``: a new review folder from the commented templates in ``templates/review``."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from synthesis.errors import ReviewError

__all__ = ["new_review"]


def new_review(folder: str | Path) -> list[Path]:
    """Create ``folder`` with a template of every review file; its name becomes the slug.

    Raises
    ------
    ReviewError
        If the folder exists and is not empty (nothing is overwritten), or its name is not a valid slug.
    """
    folder = Path(folder)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", folder.name):
        raise ReviewError(folder, "the folder name is not a valid slug", field="slug",
                          hint="use lowercase letters, digits and hyphens, e.g. my-realist-review")
    if folder.exists() and any(folder.iterdir()):
        raise ReviewError(folder, "the folder exists and is not empty", field="DIR",
                          hint="choose a new folder; nothing was written")
    template = resources.files("synthesis").joinpath("templates", "review")
    written = []
    with resources.as_file(template) as source:
        for path in sorted(Path(source).rglob("*")):
            if path.is_dir():
                continue
            target = folder / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8").replace("SLUG", folder.name)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    (folder / "search" / "exports").mkdir(parents=True, exist_ok=True)
    return written

"""``synthesis new``: a new review folder with a template of every file of the review-folder format.

YAML files come from the commented templates in ``templates/review``; every CSV file is written as its header row,
taken from the file's schema, so the templates can never drift from the format. ``README.md`` in the new folder
lists every file with what it holds and its columns.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from synthesis.errors import ReviewError
from synthesis.schemas import FileSchema, file_schemas

__all__ = ["new_review", "template_files"]


def template_files(slug: str) -> dict[str, str]:
    """Every file ``synthesis new`` writes, as path in the review -> text, for a review named ``slug``."""
    files: dict[str, str] = {}
    template = resources.files("synthesis").joinpath("templates", "review")
    with resources.as_file(template) as source:
        for path in sorted(Path(source).rglob("*")):
            if path.is_file():
                files[path.relative_to(source).as_posix()] = path.read_text(encoding="utf-8").replace("SLUG", slug)
    schemas = file_schemas()
    for relative, schema in sorted(schemas.items()):
        if schema.kind == "csv":
            files.setdefault(relative, ",".join(schema.columns) + "\n")
    files["README.md"] = files.get("README.md", "") + _file_list(schemas)
    return dict(sorted(files.items()))


def _file_list(schemas: dict[str, FileSchema]) -> str:
    lines = ["", "## The files", "",
             "CSV files start as a header row: add one row per item below it. Columns marked * are required.", ""]
    for relative, schema in sorted(schemas.items()):
        description = " ".join((schema.json_schema.get("description") or schema.json_schema.get("title", "")).split())
        lines.append(f"- `{relative}`: {description}")
        if schema.kind == "csv":
            columns = [f"{c}*" if c in schema.required else c for c in schema.columns]
            lines.append(f"  Columns: {', '.join(columns)}.")
    return "\n".join(lines) + "\n"


def new_review(folder: str | Path) -> list[Path]:
    """Create ``folder`` with a template of every review file; its name becomes the slug.

    The folder passes ``synthesis check`` as written and runs through every notebook and ``synthesis report``; each
    stage then says in a sentence what it still needs.

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
    written = []
    for relative, text in template_files(folder.name).items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    (folder / "search" / "exports").mkdir(parents=True, exist_ok=True)
    return written

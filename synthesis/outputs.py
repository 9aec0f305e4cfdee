"""Writing a notebook's tables and figures into its output folder, deterministically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["save_table", "save_figure", "write_bytes_atomic", "write_text_atomic", "configure_display", "MARKDOWN_ROWS"]

# Fixed ids and no dates, so that SVGs are byte-identical from run to run.
matplotlib.rcParams["svg.hashsalt"] = "synthesis"
matplotlib.rcParams["svg.fonttype"] = "path"
matplotlib.rcParams["font.family"] = "DejaVu Sans"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        handle.write(data)
    os.replace(handle.name, path)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends, atomically (:func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


#: Tables longer than this are written as CSV only: a Markdown copy of them would be slow and unreadable.
MARKDOWN_ROWS = 5000


def save_table(table: pd.DataFrame, name: str, output_dir: str | Path | None) -> pd.DataFrame:
    """Write ``table`` as ``tables/<name>.csv`` (and ``.md`` up to :data:`MARKDOWN_ROWS` rows) under
    ``output_dir`` and return it for display.

    With ``output_dir`` None nothing is written (a notebook run only for reading).
    """
    if output_dir:
        folder = Path(output_dir) / "tables"
        flat = table.copy()
        for column in flat.columns:
            if flat[column].map(lambda v: isinstance(v, list)).any():
                flat[column] = flat[column].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
        write_text_atomic(folder / f"{name}.csv", flat.to_csv(index=False, lineterminator="\n"))
        if len(flat) <= MARKDOWN_ROWS:
            write_text_atomic(folder / f"{name}.md", flat.to_markdown(index=False) + "\n")
    return table


def save_figure(figure: plt.Figure | None, name: str, output_dir: str | Path | None) -> plt.Figure | None:
    """Write ``figure`` as ``figures/<name>.svg``, ``.png`` and ``.pdf`` (no dates, fixed ids); return it."""
    if figure is None or not output_dir:
        return figure
    folder = Path(output_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    for extension, metadata in (("svg", {"Date": None}), ("png", {"Software": None}),
                                ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None})):
        target = folder / f"{name}.{extension}"
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=f".{extension}") as handle:
            figure.savefig(handle, format=extension, metadata=metadata, dpi=150)
        os.replace(handle.name, target)
    return figure


def configure_display() -> None:
    """Pandas display settings the notebooks share, so committed outputs stay readable and stable."""
    pd.set_option("display.max_rows", 80)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.max_colwidth", 70)
    pd.set_option("display.width", 160)
    pd.set_option("display.precision", 2)

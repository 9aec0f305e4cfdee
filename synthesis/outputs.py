"""Writing a notebook's tables and figures into its output folder, deterministically."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["FIGURE_STYLE", "apply_figure_style", "save_table", "save_figure", "write_bytes_atomic",
           "write_text_atomic", "make_folder_atomic", "configure_display", "MARKDOWN_ROWS"]

#: The figure style every figure is drawn and saved with: fixed SVG ids and no dates (byte-identical SVGs from
#: run to run), SVG text kept as text (searchable, read by screen readers) and one font everywhere.
FIGURE_STYLE = {"svg.hashsalt": "synthesis", "svg.fonttype": "none", "font.family": "DejaVu Sans"}


def apply_figure_style() -> None:
    """Set :data:`FIGURE_STYLE` in matplotlib's settings (called where a review is opened, never on import)."""
    matplotlib.rcParams.update(FIGURE_STYLE)


def _umask() -> int:
    """The process's umask (read by setting it and putting it back: the only portable way)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a reader never sees half a file.

    The file gets the mode a plain ``open`` would give it (0666 less the umask), not the temporary file's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        handle.write(data)
    os.chmod(handle.name, 0o666 & ~_umask())
    os.replace(handle.name, path)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends, atomically (:func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def make_folder_atomic(parent: Path, prefix: str) -> Path:
    """A new, empty staging folder in ``parent`` with the mode ``mkdir`` would give it (0777 less the umask),
    not ``mkdtemp``'s 0700, to fill and then move into place with ``os.replace``."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(folder, 0o777 & ~_umask())
    return folder


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
            values = flat[column]
            if values.map(lambda v: isinstance(v, list)).any():
                flat[column] = values.map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
            elif values.dtype.kind == "f" and values.dropna().map(float.is_integer).all():
                # Counts that pandas made floats (a column with a missing value) are written as integers.
                flat[column] = values.astype("Int64")
        write_text_atomic(folder / f"{name}.csv", flat.to_csv(index=False, lineterminator="\n"))
        if len(flat) <= MARKDOWN_ROWS:
            write_text_atomic(folder / f"{name}.md", flat.to_markdown(index=False) + "\n")
    return table


#: Each file a figure can be saved as, with the metadata that would change from run to run left out.
FIGURE_FORMATS = {"svg": {"Date": None}, "png": {"Software": None},
                  "pdf": {"CreationDate": None, "ModDate": None, "Producer": None}}


def save_figure(figure: plt.Figure | None, name: str, output_dir: str | Path | None,
                formats: tuple[str, ...] = tuple(FIGURE_FORMATS)) -> plt.Figure | None:
    """Write ``figure`` as ``figures/<name>.<format>`` for each of ``formats`` (no dates, fixed ids, SVG text as
    text); return it."""
    if figure is None or not output_dir:
        return figure
    folder = Path(output_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(FIGURE_STYLE):
        for extension in formats:
            buffer = io.BytesIO()
            figure.savefig(buffer, format=extension, metadata=FIGURE_FORMATS[extension], dpi=150)
            write_bytes_atomic(folder / f"{name}.{extension}", buffer.getvalue())
    return figure


def configure_display() -> None:
    """Pandas display settings the notebooks share, so committed outputs stay readable and stable; cells are
    never cut (a table's text is the evidence)."""
    pd.set_option("display.max_rows", 80)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", 160)
    pd.set_option("display.precision", 2)

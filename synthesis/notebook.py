"""What the notebooks call around each step: open a review, show a table or figure (saving it), or say why not."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from synthesis.diagrams import figure_alt_text, figure_caption
from synthesis.outputs import apply_figure_style, configure_display, save_figure, save_table
from synthesis.tables import readable, table_caption
from synthesis.paths import OUTPUTS_DIR, resolve_review
from synthesis.review import Review, load_review

__all__ = ["open_review", "output_folder", "show", "show_figure", "say", "summary", "save_records"]

_OUTPUT_DIRS: dict[str, Path] = {}


class _Note(Markdown):
    """Markdown whose plain-text form is its text, so nbval and consoles see the words, not an object."""

    def __repr__(self) -> str:
        return self.data


class _Table:
    """A table as a reader sees it (:func:`synthesis.tables.readable`): HTML with its caption and no row
    numbers, whole cells; plain text of the same cells for consoles and nbval."""

    def __init__(self, table: pd.DataFrame, name: str | None, caption: str):
        self.table, self.name, self.caption = readable(table), name, caption

    def _repr_html_(self) -> str:
        body = self.table.to_html(index=False, border=0, classes="synthesis-table",
                                  table_id=f"table-{self.name}" if self.name else None)
        return body.replace(">\n  <thead>", f">\n  <caption>{html.escape(self.caption)}</caption>\n  <thead>", 1)

    def __repr__(self) -> str:
        return self.table.to_string(index=False)


class _Figure:
    """A saved figure as a reader sees it: the PNG in a ``<figure>`` with its caption and alt text."""

    def __init__(self, png: bytes, name: str, width: int, caption: str, alt: str):
        self.png, self.name, self.width, self.caption, self.alt = png, name, width, caption, alt

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<figure class="synthesis-figure" id="figure-{html.escape(self.name)}"><img src="data:image/png;base64,{data}" width="{self.width}" '
                f'alt="{html.escape(self.alt)}"><figcaption>{html.escape(self.caption)}</figcaption></figure>')

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"[figure] {self.caption}"


def open_review(review: str, output_dir: str = "") -> Review:
    """Load and validate the review a notebook was given, set display options, and show what it is.

    Parameters
    ----------
    review : str
        A review folder, or the slug of an example review.
    output_dir : str
        Where tables and figures go; empty for ``outputs/<slug>/`` in the project.
    """
    configure_display()
    apply_figure_style()
    loaded = load_review(resolve_review(review))
    _OUTPUT_DIRS["current"] = Path(output_dir) if output_dir else OUTPUTS_DIR / loaded.slug
    display(_Note(summary(loaded)))
    return loaded


def output_folder() -> Path:
    """The output folder of the review opened last."""
    return _OUTPUT_DIRS["current"]


def summary(review: Review) -> str:
    """A Markdown paragraph: the review's citation, question, method and what its tallies count."""
    meta = review.meta
    return (f"**{meta['title']}**  \n{meta['citation']}  \n\n"
            f"*Question:* {meta['question']}  \n*Method:* {meta['method'].strip()}  \n"
            f"*Counting unit:* {meta['unit']}. {meta.get('unit_note', '')}")


def say(text: str) -> None:
    """Show a sentence of narrative computed from the data (Markdown)."""
    display(_Note(text))


def show(table: pd.DataFrame, name: str | None = None, empty: str = "Nothing to show.") -> None:
    """Save ``table`` as ``tables/<name>.csv`` and ``.md`` and show it with its caption
    (:func:`synthesis.tables.table_caption`), or show ``empty`` when it has no rows."""
    if table is None or table.empty:
        display(_Note(f"*{empty}*"))
        return
    if name:
        save_table(table, name, output_folder())
    display(_Table(table, name, table_caption(name) if name else ""))


def show_figure(figure: plt.Figure | None, name: str, empty: str = "No figure for this review.") -> None:
    """Save ``figure`` as SVG, PNG and PDF under ``figures/`` and show it with its caption and alt text
    (:func:`synthesis.diagrams.figure_caption`), or show ``empty``."""
    if figure is None:
        display(_Note(f"*{empty}*"))
        return
    save_figure(figure, name, output_folder())
    # Show the PNG just written rather than rendering the figure a second time for the inline backend.
    png = output_folder() / "figures" / f"{name}.png"
    display(_Figure(png.read_bytes(), name, int(figure.get_figwidth() * 100), figure_caption(name),
                    figure_alt_text(figure, name)))
    plt.close(figure)


def save_records(records: pd.DataFrame, name: str) -> None:
    """Write records as ``records/<name>.ris`` and ``.csv`` in the output folder and say how many."""
    from synthesis.records import write_records_csv, write_ris

    if records.empty:
        return
    folder = output_folder() / "records"
    write_ris(records, folder / f"{name}.ris")
    write_records_csv(records, folder / f"{name}.csv")
    say(f"{len(records)} records written to `records/{name}.ris` and `.csv` (RIS for a reference manager).")

"""What the notebooks call around each step: open a review, show a table or figure (saving it), or say why not."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from synthesis.diagrams import figure_alt_text, figure_caption
from synthesis.errors import ReviewError
from synthesis.outputs import (FIGURE_FORMATS, apply_figure_style, configure_display, save_figure, save_table,
                               write_text_atomic)
from synthesis.paths import OUTPUTS_DIR, resolve_review
from synthesis.review import Review, load_review
from synthesis.tables import readable, table_caption

__all__ = ["Page", "open_review", "summary"]


class _Note(Markdown):
    """Markdown whose plain-text form is its text, so nbval and consoles see the words, not an object."""

    def __repr__(self) -> str:
        return self.data


#: Rows a notebook shows of one table. Longer tables (a large review's excerpts) are saved whole and shown by
#: their first rows: a notebook of 200,000 rendered rows is 50 MB that no reader scrolls and papermill writes slowly.
SHOWN_ROWS = 200


class _Table:
    """A table as a reader sees it (:func:`synthesis.tables.readable`): HTML with its caption and no row
    numbers, whole cells; plain text of the same cells for consoles and nbval. A table longer than
    :data:`SHOWN_ROWS` shows its first rows and says where the whole table is."""

    def __init__(self, table: pd.DataFrame, name: str | None, caption: str):
        self.table, self.name = readable(table.head(SHOWN_ROWS)), name
        where = f"tables/{name}.csv" if name else "the table this step returns"
        self.cut = (f"(the first {SHOWN_ROWS:,} of {len(table):,} rows; all of them are in {where})"
                    if len(table) > SHOWN_ROWS else "")
        self.caption = " ".join(part for part in (caption, self.cut) if part)

    def _repr_html_(self) -> str:
        body = self.table.to_html(index=False, border=0, classes="synthesis-table",
                                  table_id=f"table-{self.name}" if self.name else None)
        return body.replace(">\n  <thead>", f">\n  <caption>{html.escape(self.caption)}</caption>\n  <thead>", 1)

    def __repr__(self) -> str:
        return self.table.to_string(index=False) + (f"\n{self.cut}" if self.cut else "")


class _Figure:
    """A saved figure as a reader sees it: the PNG in a ``<figure>`` with its caption and alt text."""

    def __init__(self, png: bytes, name: str, width: int, caption: str, alt: str):
        self.png, self.name, self.width, self.caption, self.alt = png, name, width, caption, alt

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<figure class="synthesis-figure" id="figure-{html.escape(self.name)}">'
                f'<img src="data:image/png;base64,{data}" width="{self.width}" alt="{html.escape(self.alt)}">'
                f'<figcaption>{html.escape(self.caption)}</figcaption></figure>')

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"[figure] {self.caption}"


class Page:
    """One notebook's run on a review: the review, the folder its tables and figures go to, and what shows them.

    Parameters
    ----------
    review : Review
        The loaded review.
    output_dir : Path
        Where ``tables/``, ``figures/`` and ``records/`` are written.
    figure_formats : tuple of str
        The files each figure is saved as (always including the PNG shown).
    """

    def __init__(self, review: Review, output_dir: Path, figure_formats: tuple[str, ...]) -> None:
        self.review, self.output_dir, self.figure_formats = review, output_dir, figure_formats

    def say(self, text: str) -> None:
        """Show a sentence of narrative computed from the data (Markdown); nothing for an empty one."""
        if text:
            display(_Note(text))

    def show(self, table: pd.DataFrame, name: str | None = None, empty: str = "Nothing to show.") -> None:
        """Save ``table`` as ``tables/<name>.csv`` and ``.md`` and show it with its caption
        (:func:`synthesis.tables.table_caption`), or show ``empty`` when it has no rows."""
        if table is None or table.empty:
            display(_Note(f"*{empty}*"))
            return
        if name:
            save_table(table, name, self.output_dir)
        display(_Table(table, name, table_caption(name) if name else ""))

    def write_csv(self, table: pd.DataFrame, filename: str) -> None:
        """Write ``table`` whole as ``<output folder>/<filename>`` (a file of the run, beside the notebooks)."""
        write_text_atomic(self.output_dir / filename, table.to_csv(index=False, lineterminator="\n"))

    def show_figure(self, figure: plt.Figure | None, name: str, empty: str = "No figure for this review.") -> None:
        """Save ``figure`` under ``figures/`` in this run's formats and show the PNG with its caption and alt text
        (:func:`synthesis.diagrams.figure_caption`), or show ``empty``."""
        if figure is None:
            display(_Note(f"*{empty}*"))
            return
        save_figure(figure, name, self.output_dir, self.figure_formats)
        # Show the PNG just written rather than rendering the figure a second time for the inline backend.
        png = self.output_dir / "figures" / f"{name}.png"
        display(_Figure(png.read_bytes(), name, int(figure.get_figwidth() * 100), figure_caption(name),
                        figure_alt_text(figure, name)))
        plt.close(figure)


def open_review(review: str, output_dir: str = "", figure_formats: str = "png") -> Page:
    """Load and validate the review a notebook was given, set display options, and show what it is.

    Parameters
    ----------
    review : str
        A review folder, or the slug of an example review.
    output_dir : str
        Where tables and figures go; empty for ``outputs/<slug>/`` in the project.
    figure_formats : str
        Comma-separated files each figure is saved as: png, svg, pdf (the PNG is always written, since it is
        what the notebook shows; ``synthesis report`` asks for all three, for the appendix).

    Returns
    -------
    Page
        What the notebook's cells show their results with; its ``review`` is the loaded review.
    """
    formats = tuple(part.strip().lower() for part in figure_formats.split(",") if part.strip())
    unknown = sorted(set(formats) - set(FIGURE_FORMATS))
    if unknown:
        raise ReviewError("figure_formats", f"{unknown[0]!r} is not a figure format", field="figure_formats",
                          hint="use png, svg and pdf, comma-separated")
    configure_display()
    apply_figure_style()
    loaded = load_review(resolve_review(review))
    display(_Note(summary(loaded)))
    return Page(loaded, Path(output_dir) if output_dir else OUTPUTS_DIR / loaded.slug,
                tuple(f for f in FIGURE_FORMATS if f == "png" or f in formats))


def summary(review: Review) -> str:
    """A Markdown paragraph: the review's citation, question, method and what its tallies count."""
    meta = review.meta
    return (f"**{meta['title']}**  \n{meta['citation']}  \n\n"
            f"*Question:* {meta['question']}  \n*Method:* {meta['method'].strip()}  \n"
            f"*Counting unit:* {meta['unit']}. {meta.get('unit_note', '')}")

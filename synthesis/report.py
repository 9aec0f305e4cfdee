"""The publication appendix: the executed notebooks as one self-contained HTML page, every table as CSV,
Markdown, LaTeX and DOCX, every figure as SVG, PNG and PDF, and the reporting checklists that apply."""

from __future__ import annotations

import datetime
import html
import io
import json
import re
import shutil
import zipfile
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import nbformat
import pandas as pd
import yaml

from synthesis import theory
from synthesis.errors import ReviewError
from synthesis.outputs import MARKDOWN_ROWS, write_bytes_atomic, write_text_atomic
from synthesis.review import Review

__all__ = ["CHECKLISTS", "TABLE_FORMATS", "FIGURE_FORMATS", "load_checklist", "applicable_checklists",
           "checklist_table", "unreported_items", "heading_anchor", "write_docx_table", "write_docx_final_model",
           "write_table_formats", "build_appendix"]

#: The reporting checklists kept as data in ``synthesis/checklists/``.
CHECKLISTS = {"RAMESES": "rameses.yml", "ENTREQ": "entreq.yml", "PRISMA 2020": "prisma2020.yml"}
#: Every table of the appendix is written in these formats.
TABLE_FORMATS = ("csv", "md", "tex", "docx")
#: Every figure of the appendix is copied in these formats.
FIGURE_FORMATS = ("svg", "png", "pdf")
# A fixed date for the DOCX core properties and zip members, so that two runs write the same bytes.
_FIXED_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def load_checklist(name: str) -> dict:
    """One reporting checklist (``RAMESES``, ``ENTREQ`` or ``PRISMA 2020``) with its items."""
    if name not in CHECKLISTS:
        raise ReviewError("review.yml", f"{name!r} is not a checklist this tool knows", field="reporting_standards",
                          hint="one of " + ", ".join(CHECKLISTS))
    text = resources.files("synthesis").joinpath("checklists", CHECKLISTS[name]).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def applicable_checklists(review: Review) -> list[str]:
    """The checklists that apply: those the review names, RAMESES for a realist review, PRISMA 2020 for any
    review with a flow of records (it replaced PRISMA 2009, which some of the examples followed)."""
    named = [str(s) for s in review.meta.get("reporting_standards") or []]
    chosen = {name for name in CHECKLISTS if name in named}
    if review.meta.get("realist"):
        chosen.add("RAMESES")
    if review.document("prisma.yml") is not None or any(s.startswith("PRISMA") for s in named):
        chosen.add("PRISMA 2020")
    return [name for name in CHECKLISTS if name in chosen]


def _has(review: Review, requirement: str) -> bool:
    """Whether the review holds ``file`` (non-empty) or ``file:key`` (a non-empty key of a YAML document)."""
    path, _, key = requirement.partition(":")
    if path == "review.yml":
        return bool(review.meta.get(key))
    table = review.table(path)
    if table is not None:
        return not table.empty
    document = review.document(path)
    if document is None:
        return False
    return bool(document.get(key)) if key else True


def heading_anchor(heading: str) -> str:
    """The id nbconvert gives a Markdown heading: spaces become hyphens, then what a URL fragment cannot hold
    is percent-encoded (the rule of nbconvert's ``_convert_header_id``)."""
    return quote(heading.strip().replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def checklist_table(review: Review, name: str) -> pd.DataFrame:
    """The items of checklist ``name`` with where this appendix reports each, or why it does not."""
    rows = []
    for item in load_checklist(name)["items"]:
        place = item.get("appendix")
        if place is None:
            where, status = "", "in the paper, not the appendix"
        elif any(_has(review, requirement) for requirement in place["requires"]):
            where, status = f"{place['notebook']}: {place['heading']}", "reported"
        else:
            where = ""
            status = "not reported: the review has no " + " or ".join(place["requires"])
        rows.append({"checklist": name, "item": item["item"], "section": item["section"], "item text": item["text"],
                     "reported in": where, "status": status})
    return pd.DataFrame(rows, columns=["checklist", "item", "section", "item text", "reported in", "status"])


def unreported_items(table: pd.DataFrame) -> pd.DataFrame:
    """The items of a :func:`checklist_table` that the appendix does not report."""
    return table[table["status"] != "reported"].reset_index(drop=True)


def _save_docx(document, path: Path) -> None:
    """Save a python-docx document with fixed dates and zip timestamps, atomically."""
    properties = document.core_properties
    properties.author = "synthesis"
    properties.last_modified_by = "synthesis"
    properties.created = properties.modified = properties.last_printed = _FIXED_DATE
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    write_bytes_atomic(path, fixed.getvalue())


def write_docx_table(table: pd.DataFrame, path: Path, title: str) -> None:
    """``table`` as a Word document: a heading and a bordered table with a bold header row."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=2)
    grid = document.add_table(rows=1, cols=max(len(table.columns), 1))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns):
        cell.paragraphs[0].add_run(str(column)).bold = True
    for values in table.itertuples(index=False):
        for cell, value in zip(grid.add_row().cells, values):
            cell.text = "" if value is None else str(value)
    _save_docx(document, path)


def write_docx_final_model(review: Review, path: Path, min_documents: int = 1) -> None:
    """The final programme theory as a Word document, in the paper's convention (strike, capitals)."""
    import docx

    document = docx.Document()
    document.add_heading(f"Final programme theory: {review.title}", level=1)
    document.add_paragraph().add_run(theory.FINAL_LEGEND).italic = True
    for heading, items in theory.final_model_sections(review, min_documents):
        document.add_heading(heading, level=2)
        for status, text in items:
            styled = theory.styled_statement(text, status, "text")
            run = document.add_paragraph(style="List Bullet").add_run(styled)
            run.font.strike = status == "unsupported"
    _save_docx(document, path)


def write_table_formats(table: pd.DataFrame, name: str, folder: Path, title: str) -> list[Path]:
    """``table`` as ``<name>.csv``, ``.md``, ``.tex`` and ``.docx`` in ``folder`` (long tables as CSV only)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{name}.csv"]
    write_text_atomic(written[0], table.to_csv(index=False, lineterminator="\n"))
    if len(table) > MARKDOWN_ROWS:
        return written
    write_text_atomic(folder / f"{name}.md", table.to_markdown(index=False) + "\n")
    label = re.sub(r"[^A-Za-z0-9]+", "-", name)
    latex = table.to_latex(index=False, longtable=True, escape=True, caption=title, label=f"tab:{label}")
    write_text_atomic(folder / f"{name}.tex", latex)
    write_docx_table(table, folder / f"{name}.docx", title)
    return written + [folder / f"{name}.{ext}" for ext in ("md", "tex", "docx")]


_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #222; }
h1, h2, h3 { color: #1f3b57; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.85em; }
th, td { border: 1px solid #c8c8c8; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
img { max-width: 100%; height: auto; }
.anchor-link { visibility: hidden; text-decoration: none; margin-left: 0.3em; }
h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link { visibility: visible; }
section.notebook { border-top: 3px solid #1f3b57; margin-top: 2.5em; }
.status-reported { color: #1b6b2f; }
.status-missing { color: #9a3412; }
footer { margin-top: 3em; font-size: 0.8em; color: #555; }
"""


def _notebook_bodies(run_dir: Path, stems: list[str]) -> list[tuple[str, str, str]]:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    bodies = []
    for stem in stems:
        notebook = nbformat.read(run_dir / f"{stem}.ipynb", as_version=4)
        title = next((line.lstrip("# ").strip() for cell in notebook.cells if cell.cell_type == "markdown"
                      for line in cell.source.splitlines() if line.startswith("# ")), stem)
        body, _ = exporter.from_notebook_node(notebook)
        bodies.append((stem, title, body))
    return bodies


def _checklist_html(table: pd.DataFrame) -> str:
    rows = []
    for row in table.to_dict("records"):
        if row["status"] == "reported":
            heading = row["reported in"].split(": ", 1)[1]
            where = f'<a href="#{html.escape(heading_anchor(heading))}">{html.escape(row["reported in"])}</a>'
            status = '<span class="status-reported">reported</span>'
        else:
            where, status = "", f'<span class="status-missing">{html.escape(row["status"])}</span>'
        rows.append(f"<tr><td>{html.escape(row['item'])}</td><td>{html.escape(row['section'])}</td>"
                    f"<td>{html.escape(row['item text'])}</td><td>{where}</td><td>{status}</td></tr>")
    return ("<table><thead><tr><th>item</th><th>section</th><th>item</th><th>where in this appendix</th>"
            "<th>status</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")


def _files_html(tables: list[tuple[str, set[str]]], figures: list[tuple[str, set[str]]]) -> str:
    def links(folder: str, name: str, formats: tuple[str, ...], present: set[str]) -> str:
        return " ".join(f'<a href="{folder}/{html.escape(name)}.{ext}">{ext.upper()}</a>' for ext in formats
                        if f"{name}.{ext}" in present)

    parts = ["<h3>Tables</h3>", "<ul>"]
    for name, present in tables:
        parts.append(f"<li>{html.escape(name)}: {links('tables', name, TABLE_FORMATS, present)}</li>")
    parts += ["</ul>", "<h3>Figures</h3>", "<ul>"]
    for name, present in figures:
        parts.append(f"<li>{html.escape(name)}: {links('figures', name, FIGURE_FORMATS, present)}</li>")
    return "\n".join(parts + ["</ul>"])


def build_appendix(review: Review, run_dir: str | Path, min_documents: int | None = None) -> Path:
    """Write ``<run_dir>/appendix/`` from a finished run of the notebooks in ``run_dir``.

    Parameters
    ----------
    review : Review
        The review the notebooks ran on.
    run_dir : path
        The run's output folder: the executed notebooks, ``tables/``, ``figures/``, ``reproduction.csv`` and
        ``manifest.json``.
    min_documents : int, optional
        Documents needed to support a theory; default the value notebook 04 ran with.

    Returns
    -------
    Path
        The appendix folder, holding ``appendix.html``, ``tables/``, ``figures/`` and ``checklists/``.
    """
    run_dir = Path(run_dir)
    manifest_path = run_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    stems = sorted(p.stem for p in run_dir.glob("[0-9][0-9]_*.ipynb"))
    if not stems:
        raise ReviewError(str(run_dir), "no executed notebooks to build an appendix from", field="run",
                          hint="run the notebooks first: synthesis report runs them for you")
    if min_documents is None:
        min_documents = int(manifest.get("notebooks", {}).get("04_final_theory", {}).get("parameters", {})
                            .get("min_documents", 1))
    appendix = run_dir / "appendix"
    if appendix.exists():
        shutil.rmtree(appendix)
    tables_dir, figures_dir, checklists_dir = appendix / "tables", appendix / "figures", appendix / "checklists"

    table_files: dict[str, set[str]] = {}
    sources = sorted((run_dir / "tables").glob("*.csv")) if (run_dir / "tables").is_dir() else []
    for csv in sources:
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        written = write_table_formats(frame, csv.stem, tables_dir, f"{review.slug}: {csv.stem.replace('_', ' ')}")
        table_files[csv.stem] = {p.name for p in written}
    figure_files: dict[str, set[str]] = {}
    for figure in sorted((run_dir / "figures").glob("*")) if (run_dir / "figures").is_dir() else []:
        if figure.suffix.lstrip(".") in FIGURE_FORMATS:
            figures_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(figure, figures_dir / figure.name)
            figure_files.setdefault(figure.stem, set()).add(figure.name)

    final_html = theory.final_model(review, "html", min_documents)
    if final_html:
        for fmt, extension in (("markdown", "md"), ("html", "html"), ("latex", "tex")):
            write_text_atomic(appendix / f"final_model.{extension}", theory.final_model(review, fmt, min_documents))
        write_docx_final_model(review, appendix / "final_model.docx", min_documents)

    checklist_sections = []
    for name in applicable_checklists(review):
        table = checklist_table(review, name)
        stem = "checklist_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        write_table_formats(table, stem, checklists_dir, f"{review.slug}: {name} checklist")
        missing = unreported_items(table)
        checklist = load_checklist(name)
        checklist_sections.append(
            f'<h3 id="checklist-{stem}">{html.escape(checklist["title"])}</h3>\n'
            f"<p>{html.escape(checklist['reference'])}. {len(table) - len(missing)} of {len(table)} items are "
            f"reported in this appendix; the {len(missing)} others are listed with the reason.</p>\n"
            + _checklist_html(table))

    bodies = _notebook_bodies(run_dir, stems)
    meta = review.meta
    contents = [f'<li><a href="#nb-{stem}">{html.escape(title)}</a></li>' for stem, title, _ in bodies]
    if final_html:
        contents.append('<li><a href="#final-model">The final programme theory</a></li>')
    if checklist_sections:
        contents.append('<li><a href="#checklists">Reporting checklists</a></li>')
    contents.append('<li><a href="#files">Tables and figures as files</a></li>')
    versions = manifest.get("versions", {})
    provenance = (f"Produced by synthesis {versions.get('synthesis', 'unknown')} (git commit "
                  f"{manifest.get('git_commit', 'unknown')}) from {len(manifest.get('inputs', {}))} input files whose "
                  "SHA-256 digests, parameters and package versions are in manifest.json.")
    page = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>Appendix: {html.escape(review.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        "<header>", f"<h1>Appendix: {html.escape(review.title)}</h1>",
        f"<p>{html.escape(str(meta.get('citation', '')))}</p>",
        f"<p>{html.escape(provenance)}</p>", "</header>",
        "<nav><h2>Contents</h2><ol>", *contents, "</ol></nav>",
    ]
    for stem, _, body in bodies:
        page += [f'<section class="notebook" id="nb-{stem}">', body, "</section>"]
    if final_html:
        page += ['<section class="notebook" id="final-model">', final_html, "</section>"]
    if checklist_sections:
        page += ['<section class="notebook" id="checklists">', "<h2>Reporting checklists</h2>",
                 *checklist_sections, "</section>"]
    page += ['<section class="notebook" id="files">', "<h2>Tables and figures as files</h2>",
             _files_html(sorted(table_files.items()), sorted(figure_files.items())), "</section>",
             "<footer>Generated by <code>synthesis report</code>; every number in it is computed from the review "
             "folder named in manifest.json.</footer>", "</body>", "</html>"]
    write_text_atomic(appendix / "appendix.html", "\n".join(page) + "\n")
    return appendix

"""The publication appendix: the executed notebooks as one self-contained HTML page (from a Jinja2 template),
one Word file and a PDF, every table as CSV, Markdown, LaTeX and DOCX, every figure as SVG, PNG and PDF, and the
reporting checklists that apply."""

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

from synthesis import final_theory
from synthesis.errors import ReviewError
from synthesis.outputs import FIGURE_FORMATS, MARKDOWN_ROWS, write_bytes_atomic, write_text_atomic
from synthesis.review import Review
from synthesis.tables import readable, table_caption
from synthesis.wording import is_published, units_word

__all__ = ["CHECKLISTS", "TABLE_FORMATS", "LATEX_PREAMBLE", "PUBLISHED_ONLY_HEADINGS", "OMIT_TAG",
           "load_checklist", "applicable_checklists", "checklist_table", "unreported_items", "heading_anchor",
           "write_docx_table", "write_docx_final_model", "latex_escape", "column_widths", "latex_table",
           "write_table_formats", "LINE_POINTS", "COLUMN_SEP_POINTS", "TYPE_SIZES",
           "prepare_notebook", "number_captions", "methods_summary", "read_table",
           "write_docx_appendix", "print_pdf", "build_appendix"]

#: The reporting checklists kept as data in ``synthesis/checklists/``.
CHECKLISTS = {"RAMESES": "rameses.yml", "ENTREQ": "entreq.yml", "PRISMA 2020": "prisma2020.yml"}
#: Every table of the appendix is written in these formats.
TABLE_FORMATS = ("csv", "md", "tex", "docx")
#: Every figure of the appendix is copied in these formats.
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
    # Only a published review has a paper; one's own review reports these items in its manuscript.
    document = "the paper" if is_published(review) else "the manuscript"
    rows = []
    for item in load_checklist(name)["items"]:
        place = item.get("appendix")
        if place is None:
            where, status = "", f"in {document}, not the appendix"
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
    _add_grid(document, table)
    _save_docx(document, path)


def write_docx_final_model(review: Review, path: Path, min_documents: int = 1) -> None:
    """The final programme theory as a Word document, in the paper's convention (strike, capitals)."""
    import docx

    document = docx.Document()
    _add_final_model(document, review, min_documents)
    _save_docx(document, path)


#: The LaTeX packages the tables need, written beside them as ``tables/preamble.tex``.
LATEX_PREAMBLE = r"""% Packages the appendix's LaTeX tables need: \input{preamble} in the preamble, then \input{<table>}.
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{textcomp}
\usepackage{array}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{ragged2e}
"""
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "\u2014": "---", "\u2013": "--", "\u00d7": r"$\times$", "\u2265": r"$\geq$", "\u2264": r"$\leq$",
                  "\u2192": r"$\rightarrow$", "\u2026": r"\ldots{}"}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters (and a few symbols pdflatex lacks) written as commands."""
    return "".join(_LATEX_SPECIAL.get(character, character) for character in str(text))


#: The text block the LaTeX tables are sized for (an article's \linewidth, in points), the space between
#: columns, and the type sizes tried in turn with the width of an average character of each, in points.
LINE_POINTS, COLUMN_SEP_POINTS = 345.0, 3.0
TYPE_SIZES = (("small", 4.6), ("footnotesize", 4.1), ("scriptsize", 3.6))


def _column_needs(table: pd.DataFrame) -> tuple[list[float], list[float]]:
    """Per column, in characters: the room its words need (header words in bold; each value's first word, which
    TeX never hyphenates, and its other words up to 12 characters, longer ones being hyphenated) and how much
    longer its typical (third-quartile) text is."""
    words, extras = [], []
    for column in table.columns:
        cells = [str(v) for v in table[column]]
        longest = max([len(cell.split()[0]) for cell in cells if cell.split()]
                      + [min(len(word), 12) for cell in cells for word in cell.split()[1:]]
                      + [1.2 * len(word) for word in str(column).split()] + [3])
        typical = sorted(len(cell) for cell in cells)[len(cells) * 3 // 4] if cells else 0
        words.append(longest + 1)
        extras.append(max(min(typical, 400) - longest, 0))
    return words, extras


def column_widths(table: pd.DataFrame, characters: float) -> list[float]:
    """Each column's share of a line of ``characters``: first room for its words, then the rest of the line
    shared by how much longer its typical text is, so long text wraps and short values get what they need."""
    words, extras = _column_needs(table)
    spare = characters - sum(words)
    if spare <= 0 or not sum(extras):
        return [w / sum(words) for w in words]
    return [(w + spare * e / sum(extras)) / characters for w, e in zip(words, extras)]


def latex_table(table: pd.DataFrame, caption: str, label: str) -> str:
    """``table`` as a booktabs ``longtable`` of ``p{}`` columns sized to their content, set in the largest
    type size in which every column's words fit the line."""
    shown = readable(table)
    count = max(len(shown.columns), 1)
    available = LINE_POINTS - 2 * COLUMN_SEP_POINTS * (count - 1)
    size, character = next(((name, width) for name, width in TYPE_SIZES
                            if sum(_column_needs(shown)[0]) * width <= available), TYPE_SIZES[-1])
    text_width = rf"\dimexpr\linewidth-{2 * (count - 1)}\tabcolsep\relax"
    spec = "".join(rf">{{\RaggedRight\arraybackslash}}p{{{share:.3f}{text_width}}}"
                   for share in column_widths(shown, available / character))
    header = " & ".join(rf"\textbf{{{latex_escape(c)}}}" for c in shown.columns) + r" \\"
    rows = [" & ".join(latex_escape(v) for v in values) + r" \\" for values in shown.itertuples(index=False)]
    return "\n".join([
        rf"\begingroup\{size}\setlength{{\tabcolsep}}{{{COLUMN_SEP_POINTS:g}pt}}",
        rf"\begin{{longtable}}{{@{{}}{spec}@{{}}}}", rf"\caption{{{latex_escape(caption)}}}\label{{{label}}}\\",
        r"\toprule", header, r"\midrule", r"\endfirsthead", r"\toprule", header, r"\midrule", r"\endhead",
        r"\bottomrule", r"\endfoot", *rows, r"\end{longtable}", r"\endgroup", ""])


def write_table_formats(table: pd.DataFrame, name: str, folder: Path, caption: str) -> list[Path]:
    """``table`` as ``<name>.csv`` (the data as written), and for reading as ``.md``, ``.tex`` and ``.docx``
    with ``caption`` (:func:`synthesis.tables.readable`: whole cells, missing values as a dash, no row numbers;
    long tables as CSV only). ``preamble.tex`` beside them names the LaTeX packages the tables need."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{name}.csv"]
    write_text_atomic(written[0], table.to_csv(index=False, lineterminator="\n"))
    if len(table) > MARKDOWN_ROWS:
        return written
    shown = readable(table)
    write_text_atomic(folder / f"{name}.md", f"{caption}\n\n" + shown.to_markdown(index=False) + "\n")
    label = "tab:" + re.sub(r"[^A-Za-z0-9]+", "-", name)
    write_text_atomic(folder / f"{name}.tex", latex_table(shown, caption, label))
    write_text_atomic(folder / "preamble.tex", LATEX_PREAMBLE)
    write_docx_table(shown, folder / f"{name}.docx", caption)
    return written + [folder / f"{name}.{ext}" for ext in ("md", "tex", "docx")]


# --- The appendix page ----------------------------------------------------------------------------------------

#: Notebook sections that set the review beside its paper: shown only for a published review (claims in published.yml).
PUBLISHED_ONLY_HEADINGS = {"Reproduction report", "Initial vs final: the evidence beside the paper",
                           "The paper's statements about the measure, checked"}
#: Cells with this tag (instructions for the notebook's reader, e.g. how to change a parameter) are left out.
OMIT_TAG = "appendix-omit"
_TABLE_ID = re.compile(r'<table[^>]*\bid="table-([^"]+)"')
_FIGURE_ID = re.compile(r'<figure[^>]*\bid="figure-([^"]+)"')


def _sections(cells: list) -> list[list]:
    """Cells grouped into sections, each starting at a ``## `` heading (the first holds what precedes one)."""
    sections: list[list] = [[]]
    for cell in cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            sections.append([])
        sections[-1].append(cell)
    return sections


def _heading(section: list) -> str:
    first = section[0] if section else None
    if first is None or first.cell_type != "markdown" or not first.source.lstrip().startswith("## "):
        return ""
    return first.source.lstrip()[3:].splitlines()[0].strip()


def _shows_data(cells: list) -> bool:
    """Whether any cell shows a table or a figure (what :mod:`synthesis.notebook` displays for data)."""
    return any("synthesis-table" in html_text or "synthesis-figure" in html_text
               for cell in cells if cell.cell_type == "code" for output in cell.get("outputs", [])
               for html_text in [str(output.get("data", {}).get("text/html", ""))])


def prepare_notebook(notebook, review: Review):
    """The notebook as the appendix shows it: cells tagged :data:`OMIT_TAG` and the review's header (shown once,
    at the top of the appendix) left out, and sections comparing with the paper kept only where the review has
    published numbers. Returns None when no cell shows a table or figure (the stage has no data)."""
    from synthesis.notebook import summary

    header = summary(review)
    published = is_published(review)
    kept = []
    for section in _sections([c for c in notebook.cells if OMIT_TAG not in c.get("metadata", {}).get("tags", [])]):
        if _heading(section) in PUBLISHED_ONLY_HEADINGS and not published:
            continue
        for cell in section:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", [])
                                if o.get("data", {}).get("text/markdown") != header]
            kept.append(cell)
    if not _shows_data(kept):
        return None
    notebook.cells = kept
    return notebook


def _notebook_bodies(review: Review, run_dir: Path, stems: list[str]) -> list[tuple[str, str, object, str]]:
    """(stem, title, prepared notebook, HTML body) of each notebook with data, in order."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    bodies = []
    for stem in stems:
        notebook = nbformat.read(run_dir / f"{stem}.ipynb", as_version=4)
        title = next((line.lstrip("# ").strip() for cell in notebook.cells if cell.cell_type == "markdown"
                      for line in cell.source.splitlines() if line.startswith("# ")), stem)
        prepared = prepare_notebook(notebook, review)
        if prepared is not None:
            body, _ = exporter.from_notebook_node(prepared)
            bodies.append((stem, title, prepared, body))
    return bodies


def number_captions(page: str) -> tuple[str, dict[str, int], dict[str, int]]:
    """Number the captions of the page's tables and figures in order ("Table 3. ...", "Figure 2. ...").

    Returns the page and the numbers given to each table and figure name (its first appearance).
    """
    numbers: dict[str, dict[str, int]] = {"table": {}, "figure": {}}
    counters = {"table": 0, "figure": 0}

    def number(match: re.Match) -> str:
        kind = "table" if match.group(1) == "table" else "figure"
        counters[kind] += 1
        numbers[kind].setdefault(match.group(2), counters[kind])
        return match.group(0) + f"{kind.capitalize()} {counters[kind]}. "

    page = re.sub(r'<(table|figure)[^>]*\bid="(?:table|figure)-([^"]+)"[^>]*>\s*(?:<caption>|<img[^>]*><figcaption>)',
                  number, page)
    return page, numbers["table"], numbers["figure"]


def methods_summary(review: Review) -> list[tuple[str, str]]:
    """A short account of the review's methods from ``review.yml`` (and its search and PRISMA files)."""
    meta = review.meta
    rows = [("Question", str(meta.get("question", ""))), ("Method", " ".join(str(meta.get("method", "")).split())),
            ("Approach", "Realist synthesis: context-mechanism-outcome configurations tested against the coded "
                         "evidence." if meta.get("realist") else "A synthesis that builds no CMOCs.")]
    unit = f"Tallies count {units_word(review)}."
    rows.append(("Counting unit", f"{unit} {meta.get('unit_note', '')}".strip()))
    databases = [d["name"] for d in (review.document("prisma.yml") or {}).get("databases") or []]
    if databases:
        rows.append(("Databases", ", ".join(databases) + "."))
    screening = meta.get("screening") or {}
    described = [str(screening[k]) for k in ("title_abstract", "full_text", "agreement") if screening.get(k)]
    if described:
        rows.append(("Screening", " ".join(described)))
    standards = [str(s) for s in meta.get("reporting_standards") or []]
    if standards:
        rows.append(("Reported following", ", ".join(standards) + "."))
    if is_published(review):
        rows.append(("Reproduction", "Every number the paper publishes is set beside the value recomputed from the "
                                     "review's data (the reproduction report)."))
    return [(term, text) for term, text in rows if text]


def _manifest(run_dir: Path) -> dict:
    path = run_dir / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _provenance(run_dir: Path) -> str:
    manifest = _manifest(run_dir)
    versions = manifest.get("versions", {})
    return (f"Produced by synthesis {versions.get('synthesis', 'unknown')} (git commit "
            f"{manifest.get('git_commit', 'unknown')}) from {len(manifest.get('inputs', {}))} input files whose "
            "SHA-256 digests, parameters and package versions are in manifest.json.")


def _checklists(review: Review, folder: Path) -> list[dict]:
    """Each applicable checklist written to ``folder`` and prepared for the page."""
    prepared = []
    for name in applicable_checklists(review):
        table = checklist_table(review, name)
        stem = "checklist_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        checklist = load_checklist(name)
        write_table_formats(table, stem, folder, f"{checklist['title']}: where this appendix reports each item.")
        rows = [{"item": r["item"], "section": r["section"], "text": r["item text"], "where": r["reported in"],
                 "status": r["status"],
                 "anchor": heading_anchor(r["reported in"].split(": ", 1)[1]) if r["status"] == "reported" else ""}
                for r in table.to_dict("records")]
        prepared.append({"stem": stem, "title": checklist["title"], "reference": checklist["reference"],
                         "reported": len(table) - len(unreported_items(table)), "total": len(table), "rows": rows})
    return prepared


def _copy_figures(run_dir: Path, folder: Path) -> dict[str, set[str]]:
    files: dict[str, set[str]] = {}
    for figure in sorted((run_dir / "figures").glob("*")) if (run_dir / "figures").is_dir() else []:
        if figure.suffix.lstrip(".") in FIGURE_FORMATS:
            write_bytes_atomic(folder / figure.name, figure.read_bytes())
            files.setdefault(figure.stem, set()).add(figure.name)
    return files


def _write_tables(run_dir: Path, folder: Path, numbers: dict[str, int]) -> dict[str, set[str]]:
    """Every table of the run in every format, captioned with its number in the appendix where it has one."""
    files: dict[str, set[str]] = {}
    for csv in sorted((run_dir / "tables").glob("*.csv")) if (run_dir / "tables").is_dir() else []:
        frame = read_table(csv)
        caption = table_caption(csv.stem)
        if csv.stem in numbers:
            caption = f"Table {numbers[csv.stem]}. {caption}"
        files[csv.stem] = {p.name for p in write_table_formats(frame, csv.stem, folder, caption)}
    return files


def _file_links(files: dict[str, set[str]], folder: str, formats: tuple[str, ...]) -> list:
    return [(name, [(ext, f"{folder}/{quote(name)}.{ext}") for ext in formats if f"{name}.{ext}" in present])
            for name, present in sorted(files.items())]


def build_appendix(review: Review, run_dir: str | Path, min_documents: int | None = None) -> Path:
    """Write ``<run_dir>/appendix/`` from a finished run of the notebooks in ``run_dir``.

    Parameters
    ----------
    review : Review
        The review the notebooks ran on.
    run_dir : path
        The run's output folder: the executed notebooks, ``tables/``, ``figures/`` and ``manifest.json``.
    min_documents : int, optional
        Documents needed to support a theory; default the value notebook 04 ran with.

    Returns
    -------
    Path
        The appendix folder, holding ``appendix.html``, ``appendix.docx`` (and ``appendix.pdf`` where Chromium
        is installed), ``tables/``, ``figures/`` and ``checklists/``.
    """
    run_dir = Path(run_dir)
    stems = sorted(p.stem for p in run_dir.glob("[0-9][0-9]_*.ipynb"))
    if not stems:
        raise ReviewError(str(run_dir), "no executed notebooks to build an appendix from", field="run",
                          hint="run the notebooks first: synthesis report runs them for you")
    if min_documents is None:
        min_documents = int(_manifest(run_dir).get("notebooks", {}).get("04_final_theory", {})
                            .get("parameters", {}).get("min_documents", 1))
    appendix = run_dir / "appendix"
    if appendix.exists():
        shutil.rmtree(appendix)
    bodies = _notebook_bodies(review, run_dir, stems)
    numbered, table_numbers, _ = number_captions(_SECTION_BREAK.join(body for *_, body in bodies))
    sections = [{"stem": stem, "title": title, "body": body}
                for (stem, title, *_), body in zip(bodies, numbered.split(_SECTION_BREAK))]
    table_files = _write_tables(run_dir, appendix / "tables", table_numbers)
    figure_files = _copy_figures(run_dir, appendix / "figures")
    final_html = final_theory.final_model(review, "html", min_documents)
    if final_html:
        for fmt, extension in (("markdown", "md"), ("html", "html"), ("latex", "tex")):
            write_text_atomic(appendix / f"final_model.{extension}", final_theory.final_model(review, fmt, min_documents))
        write_docx_final_model(review, appendix / "final_model.docx", min_documents)
    checklists = _checklists(review, appendix / "checklists")
    shown = numbered.count("<caption>Table ")
    for number, checklist in enumerate(checklists, start=shown + 1):
        checklist["caption"] = f"Table {number}. {checklist['title']}: where this appendix reports each item."
    pdf = shutil.which(_CHROMIUM) is not None
    page = _environment().get_template("appendix.html.j2").render(
        title=review.title, citation=str(review.meta.get("citation", "")), provenance=_provenance(run_dir),
        css=resources.files("synthesis").joinpath("templates", "appendix", "appendix.css").read_text(encoding="utf-8"),
        methods=methods_summary(review), sections=sections, final_model=final_html, checklists=checklists,
        pdf=pdf, tables=_file_links(table_files, "tables", TABLE_FORMATS),
        figures=_file_links(figure_files, "figures", FIGURE_FORMATS))
    write_text_atomic(appendix / "appendix.html", page)
    write_docx_appendix(review, appendix, [(title, notebook) for _, title, notebook, _ in bodies],
                        methods_summary(review), min_documents, checklists)
    if pdf:
        print_pdf(appendix / "appendix.html", appendix / "appendix.pdf")
    return appendix


# Joins the notebooks' bodies while their captions are numbered across the whole page.
_SECTION_BREAK = "<!-- synthesis: next notebook -->"


def _environment():
    """The Jinja2 environment of the appendix templates, escaping every value that is not marked safe."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("synthesis", "templates/appendix"),
                              autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


# --- The appendix as one Word file and as PDF -----------------------------------------------------------------

_CHROMIUM = "chromium"
_MARKUP = re.compile(r"\*\*|__|`|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)")


def _plain(markdown: str) -> str:
    """Markdown inline text as plain words (emphasis and code marks dropped)."""
    return _MARKUP.sub("", markdown).strip()


def _add_markdown(document, source: str) -> None:
    """A notebook's Markdown cell as Word headings and paragraphs (the notebook's ``# `` title is the section's)."""
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines or lines[0].startswith("# "):
            continue
        if lines[0].startswith("#"):
            level = len(lines[0]) - len(lines[0].lstrip("#"))
            document.add_heading(_plain(lines[0].lstrip("# ")), level=min(level, 4))
            lines = lines[1:]
        if lines:
            document.add_paragraph(_plain(" ".join(lines)))


def _add_grid(document, table: pd.DataFrame) -> None:
    """``table`` as a bordered Word table with a bold header row."""
    grid = document.add_table(rows=1, cols=max(len(table.columns), 1))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns):
        cell.paragraphs[0].add_run(str(column)).bold = True
    for values in table.itertuples(index=False):
        for cell, value in zip(grid.add_row().cells, values):
            cell.text = str(value)


def read_table(path: Path) -> pd.DataFrame:
    """A table the run wrote, as text, with empty cells as missing (shown as :data:`synthesis.tables.MISSING`)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _add_output(document, output: dict, appendix: Path, counters: dict[str, int]) -> None:
    """One cell output in Word: a table as a Word table, a figure with its alt text, a note as a paragraph."""
    from docx.shared import Inches

    data = output.get("data", {})
    page = str(data.get("text/html", ""))
    table_id, figure_id = _TABLE_ID.search(page), _FIGURE_ID.search(page)
    if table_id and (appendix / "tables" / f"{table_id.group(1)}.csv").exists():
        counters["table"] += 1
        caption = re.search(r"<caption>(.*?)</caption>", page, re.S)
        document.add_paragraph().add_run(f"Table {counters['table']}. "
                                         + html.unescape(caption.group(1) if caption else "")).bold = True
        _add_grid(document, readable(read_table(appendix / "tables" / f"{table_id.group(1)}.csv")))
    elif figure_id and (appendix / "figures" / f"{figure_id.group(1)}.png").exists():
        counters["figure"] += 1
        alt = re.search(r'alt="([^"]*)"', page)
        caption = re.search(r"<figcaption>(.*?)</figcaption>", page, re.S)
        shape = document.add_picture(str(appendix / "figures" / f"{figure_id.group(1)}.png"), width=Inches(6.3))
        shape._inline.docPr.set("descr", html.unescape(alt.group(1)) if alt else "")
        document.add_paragraph().add_run(f"Figure {counters['figure']}. "
                                         + html.unescape(caption.group(1) if caption else "")).bold = True
    elif "text/markdown" in data:
        _add_markdown(document, str(data["text/markdown"]))
    elif output.get("output_type") == "stream" or "text/plain" in data:
        text = output.get("text") or data.get("text/plain", "")
        if str(text).strip():
            document.add_paragraph(str(text).strip())


def _add_final_model(document, review: Review, min_documents: int, level: int = 1) -> None:
    document.add_heading(f"Final programme theory: {review.title}", level=level)
    document.add_paragraph().add_run(final_theory.FINAL_LEGEND).italic = True
    for heading, items in final_theory.final_model_sections(review, min_documents):
        document.add_heading(heading, level=level + 1)
        for status, text in items:
            styled = final_theory.styled_statement(text, status, "text")
            run = document.add_paragraph(style="List Bullet").add_run(styled)
            run.font.strike = status == "unsupported"


def write_docx_appendix(review: Review, appendix: Path, notebooks: list[tuple[str, object]],
                        methods: list[tuple[str, str]], min_documents: int, checklists: list[dict]) -> Path:
    """The whole appendix as ``appendix.docx``: the header, the methods, each notebook's text, tables (as Word
    tables) and figures (with alt text), the final programme theory and the checklists, numbered as the page."""
    import docx

    document = docx.Document()
    document.add_heading(f"Appendix: {review.title}", level=0)
    document.add_paragraph(str(review.meta.get("citation", "")))
    document.add_heading("Methods in brief", level=1)
    for term, text in methods:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(text)
    counters = {"table": 0, "figure": 0}
    for title, notebook in notebooks:
        document.add_heading(title, level=1)
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                _add_markdown(document, cell.source)
            elif cell.cell_type == "code":
                for output in cell.get("outputs", []):
                    _add_output(document, output, appendix, counters)
    if final_theory.final_model(review, "markdown", min_documents):
        _add_final_model(document, review, min_documents)
    if checklists:
        document.add_heading("Reporting checklists", level=1)
    for checklist in checklists:
        document.add_heading(checklist["title"], level=2)
        document.add_paragraph(f"{checklist['reference']}. {checklist['reported']} of {checklist['total']} items "
                               "are reported in this appendix.")
        document.add_paragraph().add_run(checklist["caption"]).bold = True
        rows = [{"item": r["item"], "section": r["section"], "item text": r["text"], "reported in": r["where"],
                 "status": r["status"]} for r in checklist["rows"]]
        _add_grid(document, readable(pd.DataFrame(rows)))
    _save_docx(document, appendix / "appendix.docx")
    return appendix / "appendix.docx"


# Chromium stamps the time of printing in the PDF's information and numbers the tagged elements by a counter
# that runs on between pages; both are replaced by fixed values of the same length (the cross-reference
# offsets stay right), so two runs write the same bytes.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
_PDF_NODE = re.compile(rb"/ID \(node(\d{8})\)")


def print_pdf(page: Path, target: Path) -> Path:
    """Print ``page`` to ``target`` with headless Chromium (no header or footer, fixed dates, links within the
    page kept and links to other files left as text)."""
    import subprocess
    import tempfile

    # Links to the files beside the page would be printed as absolute file:// addresses of this machine: in a
    # PDF sent on they lead nowhere (and would differ from run to run), so their text is kept without the link.
    standalone = re.sub(r'<a href="(?!#)[^"]*">(.*?)</a>', r"\1", page.read_text(encoding="utf-8"), flags=re.S)
    with tempfile.TemporaryDirectory() as profile:
        source = Path(profile) / "page.html"
        source.write_text(standalone, encoding="utf-8")
        printed = Path(profile) / "print.pdf"
        result = subprocess.run(
            [_CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}/user",
             "--no-pdf-header-footer", f"--print-to-pdf={printed}", source.as_uri()],
            capture_output=True, text=True, timeout=300, check=False)
        if result.returncode != 0 or not printed.exists():
            raise ReviewError(str(page), "Chromium could not print the appendix to PDF", field="appendix.pdf",
                              hint=result.stderr.strip()[-300:] or "check that `chromium --headless` runs")
        data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:20000101000000" + m.group(3) + b")",
                             printed.read_bytes())
        nodes: dict[bytes, bytes] = {}
        data = _PDF_NODE.sub(lambda m: b"/ID (node" + nodes.setdefault(m.group(1), b"%08d" % len(nodes)) + b")",
                             data)
    write_bytes_atomic(target, data)
    return target

"""The review-folder schemas (kept as data in ``schemas/``) and validation against them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from synthesis.csvrows import header_and_rows, ragged_row
from synthesis.errors import Problem, ReviewError
from synthesis.textfile import decode_text
from synthesis.yamlfile import YamlDocument, read_yaml

__all__ = ["FileSchema", "file_schemas", "schema_for", "validate_document", "read_table", "read_document",
           "schema_markdown"]


@dataclass(frozen=True)
class FileSchema:
    """The schema of one kind of file in a review folder.

    Attributes
    ----------
    name : str
        Schema name, the file stem under ``synthesis/schemas/``.
    path : str
        Where the file sits in a review folder, e.g. ``search/log.csv``.
    kind : str
        ``csv`` or ``yaml``.
    json_schema : dict
        JSON Schema for the YAML document, or for one CSV row.
    key : str or None
        Column whose values must be unique (CSV only).
    list_columns : tuple of str
        Columns that hold ``;``-separated lists.
    references : dict
        Column (or YAML list field) -> ``"other/file.csv:column"`` that its values must exist in.
    """

    name: str
    path: str
    kind: str
    json_schema: dict
    key: str | None
    list_columns: tuple[str, ...]
    references: dict[str, str]

    @property
    def columns(self) -> list[str]:
        """Column names in schema order (CSV only)."""
        return list(self.json_schema.get("properties", {}))

    @property
    def required(self) -> list[str]:
        """Required columns or top-level keys."""
        return list(self.json_schema.get("required", []))


@cache
def file_schemas() -> dict[str, FileSchema]:
    """All schemas, keyed by their path inside a review folder."""
    found = {}
    for entry in sorted(resources.files("synthesis").joinpath("schemas").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
        schema = _build(entry.name[:-4], raw)
        found[schema.path] = schema
    return found


def _build(name: str, raw: dict) -> FileSchema:
    path = raw.pop("x-path")
    return FileSchema(
        name=name,
        path=path,
        kind="csv" if path.endswith(".csv") else "yaml",
        key=raw.pop("x-key", None),
        list_columns=tuple(raw.pop("x-list-columns", ())),
        references=raw.pop("x-references", {}),
        json_schema=raw,
    )


def schema_for(path_in_review: str) -> FileSchema:
    """The schema of the file at ``path_in_review`` (e.g. ``studies.csv``)."""
    try:
        return file_schemas()[path_in_review]
    except KeyError:
        raise KeyError(f"no schema for {path_in_review!r}; known: {sorted(file_schemas())}") from None


_HINTS = {
    "required": "add it; data/README.md lists the required fields",
    "type": "see data/README.md for the type of this field",
    "enum": "use one of the values listed",
    "additionalProperties": "remove it or correct its spelling; data/README.md lists the allowed fields",
    "pattern": "see data/README.md for the expected form",
    "minimum": "the value is below the allowed minimum",
    "maximum": "the value is above the allowed maximum",
    "minLength": "write a value; leave the whole field out if it is not reported",
    "minItems": "list at least one item",
    "uniqueItems": "remove the repeated item",
}


def _message(error: jsonschema.ValidationError) -> tuple[str, str]:
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not allowed", f"use one of: {allowed}"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        wanted = {"integer": "a whole number", "number": "a number", "string": "text", "array": "a list",
                  "object": "a mapping of keys to values", "boolean": "true or false"}.get(wanted, wanted)
        return f"{error.instance!r} is not {wanted}", _HINTS["type"]
    if error.validator == "pattern" and error.schema.get("description"):
        return f"{error.instance!r} is not in the expected form", f"expected {error.schema['description']}"
    return error.message, _HINTS.get(error.validator, "")


def validate_document(document: YamlDocument, schema: FileSchema, display: str) -> list[Problem]:
    """Validate a YAML document against its schema; one :class:`Problem` per error."""
    problems = []
    validator = jsonschema.Draft202012Validator(schema.json_schema)
    for error in sorted(validator.iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path))):
        location = list(error.absolute_path)
        if error.validator == "required":
            field_name = ".".join(map(str, location + [error.message.split("'")[1]]))
        elif error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            location = location + extra[:1]
            field_name = ".".join(map(str, location))
        else:
            field_name = ".".join(map(str, location)) or "(document)"
        message, hint = _message(error)
        problems.append(Problem(display, document.line_of(location), field_name, message, hint))
    return problems


def read_document(path: Path, schema: FileSchema, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Read and validate a YAML file; syntax errors come back as problems, not exceptions."""
    try:
        document = read_yaml(path)
    except ReviewError as exc:
        return None, [Problem(display, exc.problem.line, exc.problem.field, exc.problem.message, exc.problem.hint)]
    if schema.json_schema.get("type") == "object" and not isinstance(document.data, dict):
        found = "nothing" if document.data is None else f"a {type(document.data).__name__}"
        required = ", ".join(schema.required) or "its keys"
        return None, [Problem(display, 1, "(document)", f"the file holds {found}, not a mapping of keys",
                              f"write the keys one per line as 'key: value', starting with {required}")]
    return document, validate_document(document, schema, display)


def _coerce(value: str, spec: dict) -> Any:
    if value == "":
        return None
    types = spec.get("type", "string")
    types = [types] if isinstance(types, str) else types
    if "integer" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "number" in types:
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    if "boolean" in types and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


@cache
def _compiled(name: str):
    import fastjsonschema

    schema = next(s for s in file_schemas().values() if s.name == name)
    return fastjsonschema.compile({k: v for k, v in schema.json_schema.items() if k != "$schema"})


def _fast_validator(schema: FileSchema):
    """A compiled validator answering valid or not; rows it rejects are re-checked by jsonschema for the message."""
    validate = _compiled(schema.name)

    def is_valid(instance: dict) -> bool:
        try:
            validate(instance)
        except Exception:
            return False
        return True

    return is_valid


def read_table(path: Path, schema: FileSchema, display: str) -> tuple[pd.DataFrame, list[Problem], list[int]]:
    """Read a CSV file of a review folder and validate every row.

    Parameters
    ----------
    path : Path
        The CSV file (UTF-8, comma-separated, header row).
    schema : FileSchema
        Its schema.
    display : str
        How to name the file in problems.

    Returns
    -------
    table : pandas.DataFrame
        One row per data row, columns in schema order; empty cells are missing values
        (``None``), ``;``-separated list columns are lists.
    problems : list of Problem
    lines : list of int
        The line on which each row starts (kept apart from the table: pandas copies ``attrs`` into every row
        it iterates, which would make each row cost as much as the whole file).
    """
    nothing = pd.DataFrame(columns=schema.columns)
    try:
        text = decode_text(display, path.read_bytes(), "save the file as UTF-8 CSV (a UTF-16 or Latin-1 export must "
                                                        "be converted first)")
        header, rows = header_and_rows(display, text, empty_hint=f"write a header row: {','.join(schema.columns)}")
    except ReviewError as exc:
        return nothing, [exc.problem], []
    problems = _header_problems(display, header, schema)
    if problems:
        return nothing, problems, []
    check_row = _row_checker(display, schema)
    records, lines = [], []
    keys: dict[Any, int] = {}
    try:
        for start, cells in rows:
            ragged = ragged_row(display, start, cells, len(header))
            if ragged:
                problems.append(ragged)
                continue
            record = _row_record(header, cells, schema)
            problems += check_row(start, record)
            if schema.key and record.get(schema.key) is not None:
                key = record[schema.key]
                if key in keys:
                    problems.append(Problem(display, start, schema.key, f"{key!r} already used on line {keys[key]}",
                                            "ids must be unique in this file"))
                keys.setdefault(key, start)
            records.append(record)
            lines.append(start)
    except ReviewError as exc:  # a row the csv module cannot read: the rows before it are kept
        problems.append(exc.problem)
    return _table_frame(records, header, schema), problems, lines


def _header_problems(display: str, header: list[str], schema: FileSchema) -> list[Problem]:
    """Problems with a table's header: required columns missing, columns the schema does not know, repeats."""
    problems = []
    properties = schema.json_schema.get("properties", {})
    for column in schema.required:
        if column not in header:
            problems.append(Problem(display, 1, column, "required column is missing",
                                    f"add a column named {column!r}"))
    for column in header:
        if column not in properties:
            problems.append(Problem(display, 1, column, "unknown column",
                                    "remove it or correct its spelling; allowed: " + ", ".join(properties)))
    seen_header = set()
    for column in header:
        if column in seen_header:
            problems.append(Problem(display, 1, column, "column appears twice", "keep one of them"))
        seen_header.add(column)
    return problems


def _row_record(header: list[str], cells: list[str], schema: FileSchema) -> dict:
    """One row as values: cells stripped, typed by the schema, list columns split on ``;``, empty cells None."""
    properties = schema.json_schema.get("properties", {})
    record = {}
    for column, cell in zip(header, cells):
        value = cell.strip()
        if column in schema.list_columns:
            record[column] = [part.strip() for part in value.split(";") if part.strip()] if value else None
        else:
            record[column] = _coerce(value, properties[column])
    return record


def _row_checker(display: str, schema: FileSchema):
    """A function giving the problems of one row (its line, its record) against the schema.

    The compiled validator answers most rows; a row it rejects is validated again by jsonschema for the messages.
    """
    row_validator = jsonschema.Draft202012Validator(schema.json_schema)
    row_is_valid = _fast_validator(schema)

    def problems(line: int, record: dict) -> list[Problem]:
        instance = {k: v for k, v in record.items() if v is not None}
        found = []
        for error in ([] if row_is_valid(instance) else row_validator.iter_errors(instance)):
            column = error.message.split("'")[1] if error.validator == "required" else ".".join(
                str(p) for p in list(error.absolute_path)[:1])
            message, hint = _message(error)
            if error.validator == "required":
                message, hint = "value is missing", "this column must be filled on every row"
            found.append(Problem(display, line, column, message, hint))
        return found

    return problems


def _table_frame(records: list[dict], header: list[str], schema: FileSchema) -> pd.DataFrame:
    """The rows as a table with every schema column, in schema order, empty cells ``None``."""
    table = pd.DataFrame.from_records(records, columns=[c for c in schema.columns if c in header] or schema.columns)
    for column in schema.columns:
        if column not in table.columns:
            table[column] = None
    # Keep None for empty cells whatever dtype pandas infers (it would turn them into NaN).
    table = table[schema.columns].astype(object)
    return table.where(table.notna(), None)


def _type_text(name: str, spec: dict, schema: FileSchema) -> str:
    if name in schema.list_columns:
        return "list, `;`-separated"
    if "enum" in spec:
        return "one of: " + ", ".join(map(str, spec["enum"]))
    kind = spec.get("type", "")
    return kind if isinstance(kind, str) else " or ".join(kind)


def schema_markdown() -> str:
    """The "Files and fields" section of data/README.md, generated from the schemas."""
    out = []
    for path, schema in sorted(file_schemas().items()):
        js = schema.json_schema
        out += [f"### `{path}`", "", (js.get("description") or js.get("title", "")).strip(), ""]
        if schema.kind == "csv":
            out += ["| column | required | type | meaning |", "|---|---|---|---|"]
            out += [f"| `{name}` | {'yes' if name in schema.required else ''} | {_type_text(name, spec, schema)} | "
                    f"{spec.get('description', '')} |" for name, spec in js["properties"].items()]
            notes = [f"`{schema.key}` is unique"] if schema.key else []
            notes += [f"`{column}` must be an id in `{target.split(':')[0]}` (column `{target.split(':')[1]}`)"
                      for column, target in schema.references.items()]
            if notes:
                out += ["", "; ".join(notes) + "."]
        else:
            out += ["| key | required | meaning |", "|---|---|---|"]
            for name, spec in js["properties"].items():
                meaning = spec.get("description", "")
                if "$ref" in spec or "additionalProperties" in spec and isinstance(spec["additionalProperties"], dict) \
                        and "$ref" in spec["additionalProperties"]:
                    meaning = (meaning + "; " if meaning else "") + \
                        "a count: `n` (whole number or null), `label`, `note`, `source` (required)"
                if "enum" in spec:
                    meaning = (meaning + "; " if meaning else "") + "one of: " + ", ".join(map(str, spec["enum"]))
                out.append(f"| `{name}` | {'yes' if name in schema.required else ''} | {meaning} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(schema_markdown(), end="")

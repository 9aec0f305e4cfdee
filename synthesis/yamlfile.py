"""YAML reading that remembers the line of every value, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from synthesis.errors import ReviewError
from synthesis.textfile import decode_text

__all__ = ["YamlDocument", "read_yaml"]


class YamlDocument:
    """A parsed YAML file with the line of each key and item.

    Parameters
    ----------
    path : Path
        The file read.
    data : Any
        The plain Python value (dicts, lists, scalars).
    lines : dict
        Maps a path of keys and indices, as a tuple, to its 1-based line.
    """

    def __init__(self, path: Path, data: Any, lines: dict[tuple, int]) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, location: tuple | list) -> int | None:
        """Line of the value at ``location``, or of its nearest enclosing value."""
        location = tuple(location)
        while location not in self.lines and location:
            location = location[:-1]
        return self.lines.get(location)


def _collect(path: Path, node: yaml.Node, location: tuple, lines: dict[tuple, int]) -> None:
    if location not in lines:
        lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                # PyYAML would silently keep the last value; a repeated key is almost always a mistake.
                raise ReviewError(path, f"key {key_node.value!r} repeats the one on line {seen[key_node.value]}",
                                  line=line, field=".".join(map(str, location + (key_node.value,))),
                                  hint="keep one of them")
            seen[key_node.value] = line
            lines[location + (key_node.value,)] = line
            _collect(path, value_node, location + (key_node.value,), lines)
        return
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:float" \
            and node.value.lower().lstrip("+-") in (".nan", ".inf"):
        raise ReviewError(path, f"{node.value} is not a finite number", line=node.start_mark.line + 1,
                          field=".".join(map(str, location)) or "-", hint="give a number, or leave the value out")
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect(path, item, location + (index,), lines)


class _TextDatesLoader(yaml.SafeLoader):
    """YAML's safe loader, reading an unquoted date (``from: 2000-01-01``) as the text written: review files
    hold dates as text, and a reviewer should not have to quote them."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_yaml(path: str | Path) -> YamlDocument:
    """Read a YAML file, raising :class:`ReviewError` with the line of any syntax error.

    Parameters
    ----------
    path : str or Path
        The file to read (UTF-8).

    Returns
    -------
    YamlDocument
    """
    path = Path(path)
    text = decode_text(path, path.read_bytes(), "save the file as UTF-8")
    try:
        node = yaml.compose(text, Loader=_TextDatesLoader)
        lines: dict[tuple, int] = {}
        if node is not None:
            _collect(path, node, (), lines)
        data = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ReviewError(path, f"not valid YAML: {exc.problem}", line=mark.line + 1 if mark else None,
                          field="syntax", hint="check indentation and quote values that contain ': ' or '#'") from None
    except yaml.YAMLError as exc:  # the reader's errors (control characters, bad encodings) carry no mark
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else None
        raise ReviewError(path, f"not valid YAML: {exc}".splitlines()[0], line=line, field="syntax",
                          hint="remove control characters; save the file as plain UTF-8 text") from None
    return YamlDocument(path, data, lines)

"""YAML reading that remembers the line of every value, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from synthesis.errors import ReviewError

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


def _collect(node: yaml.Node, location: tuple, lines: dict[tuple, int]) -> None:
    if location not in lines:
        lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            lines[location + (key_node.value,)] = key_node.start_mark.line + 1
            _collect(value_node, location + (key_node.value,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect(item, location + (index,), lines)


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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                          hint="save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ReviewError(path, f"not valid YAML: {exc.problem}", line=mark.line + 1 if mark else None,
                          hint="check indentation and quote values that contain ': ' or '#'") from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _collect(node, (), lines)
    return YamlDocument(path, data, lines)

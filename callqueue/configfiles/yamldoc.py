"""YAML documents with the line and column of every value, so a problem found later can point at it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Problem, UnreadableYaml

Position = tuple[int, int]


class Positions:
    """Where each value of the document stands, by its path of keys."""

    def __init__(self) -> None:
        self.values: dict[tuple, Position] = {}
        self.keys: dict[tuple, Position] = {}

    def at(self, path: tuple, key: bool = False) -> Position:
        """Where `path` stands; pydantic adds tags to paths (a node's kind), so unknown parts are skipped."""
        known: tuple = ()
        for part in path:
            if known + (part,) in self.values:
                known = known + (part,)
        table = self.keys if key and known in self.keys else self.values
        return table.get(known, (1, 1))


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed YAML tree into Python values, noting positions and duplicate keys."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.pos = Positions()
        self.problems: list[Problem] = []
        self.scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        self.pos.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalars.construct_object(node)

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            key = _scalar_key(key_node)
            if key in result:
                line, col = _mark(key_node)
                self.problems.append(Problem(self.file, line, col, f"{key!r} is written twice here; the second would silently win"))
            self.pos.keys[path + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result


def mark_of(exc: yaml.MarkedYAMLError) -> Position:
    mark = exc.problem_mark or exc.context_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _scalar_key(node: yaml.Node) -> str:
    # Menu digits are keys: `1:` must mean the key "1", not the integer 1.
    if isinstance(node, yaml.ScalarNode):
        return node.value
    line, col = _mark(node)
    raise UnreadableYaml([Problem("?", line, col, "a key must be plain text")])


@dataclass
class Document:
    """Parsed YAML: the plain data, where each value stands, and problems met on the way (duplicate keys)."""

    data: Any
    positions: Positions
    problems: list[Problem]
    file: str

    def locate(self, path: tuple, key: bool = False) -> Position:
        return self.positions.at(path, key)

    def problem(self, path: tuple, message: str, severity: str = "error", key: bool = False) -> Problem:
        return Problem(self.file, *self.locate(path, key), message, severity)


def read_yaml(text: str, file: str) -> Document:
    """Parse YAML keeping positions; syntax errors raise UnreadableYaml with the line and column."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, col = mark_of(exc)
        raise UnreadableYaml([Problem(file, line, col, f"not valid YAML: {exc.problem or exc.context}")]) from None
    if root is None:
        raise UnreadableYaml([Problem(file, 1, 1, "the file is empty")])
    builder = _Builder(file)
    try:
        data = builder.build(root)
    except yaml.constructor.ConstructorError as exc:
        line, col = mark_of(exc)
        raise UnreadableYaml([Problem(file, line, col, f"not valid YAML: {exc.problem}")]) from None
    except UnreadableYaml as exc:
        raise UnreadableYaml([Problem(file, p.line, p.column, p.message) for p in exc.problems]) from None
    return Document(data, builder.pos, builder.problems, file)

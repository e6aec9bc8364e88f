"""Load flow YAML into typed models, reporting every problem as file:line:column."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import FlowLoadError, Problem
from .model import Flow
from .checks import check_flow

Position = tuple[int, int]


class _Positions:
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
        self.pos = _Positions()
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


def _mark_of(exc: yaml.MarkedYAMLError) -> Position:
    mark = exc.problem_mark or exc.context_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _scalar_key(node: yaml.Node) -> str:
    # Menu digits are keys: `1:` must mean the key "1", not the integer 1.
    if isinstance(node, yaml.ScalarNode):
        return node.value
    line, col = _mark(node)
    raise FlowLoadError([Problem("?", line, col, "a key must be plain text")])


def _explain(error: dict) -> str:
    loc = [str(p) for p in error["loc"] if not str(p).startswith(("function-", "str", "MenuOption"))]
    where = ".".join(loc)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"unknown field {loc[-1]!r}" + (f" in {'.'.join(loc[:-1])}" if len(loc) > 1 else "")
    if error["type"] == "union_tag_invalid":
        return f"{where}: unknown node kind {error['input'].get('kind')!r}" if isinstance(error.get("input"), dict) else f"{where}: {message}"
    if error["type"] == "string_type" and isinstance(error.get("input"), (int, float)):
        return f"{where}: {error['input']!r} was read as a number; put it in quotes"
    if error["type"] == "union_tag_not_found":
        return f"{where}: every node needs a 'kind' (say, menu, gather, goto, transfer, hangup)"
    return f"{where}: {message}" if where else message


def parse_flow(text: str, file: str = "<flow>") -> Flow:
    """Parse and check one flow document; raise FlowLoadError listing every error found."""
    flow, problems = check_flow_text(text, file)
    errors = [p for p in problems if p.severity == "error"]
    if errors or flow is None:
        raise FlowLoadError(errors)
    return flow


def check_flow_text(text: str, file: str = "<flow>") -> tuple[Flow | None, list[Problem]]:
    """Parse one flow document; the flow (None when it cannot be built) and every problem, warnings too."""
    try:
        return _parse(text, file)
    except FlowLoadError as exc:
        return None, exc.problems


def _parse(text: str, file: str) -> tuple[Flow, list[Problem]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, col = _mark_of(exc)
        raise FlowLoadError([Problem(file, line, col, f"not valid YAML: {exc.problem or exc.context}")]) from None
    if not isinstance(root, yaml.MappingNode):
        raise FlowLoadError([Problem(file, 1, 1, "a flow file must be a mapping with name, start and nodes")])
    builder = _Builder(file)
    try:
        data = builder.build(root)
    except yaml.constructor.ConstructorError as exc:
        line, col = _mark_of(exc)
        raise FlowLoadError([Problem(file, line, col, f"not valid YAML: {exc.problem}")]) from None
    except FlowLoadError as exc:
        raise FlowLoadError([Problem(file, p.line, p.column, p.message) for p in exc.problems]) from None
    data["version"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    data["path"] = file
    problems, pos = builder.problems, builder.pos
    flow = _validate(data, pos, problems, file)
    problems += [Problem(file, *pos.at(path, key), message, severity) for path, key, message, severity in check_flow(flow)]
    return flow, sorted(problems, key=lambda p: (p.line, p.column))


def _validate(data: dict, pos: _Positions, problems: list, file: str) -> Flow:
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            path = tuple(error["loc"])
            key = error["type"] == "extra_forbidden"
            problems.append(Problem(file, *pos.at(path, key), _explain(error)))
        raise FlowLoadError(sorted(problems, key=lambda p: (p.line, p.column))) from None
    if problems:
        raise FlowLoadError(problems)
    return flow


def load_flow_file(path: Path) -> Flow:
    """Read and parse one flow file; unreadable or invalid files raise FlowLoadError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowLoadError([Problem(str(path), 1, 1, f"cannot read the file: {exc}")]) from None
    return parse_flow(text, str(path))


def flow_files(directory: Path) -> list[Path]:
    """The flow files of a flows directory (its *.yaml and *.yml, not in sub-folders)."""
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))

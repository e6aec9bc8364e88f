"""Flow files as YAML documents with positions (callqueue.configfiles.yamldoc), and pydantic errors explained at those places."""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from callqueue.configfiles.problems import UnreadableYaml
from callqueue.configfiles.yamldoc import Document
from callqueue.configfiles.yamldoc import read_yaml as read_positioned_yaml

from .errors import FlowLoadError
from .nodes import NODE_KINDS

__all__ = ["Document", "explain", "read_yaml", "validate_model"]


def explain(error: dict) -> str:
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
        return f"{where}: every node needs a 'kind' ({', '.join(NODE_KINDS)})"
    return f"{where}: {message}" if where else message


def read_yaml(text: str, file: str) -> Document:
    """Parse a flow file's YAML keeping positions; syntax errors raise FlowLoadError with the line and column."""
    try:
        return read_positioned_yaml(text, file)
    except UnreadableYaml as exc:
        raise FlowLoadError(exc.problems) from None


def validate_model(model, doc: Document, data: Any | None = None):
    """`model.model_validate(data)`; a ValidationError becomes FlowLoadError with every error placed."""
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        problems = [doc.problem(tuple(e["loc"]), explain(e), key=e["type"] == "extra_forbidden") for e in exc.errors()]
        raise FlowLoadError(sorted(doc.problems + problems, key=lambda p: (p.line, p.column))) from None

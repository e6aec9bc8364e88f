"""Load flow YAML into typed models, reporting every problem as file:line:column."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .checks import check_flow
from .errors import FlowLoadError, Problem
from .model import Flow
from .yamldoc import Document, read_yaml, validate_model


@dataclass
class Parsed:
    """One flow file read: the flow (None when it could not be built), its problems, its document."""

    flow: Flow | None
    problems: list[Problem]
    doc: Document | None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def parse_flow(text: str, file: str = "<flow>") -> Flow:
    """Parse and check one flow document; raise FlowLoadError listing every error found."""
    parsed = parse_document(text, file)
    if parsed.errors or parsed.flow is None:
        raise FlowLoadError(parsed.errors)
    return parsed.flow


def check_flow_text(text: str, file: str = "<flow>") -> tuple[Flow | None, list[Problem]]:
    """Parse one flow document; the flow (None when it cannot be built) and every problem, warnings too."""
    parsed = parse_document(text, file)
    return parsed.flow, parsed.problems


def parse_document(text: str, file: str = "<flow>") -> Parsed:
    """Parse one flow document, keeping where each value stands for later cross-file checks."""
    try:
        doc = read_yaml(text, file)
        if not isinstance(doc.data, dict):
            raise FlowLoadError([Problem(file, 1, 1, "a flow file must be a mapping with name, start and nodes")])
        data = {**doc.data, "version": hashlib.sha256(text.encode()).hexdigest()[:16], "path": file}
        flow = validate_model(Flow, doc, data)
    except FlowLoadError as exc:
        return Parsed(None, exc.problems, None)
    found = [doc.problem(path, message, severity, key) for path, key, message, severity in check_flow(flow)]
    return Parsed(flow, sorted(doc.problems + found, key=lambda p: (p.line, p.column)), doc)


def load_flow_file(path: Path) -> Flow:
    """Read and parse one flow file; unreadable or invalid files raise FlowLoadError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowLoadError([Problem(str(path), 1, 1, f"cannot read the file: {exc}")]) from None
    return parse_flow(text, str(path))


QUEUE_FILES = frozenset({"queues.yaml", "agents.yaml"})  # call-queue settings beside the flows (callqueue/config.py)


def flow_files(directory: Path) -> list[Path]:
    """The flow files of a flows directory (its *.yaml and *.yml, not in sub-folders, not the queue files)."""
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.name not in QUEUE_FILES)

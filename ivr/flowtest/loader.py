"""Find and read flow test files; every problem placed as file:line:column, like the flow loader's."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..catalog import FlowCatalog, NoFlowError
from ..flow.errors import FlowLoadError, Problem
from ..flow.loader import flow_files
from ..flow.yamldoc import Document, read_yaml, validate_model
from ..sim.wire import DEFAULT_FROM, DEFAULT_TO
from .model import Case, TestFile


@dataclass(frozen=True)
class LoadedTest:
    """A test file read: its cases, and where each value stands in the file."""

    path: str
    test: TestFile
    doc: Document


def find_test_files(paths: list[Path]) -> list[Path]:
    """The files named, and the *.yaml/*.yml files of the folders named (not their sub-folders); relative to the
    working folder when inside it, as people read them in reports."""
    found: list[Path] = []
    for path in paths:
        found += flow_files(path) if path.is_dir() else [path]
    return [_shown(path) for path in found]


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def read_test_file(path: Path) -> LoadedTest:
    """Read one test file; raise FlowLoadError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowLoadError([Problem(str(path), 1, 1, f"cannot read the file: {exc}")]) from None
    doc = read_yaml(text, str(path))
    if not isinstance(doc.data, dict):
        raise FlowLoadError([Problem(str(path), 1, 1, "a flow test file is a mapping with `cases` (and `flow`)")])
    return LoadedTest(str(path), validate_model(TestFile, doc), doc)


def caller(loaded: LoadedTest, case: Case) -> str:
    return case.from_number or loaded.test.defaults.from_number or DEFAULT_FROM


def dialed(loaded: LoadedTest, case: Case, catalog: FlowCatalog) -> str:
    """The case's `to`, else the file's default, else the first number of the file's flow."""
    named = case.to or loaded.test.defaults.to
    if named:
        return named
    served = catalog.current.get(loaded.test.flow or "")
    return served.flow.numbers[0] if served is not None and served.flow.numbers else DEFAULT_TO


def check_against_flows(loaded: LoadedTest, catalog: FlowCatalog) -> list[Problem]:
    """Names that must exist in the flows: the file's `flow`, each case's `ends_at` node."""
    flow = loaded.test.flow
    if flow is not None and flow not in catalog.current:
        known = ", ".join(sorted(catalog.current)) or "none"
        return [loaded.doc.problem(("flow",), f"no flow named {flow!r} is loaded (loaded: {known})")]
    problems = []
    for index, case in enumerate(loaded.test.cases):
        problems += _check_case(loaded, index, case, catalog)
    return problems


def _check_case(loaded: LoadedTest, index: int, case: Case, catalog: FlowCatalog) -> list[Problem]:
    try:
        served = catalog.current[loaded.test.flow] if loaded.test.flow else catalog.for_number(dialed(loaded, case, catalog))
    except NoFlowError as exc:
        return [loaded.doc.problem(("cases", index), str(exc))]
    if case.ends_at is None or case.ends_at in served.flow.nodes:
        return []
    close = difflib.get_close_matches(case.ends_at, list(served.flow.nodes), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    message = f"ends_at: flow {served.flow.name!r} has no node {case.ends_at!r}{hint}"
    return [loaded.doc.problem(("cases", index, "ends_at"), message)]

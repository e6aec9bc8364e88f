"""The flows in service: loaded from the flows folder, picked by dialed number, kept by version."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .flow.errors import FlowLoadError, Problem
from .flow.loader import flow_files, parse_flow
from .flow.model import Flow

log = logging.getLogger(__name__)


class NoFlowError(Exception):
    """No flow can answer this number (none loaded, or none is the default)."""


@dataclass(frozen=True)
class LoadedFlow:
    flow: Flow
    source: str


class FlowCatalog:
    """Flows by name (the version in service) and by version hash (every version seen)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.current: dict[str, LoadedFlow] = {}
        self.versions: dict[str, LoadedFlow] = {}
        self.problems: dict[str, list[Problem]] = {}

    def load(self) -> None:
        """Read every flow file; a file that fails keeps its last good version in service."""
        if not self.directory.is_dir():
            self.problems = {str(self.directory): [Problem(str(self.directory), 1, 1, "the flows folder does not exist")]}
            log.error("flows folder %s does not exist", self.directory)
            return
        self.problems = {}
        for path in flow_files(self.directory):
            self._load_file(path)
        self._check_numbers()

    def _load_file(self, path: Path) -> None:
        try:
            source = path.read_text(encoding="utf-8")
            flow = parse_flow(source, str(path))
        except (OSError, UnicodeDecodeError) as exc:
            self.problems[str(path)] = [Problem(str(path), 1, 1, f"cannot read the file: {exc}")]
        except FlowLoadError as exc:
            self.problems[str(path)] = exc.problems
        else:
            self._put(flow, source)
            return
        for problem in self.problems[str(path)]:
            log.error("flow not loaded: %s", problem)

    def _put(self, flow: Flow, source: str) -> None:
        other = self.current.get(flow.name)
        if other is not None and other.flow.path != flow.path:
            self.problems[flow.path] = [Problem(flow.path, 1, 1, f"flow name {flow.name!r} is already used by {other.flow.path}")]
            log.error("flow not loaded: %s", self.problems[flow.path][0])
            return
        loaded = LoadedFlow(flow, source)
        self.current[flow.name] = loaded
        self.versions[flow.version] = loaded

    def _check_numbers(self) -> None:
        owners: dict[str, str] = {}
        for loaded in self.current.values():
            for number in loaded.flow.numbers:
                if number in owners and owners[number] != loaded.flow.name:
                    message = f"number {number} is claimed by flows {owners[number]!r} and {loaded.flow.name!r}"
                    self.problems.setdefault(loaded.flow.path, []).append(Problem(loaded.flow.path, 1, 1, message, "warning"))
                owners.setdefault(number, loaded.flow.name)

    def for_number(self, number: str) -> LoadedFlow:
        """The flow that answers `number`: the one listing it, else the default flow."""
        flows = sorted(self.current.values(), key=lambda lf: lf.flow.name)
        for loaded in flows:
            if number in loaded.flow.numbers:
                return loaded
        defaults = [lf for lf in flows if lf.flow.default] or (flows if len(flows) == 1 else [])
        if not defaults:
            raise NoFlowError(f"no flow answers {number!r} and no flow is marked default")
        return defaults[0]

    def version(self, version: str) -> LoadedFlow | None:
        return self.versions.get(version)

    def remember(self, source: str, path: str) -> LoadedFlow:
        """Parse an old version (from the database) so a call that started on it can finish on it."""
        flow = parse_flow(source, path)
        loaded = LoadedFlow(flow, source)
        self.versions[flow.version] = loaded
        return loaded

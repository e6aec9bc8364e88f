"""The flows in service: loaded from the flows folder, reloaded live when files change, kept by version."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from callqueue.config import AGENTS_FILE, QUEUES_FILE, read_agents, read_queues
from callqueue.queues import QueueConfig

from .flow.compose import ComposeError, compose
from .flow.errors import Problem
from .flow.loader import Parsed, flow_files, parse_document
from .flow.model import Flow
from .flow.queueing import EnqueueNode

log = logging.getLogger(__name__)


class NoFlowError(Exception):
    """No flow can answer this number (none loaded, or none is the default)."""


@dataclass(frozen=True)
class LoadedFlow:
    """A flow as served (subflows inlined), the text of its file, and when it was loaded."""

    flow: Flow
    source: str
    loaded_at: datetime | None = None


@dataclass
class _FileState:
    stamp: tuple
    source: str
    parsed: Parsed


@dataclass
class Snapshot:
    """What one load found: served flows by name, problems by file."""

    current: dict[str, LoadedFlow] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)


class FlowCatalog:
    """Flows by name (the version in service) and by version hash (every version seen).

    A file that fails to load or to compose keeps its last good version in service; its
    problems are listed in `problems` until it is fixed.
    """

    def __init__(self, directory: Path, clock=None, reload_interval_s: float = 1.0):
        self.directory = Path(directory)
        self.clock, self.reload_interval_s = clock, reload_interval_s
        self.current: dict[str, LoadedFlow] = {}
        self.versions: dict[str, LoadedFlow] = {}
        self.problems: dict[str, list[Problem]] = {}
        self._files: dict[str, _FileState] = {}
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self.queues = None  # queues.yaml of the folder (None while it has errors)

    # -- loading -------------------------------------------------------------
    def load(self) -> bool:
        """Read the folder now; True when the flows in service changed."""
        with self._lock:
            return self._load()

    def refresh(self, monotonic_now: float) -> bool:
        """Reload if files changed and the last look is older than the reload interval."""
        if monotonic_now - self._checked_at < self.reload_interval_s:
            return False
        self._checked_at = monotonic_now
        if not self._lock.acquire(blocking=False):
            return False  # another thread is reloading right now
        try:
            return self._stamps() != {p: s.stamp for p, s in self._files.items()} and self._load()
        finally:
            self._lock.release()

    def _stamps(self) -> dict[str, tuple]:
        stamps = {}
        for path in flow_files(self.directory) if self.directory.is_dir() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            stamps[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return stamps

    def _load(self) -> bool:
        if not self.directory.is_dir():
            self.problems = {str(self.directory): [Problem(str(self.directory), 1, 1, "the flows folder does not exist")]}
            log.error("flows folder %s does not exist", self.directory)
            return False
        self._files = {path: self._read(path, stamp) for path, stamp in self._stamps().items()}
        self.queues, queue_problems = read_queues(self.directory)
        snapshot = self._build()
        _check_queue_files(snapshot, self.directory, self.queues, queue_problems)
        changed = {n: lf.flow.version for n, lf in snapshot.current.items()} != {n: lf.flow.version for n, lf in self.current.items()}
        self.current, self.problems = snapshot.current, snapshot.problems
        return changed

    def _read(self, path: str, stamp: tuple) -> _FileState:
        old = self._files.get(path)
        if old is not None and old.stamp == stamp:
            return old
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return _FileState(stamp, "", Parsed(None, [Problem(path, 1, 1, f"cannot read the file: {exc}")], None))
        return _FileState(stamp, source, parse_document(source, path))

    def _build(self) -> Snapshot:
        snapshot = Snapshot()
        parsed = self._valid_flows(snapshot)
        by_name = {state.parsed.flow.name: state for state in parsed}
        flows = {name: state.parsed.flow for name, state in by_name.items()}
        for name, state in by_name.items():
            try:
                served = compose(state.parsed.flow, flows)
            except ComposeError as exc:
                snapshot.problems.setdefault(state.parsed.flow.path, []).append(_compose_problem(state, exc))
                continue
            snapshot.current[name] = self._remember(served, state.source)
        self._keep_last_good(snapshot)
        _check_numbers(snapshot)
        for problems in snapshot.problems.values():
            for problem in problems:
                (log.error if problem.severity == "error" else log.warning)("flow problem: %s", problem)
        return snapshot

    def _valid_flows(self, snapshot: Snapshot) -> list[_FileState]:
        valid, names = [], {}
        for path, state in sorted(self._files.items()):
            if state.parsed.problems:
                snapshot.problems[path] = list(state.parsed.problems)
            if state.parsed.errors or state.parsed.flow is None:
                continue
            name = state.parsed.flow.name
            if name in names:
                snapshot.problems.setdefault(path, []).append(
                    Problem(path, *state.parsed.doc.locate(("name",)), f"flow name {name!r} is already used by {names[name]}"))
                continue
            names[name] = path
            wrong_queue = enqueue_problems(state.parsed.flow, state.parsed.doc, self.queues)
            if wrong_queue:
                snapshot.problems.setdefault(path, []).extend(wrong_queue)
                continue
            valid.append(state)
        return valid

    def _keep_last_good(self, snapshot: Snapshot) -> None:
        """A flow whose file now fails keeps serving its previous version."""
        failing = {path for path, ps in snapshot.problems.items() if any(p.severity == "error" for p in ps)}
        for name, loaded in self.current.items():
            if name not in snapshot.current and loaded.flow.path in failing:
                snapshot.current[name] = loaded
                log.error("flow %s: %s has errors; the last good version %s keeps serving", name, loaded.flow.path, loaded.flow.version)

    def _remember(self, flow: Flow, source: str) -> LoadedFlow:
        known = self.versions.get(flow.version)
        if known is not None:
            return known
        loaded = LoadedFlow(flow, source, self.clock.now() if self.clock else None)
        self.versions[flow.version] = loaded
        return loaded

    # -- serving -------------------------------------------------------------
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

    def locate(self, file: str, keys: tuple) -> tuple[int, int]:
        """Line and column of `keys` (e.g. ("nodes", "main_menu")) in a loaded file; (1, 1) when unknown."""
        state = self._files.get(file)
        doc = state.parsed.doc if state is not None else None
        return doc.locate(keys) if doc is not None else (1, 1)

    def version(self, version: str) -> LoadedFlow | None:
        return self.versions.get(version)

    def restore(self, definition: dict, source: str) -> LoadedFlow:
        """An old version from the database, exactly as it was served, so its calls can finish on it."""
        flow = Flow.model_validate(definition)
        loaded = LoadedFlow(flow, source)
        self.versions[flow.version] = loaded
        return loaded


def _compose_problem(state: _FileState, exc: ComposeError) -> Problem:
    return Problem(state.parsed.flow.path, *state.parsed.doc.locate(("nodes", exc.node)), str(exc))


def _check_numbers(snapshot: Snapshot) -> None:
    owners: dict[str, str] = {}
    for loaded in snapshot.current.values():
        for number in loaded.flow.numbers:
            if number in owners and owners[number] != loaded.flow.name:
                message = f"number {number} is claimed by flows {owners[number]!r} and {loaded.flow.name!r}"
                snapshot.problems.setdefault(loaded.flow.path, []).append(Problem(loaded.flow.path, 1, 1, message, "warning"))
            owners.setdefault(number, loaded.flow.name)


def _check_queue_files(snapshot: Snapshot, directory: Path, queues, queue_problems: list) -> None:
    """queues.yaml and agents.yaml problems are listed with the flows' (the server keeps running without queues)."""
    if queue_problems:
        snapshot.problems[str(directory / QUEUES_FILE)] = queue_problems
    agent_problems = read_agents(directory)[1]
    if agent_problems:
        snapshot.problems[str(directory / AGENTS_FILE)] = agent_problems


def enqueue_problems(flow, doc, queues: QueueConfig | None) -> list[Problem]:
    """An enqueue node naming a queue that queues.yaml does not define (nothing to say when queues.yaml is broken)."""
    if queues is None:
        return []
    return [doc.problem(("nodes", name, "queue"), f"enqueue node {name!r} names queue {node.queue!r}, which "
                        f"{QUEUES_FILE} does not define (it has: {', '.join(sorted(queues.queues)) or 'none'})")
            for name, node in flow.nodes.items() if isinstance(node, EnqueueNode) and node.queue not in queues.queues]

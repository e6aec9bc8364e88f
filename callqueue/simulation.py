"""A discrete-event simulation of one queue on a virtual clock, routed by `route` and measured by `stats`.

Poisson arrivals, exponential handle times, `agents` identical agents, nobody hangs up early:
the M/M/c system Erlang C describes, so the two can be compared. Every caller goes through the
real model (offer, answer, hang up) and is recorded as a QueueEntry, the record the stats read.
Hours of traffic run in about a second.
"""
from __future__ import annotations

import heapq
import itertools
import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import model
from .index import AgentIndex
from .model import Agent, AgentStatus, QueueEntry
from .queues import Queue, QueueConfig
from .routing import route
from .stats import QueueStats, expected_wait_s, summarize
from .waiting import WaitingLine

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
QUEUE = "sim"


@dataclass(frozen=True)
class SimulationSettings:
    """The load and the floor; `warm_up_calls` first callers are left out of the figures (the floor starts idle)."""

    arrivals_per_s: float
    handle_s: float
    agents: int
    calls: int = 5000
    seed: int = 1
    service_level_s: float = 20
    warm_up_calls: int = 0


@dataclass(frozen=True)
class SimulationResult:
    settings: SimulationSettings
    entries: list[QueueEntry]
    stats: QueueStats
    decisions: int


def simulate(settings: SimulationSettings, start: datetime = START) -> SimulationResult:
    """Run `settings.calls` callers through the queue until the last call ends; same seed, same result."""
    floor = _Floor(settings, start)
    floor.run()
    entries = sorted(floor.entries.values(), key=lambda e: e.enqueued_at)
    measured = entries[settings.warm_up_calls:]
    span = (entries[-1].ended_at - start).total_seconds()
    stats = summarize(measured, QUEUE, settings.service_level_s, start, span)
    return SimulationResult(settings, entries, stats, floor.decisions)


class _Floor:
    """The simulated call center: agents, callers, and a heap of future events on a virtual clock."""

    def __init__(self, settings: SimulationSettings, start: datetime):
        self.settings, self.start, self.t, self.now = settings, start, 0.0, start
        self.rng = random.Random(settings.seed)
        self.config = QueueConfig(queues={QUEUE: Queue(name=QUEUE, service_level_s=settings.service_level_s)})
        self.index = AgentIndex(_agent(i, start) for i in range(settings.agents))
        self.entries: dict[str, QueueEntry] = {}
        self.waiting = WaitingLine()
        self.recent_handle_s: deque[float] = deque(maxlen=100)
        self.events: list[tuple] = []
        self.sequence = itertools.count()
        self.arrived = self.decisions = 0

    def run(self) -> None:
        self._after(self.rng.expovariate(self.settings.arrivals_per_s), self._arrive, None)
        while self.events:
            self.t, _, handler, ref = heapq.heappop(self.events)
            self.now = self.start + timedelta(seconds=self.t)
            handler(ref)
            self._route()

    def _after(self, seconds: float, handler, ref) -> None:
        heapq.heappush(self.events, (self.t + seconds, next(self.sequence), handler, ref))

    def _arrive(self, _ref) -> None:
        self.arrived += 1
        entry = QueueEntry(f"SIM{self.arrived:06d}", QUEUE, self.now, estimate_s=self._estimate())
        self.entries[entry.call_id] = entry
        self.waiting.put(entry)
        if self.arrived < self.settings.calls:
            self._after(self.rng.expovariate(self.settings.arrivals_per_s), self._arrive, None)

    def _estimate(self) -> float:
        if self.index.count():
            return 0.0
        position = len(self.waiting) + 1
        return expected_wait_s(position, self.settings.agents, self.recent_handle_s, self.settings.handle_s)

    def _route(self) -> None:
        if not self.waiting or not self.index.count():
            return
        self.decisions += 1
        for assignment in route(self.waiting, self.index, self.config, self.now):
            self._connect(assignment.call_id, assignment.agent_id)

    def _connect(self, call_id: str, agent_id: str) -> None:
        now = self.now
        agent = model.answer(model.offer(self.index.get(agent_id), call_id, now), now)
        self.index.put(agent)
        entry = model.answer_entry(model.offer_entry(self.waiting.get(call_id), agent_id, now), now)
        self.waiting.remove(call_id)
        self.entries[call_id] = entry
        self._after(self.rng.expovariate(1 / self.settings.handle_s), self._hang_up, agent_id)

    def _hang_up(self, agent_id: str) -> None:
        agent = self.index.get(agent_id)
        entry = model.complete(self.entries[agent.call_id], self.now)
        self.entries[entry.call_id] = entry
        self.recent_handle_s.append(entry.handle_seconds)
        self.index.put(model.hang_up(agent, self.now, wrap_up_s=0))


def _agent(i: int, start: datetime) -> Agent:
    return Agent(f"agent{i:04d}", f"Agent {i}", f"client:agent{i}", {}, AgentStatus.AVAILABLE, start, start)

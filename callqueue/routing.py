"""The routing decision, a pure function: waiting callers and agents in, assignments with their reasons out.

Callers are served highest priority first, then longest waiting. A caller may take any available
agent who has every skill of its requirement (at its escalation step) at the minimum level; among
those the queue's strategy picks. Callers with the same requirement share one lazily drawn pool of
candidates, so a decision costs about the size of the pools it touches plus the callers it reads,
and it stops as soon as every available agent is taken.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Iterable

from .index import ORDERS, AgentIndex, AgentLists, idle_key
from .matching import Alternative, Requirement, Skip, SkipReason, qualifying, requirement
from .model import Agent, AgentStatus, EntryStatus, QueueEntry
from .pools import Pool, levels
from .queues import QueueConfig, Strategy
from .waiting import WaitingLine


@dataclass(frozen=True)
class Candidate:
    """An agent who qualifies, through which queue's requirement, as the rule saw them."""

    agent: Agent
    qualified: Alternative
    rule: Strategy

    @property
    def agent_id(self) -> str:
        return self.agent.id

    @property
    def via(self) -> str:
        """The queue whose requirement the agent meets (another queue's, once an escalation adds it)."""
        return self.qualified.via

    @property
    def score(self) -> str:
        """What the rule compared, in words ("idle since ...", "3 calls today")."""
        return _score(self.rule, self.agent, self.qualified)


@dataclass(frozen=True)
class Why:
    """Why a caller got its agent: the rule, the requirement, the candidates in rule order (the chosen one
    first, then the runners-up looked at) and the agents passed over while looking, with reasons."""

    rule: Strategy
    requirement: Requirement
    candidates: tuple[Candidate, ...]
    skipped: tuple[Skip, ...]

    @property
    def chosen(self) -> Candidate:
        return self.candidates[0]


@dataclass(frozen=True)
class Assignment:
    """Offer `call_id` to `agent_id` (then: model.offer, model.offer_entry, and ring the agent)."""

    call_id: str
    queue: str
    agent_id: str
    why: Why


def route(entries: WaitingLine | Iterable[QueueEntry], agents: AgentLists | Iterable[Agent], config: QueueConfig,
          now: datetime) -> list[Assignment]:
    """Decide which waiting callers go to which available agents now; nothing is changed.

    Both sides are best given as structures the caller keeps up to date: a WaitingLine (read in
    order, no sorting) and agent lists: an AgentIndex, or the database's (callqueue.agent_lists)
    (any iterable of callers is sorted, of agents indexed, first). Entries not waiting are skipped; so are entries of a queue missing from `config` (a
    queue removed while callers wait: the service overflows them), rather than failing everyone.
    """
    index = agents if isinstance(agents, AgentLists) else AgentIndex(agents)
    decision = _Decision(index, config, now)
    if decision.exhausted:
        return []
    assignments = []
    line = entries if isinstance(entries, WaitingLine) else sorted(entries, key=attrgetter("order"))
    for entry in line:
        if not _due(entry, now) or entry.queue not in config.queues:
            continue
        if (assignment := decision.assign(entry)) is not None:
            assignments.append(assignment)
            if decision.exhausted:
                break
    return assignments


class _Decision:
    """One routing pass: the pools drawn so far and the agents already taken in it."""

    def __init__(self, index: AgentLists, config: QueueConfig, now: datetime):
        self.index, self.config, self.now = index, config, now
        self.languages = frozenset(config.languages)
        self.taken: dict[str, str] = {}
        self.free = index.count()
        self.pools: dict[tuple, Pool] = {}

    @property
    def exhausted(self) -> bool:
        return len(self.taken) >= self.free

    def assign(self, entry: QueueEntry) -> Assignment | None:
        strategy = self.config.queues[entry.queue].strategy
        pool = self._pool(requirement(entry, self.config, self.now), strategy)
        drawn = pool.draw(self.taken)
        if drawn is None:
            return None
        (agent, via), runners, skipped = drawn
        self.taken[agent.id] = entry.call_id
        candidates = tuple(_candidate(strategy, a, v) for a, v in [(agent, via), *runners])
        return Assignment(entry.call_id, entry.queue, agent.id, Why(strategy, pool.requirement, candidates, skipped))

    def _pool(self, req: Requirement, strategy: Strategy) -> Pool:
        key = (req, strategy)
        if key not in self.pools:
            self.pools[key] = Pool(self.index, req, strategy, self.languages)
        return self.pools[key]


def explain(entry: QueueEntry, agents: Iterable[Agent], config: QueueConfig, now: datetime) -> Why:
    """The full picture for one caller against every agent (unavailable ones too): costs O(agents).

    For the API and supervisors; `route` records only the agents it looked at.
    """
    strategy = config.queues[entry.queue].strategy
    req = requirement(entry, config, now)
    languages = frozenset(config.languages)
    fits, skipped = [], []
    for agent in agents:
        via, skip = _judge(agent, req, languages)
        if skip is None:
            fits.append((agent, via))
        else:
            skipped.append(skip)
    fits.sort(key=_rule_key(strategy))
    return Why(strategy, req, tuple(_candidate(strategy, a, v) for a, v in fits), tuple(skipped))


def _judge(agent: Agent, req: Requirement, languages: frozenset[str]) -> tuple[Alternative | None, Skip | None]:
    if agent.status is not AgentStatus.AVAILABLE:
        return None, Skip(agent.id, SkipReason.UNAVAILABLE, f"is {agent.status}")
    return qualifying(agent, req, languages)


def _rule_key(strategy: Strategy):
    """Sort key of (agent, alternative) pairs for a strategy: the best candidate sorts first."""
    if strategy is Strategy.HIGHEST_SKILL:
        return lambda fit: (-levels(*fit), *idle_key(fit[0]))
    order = ORDERS[strategy]
    return lambda fit: order(fit[0])


def _candidate(strategy: Strategy, agent: Agent, via: Alternative) -> Candidate:
    return Candidate(agent, via, strategy)


def _score(strategy: Strategy, agent: Agent, via: Alternative) -> str:
    if strategy is Strategy.FEWEST_CALLS:
        return f"{agent.calls_today} calls today"
    if strategy is Strategy.HIGHEST_SKILL:
        return f"skill levels {levels(agent, via)}"
    if strategy is Strategy.ROUND_ROBIN:
        return f"last assigned {_at(agent.last_assigned_at)}"
    return f"idle since {_at(agent.idle_since)}"


def _at(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "never"


def _due(entry: QueueEntry, now: datetime) -> bool:
    """A waiting caller, or a callback whose time has come (it keeps its place by priority and age)."""
    if entry.status is EntryStatus.WAITING:
        return True
    return entry.status is EntryStatus.CALLBACK and entry.callback_due_at is not None and entry.callback_due_at <= now

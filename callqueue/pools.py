"""Candidate pools: the available agents who may take callers of one requirement, read lazily in rule order.

Each alternative of a requirement reads the index's list for its rarest skill, already sorted the
strategy's way, so reading stops once the agent (and a few runners-up) are found. highest_skill
ranks by the sum of the requirement's levels, which no list is sorted by: it reads the rarest
skill by level and holds candidates back until nobody unread could still beat them (each other
skill adds at most 10).
"""
from __future__ import annotations

import heapq
from collections import deque
from itertools import islice
from typing import Iterator, Mapping

from .index import ANY_SKILL, ORDERS, AgentLists, idle_key
from .matching import Alternative, Requirement, Skip, SkipReason, qualifying
from .model import Agent
from .queues import Strategy

RUNNERS_UP = 2
MAX_LEVEL = 10
Fit = tuple[Agent, Alternative]


class Pool:
    """Qualifying agents for one requirement, in rule order; agents looked at and passed over are noted."""

    def __init__(self, index: AgentLists, req: Requirement, strategy: Strategy, languages: frozenset[str]):
        self.requirement, self.languages = req, languages
        self.skips: list[Skip] = []
        self.looked: set[str] = set()
        self.buffer: deque[Fit] = deque()
        self.stream = _best(self, index) if strategy is Strategy.HIGHEST_SKILL else _ordered(self, index, strategy)

    def draw(self, taken: Mapping[str, str]) -> tuple[Fit, list[Fit], tuple[Skip, ...]] | None:
        """The next candidate not `taken`, the runners-up after it, and the agents passed over for it."""
        chosen = self._next_free(taken)
        runners = self._peek(taken) if chosen else []
        skipped, self.skips = tuple(self.skips), []
        return (chosen, runners, skipped) if chosen else None

    def fit(self, agent: Agent) -> Alternative | None:
        """The alternative the agent qualifies through; a misfit is noted once."""
        via, skip = qualifying(agent, self.requirement, self.languages)
        if skip is not None and agent.id not in self.looked:
            self.looked.add(agent.id)
            self.skips.append(skip)
        return via

    def _next_free(self, taken: Mapping[str, str]) -> Fit | None:
        while (fit := self._pull()) is not None:
            agent_id = fit[0].id
            if agent_id not in taken:
                return fit
            self.skips.append(Skip(agent_id, SkipReason.TAKEN, f"taken by call {taken[agent_id]} in this decision"))
        return None

    def _pull(self) -> Fit | None:
        return self.buffer.popleft() if self.buffer else next(self.stream, None)

    def _peek(self, taken: Mapping[str, str]) -> list[Fit]:
        runners = list(islice((fit for fit in self.buffer if fit[0].id not in taken), RUNNERS_UP))
        while len(runners) < RUNNERS_UP and (fit := next(self.stream, None)) is not None:
            self.buffer.append(fit)
            if fit[0].id not in taken:
                runners.append(fit)
        return runners


def _rarest(index: AgentLists, alternative: Alternative) -> str:
    skills = [skill for skill, _ in alternative.skills]
    return min(skills, key=index.count) if skills else ANY_SKILL


def _ordered(pool: Pool, index: AgentLists, strategy: Strategy) -> Iterator[Fit]:
    """Fits in a strategy order the index keeps (longest idle, fewest calls, round robin)."""
    lists = [index.ordered(_rarest(index, alt), strategy) for alt in pool.requirement.alternatives]
    agents = lists[0] if len(lists) == 1 else _once(heapq.merge(*lists, key=ORDERS[strategy]))
    for agent in agents:
        via = pool.fit(agent)
        if via is not None:
            yield agent, via


def _once(agents: Iterator[Agent]) -> Iterator[Agent]:
    seen: set[str] = set()
    for agent in agents:
        if agent.id not in seen:
            seen.add(agent.id)
            yield agent


def _best(pool: Pool, index: AgentLists) -> Iterator[Fit]:
    """Fits by the highest sum of levels, then longest idle; an agent comes through its first fitting alternative."""
    streams = [_best_through(pool, index, alt) for alt in pool.requirement.alternatives]
    ranked = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=lambda item: item[0])
    return (fit for _, fit in ranked)


def _best_through(pool: Pool, index: AgentLists, alt: Alternative) -> Iterator[tuple[tuple, Fit]]:
    skill = _rarest(index, alt)
    others = MAX_LEVEL * max(len(alt.skills) - 1, 0)
    waiting: list[tuple[tuple, Fit]] = []
    for agent in index.ordered(skill, "level" if skill else Strategy.LONGEST_IDLE):
        while waiting and (others == 0 or -waiting[0][0][0] > agent.skills.get(skill, 0) + others):
            yield heapq.heappop(waiting)
        if pool.fit(agent) is alt:
            heapq.heappush(waiting, ((-levels(agent, alt), *idle_key(agent)), (agent, alt)))
    while waiting:
        yield heapq.heappop(waiting)


def levels(agent: Agent, alt: Alternative) -> int:
    """The highest_skill score: the agent's levels summed over the alternative's skills."""
    return sum(agent.skills.get(skill, 0) for skill, _ in alt.skills)

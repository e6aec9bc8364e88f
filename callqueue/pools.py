"""Candidate pools: the available agents who may take callers of one requirement, drawn lazily in rule order.

Longest idle is the index's own order, so that pool stops reading as soon as it has found the agent
(and a few runners-up). Other strategies read the whole pool once and sort it.
"""
from __future__ import annotations

import heapq
from collections import deque
from itertools import islice
from typing import Callable, Iterable, Iterator, Mapping

from .index import AgentIndex, idle_key
from .matching import Alternative, Needs, Requirement, Skip, SkipReason, qualifying
from .model import Agent

RUNNERS_UP = 2
Fit = tuple[Agent, Alternative]


def pool_agents(index: AgentIndex, req: Requirement) -> Iterator[Agent]:
    """Available agents holding each alternative's rarest skill, longest idle first, each once."""
    buckets = [_rarest(index, alternative.skills) for alternative in req.alternatives]
    if len(buckets) == 1:
        return iter(buckets[0].values())
    return _once(heapq.merge(*(bucket.values() for bucket in buckets), key=idle_key))


def _rarest(index: AgentIndex, needs: Needs) -> Mapping[str, Agent]:
    if not needs:
        return index.available()
    return min((index.available(skill) for skill, _ in needs), key=len)


def _once(agents: Iterable[Agent]) -> Iterator[Agent]:
    seen: set[str] = set()
    for agent in agents:
        if agent.id not in seen:
            seen.add(agent.id)
            yield agent


class Pool:
    """Qualifying agents for one requirement, in rule order; agents looked at and passed over are noted."""

    def __init__(self, req: Requirement, agents: Iterable[Agent], languages: frozenset[str],
                 sort_key: Callable[[Fit], tuple] | None = None):
        self.requirement, self.languages = req, languages
        self.skips: list[Skip] = []
        self.standing: tuple[Skip, ...] = ()
        self.buffer: deque[Fit] = deque()
        fits = self._fits(agents)
        self.stream = fits if sort_key is None else self._sorted(fits, sort_key)

    def draw(self, taken: Mapping[str, str]) -> tuple[Fit, list[Fit], tuple[Skip, ...]] | None:
        """The next candidate not `taken`, the runners-up after it, and the agents passed over for it."""
        chosen = self._next_free(taken)
        runners = self._peek(taken) if chosen else []
        skipped, self.skips = self.standing + tuple(self.skips), []
        return (chosen, runners, skipped) if chosen else None

    def _fits(self, agents: Iterable[Agent]) -> Iterator[Fit]:
        for agent in agents:
            via, skip = qualifying(agent, self.requirement, self.languages)
            if skip is None:
                yield agent, via
            else:
                self.skips.append(skip)

    def _sorted(self, fits: Iterator[Fit], key: Callable[[Fit], tuple]) -> Iterator[Fit]:
        ordered = sorted(fits, key=key)
        self.standing, self.skips = tuple(self.skips), []
        yield from ordered

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

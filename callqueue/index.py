"""Agents indexed for routing: the available ones by skill, in longest-idle order, updated one change at a time.

Routing looks only at available agents holding a caller's rarest required skill, so a decision costs
what that pool costs, not what the whole floor costs. The owner (the service, the simulator) puts
every new version of an agent; each put costs O(skills of the agent).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, Iterator, Mapping

from .model import Agent, AgentStatus

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ANY_SKILL = ""


def idle_key(agent: Agent) -> tuple:
    """Longest idle first: the earliest `idle_since` (never set counts as the longest), then the id."""
    return agent.idle_since or EPOCH, agent.id


class AgentIndex:
    """Every agent by id; the available ones in per-skill dicts ordered by idle_key."""

    def __init__(self, agents: Iterable[Agent] = ()):
        self._agents: dict[str, Agent] = {}
        self._available: dict[str, dict[str, Agent]] = {ANY_SKILL: {}}
        for agent in sorted(agents, key=idle_key):
            self.put(agent)

    def put(self, agent: Agent) -> None:
        """Add an agent or replace its previous version."""
        self.remove(agent.id)
        self._agents[agent.id] = agent
        if agent.status is AgentStatus.AVAILABLE:
            for skill in (ANY_SKILL, *agent.skills):
                _insert(self._available.setdefault(skill, {}), agent)

    def remove(self, agent_id: str) -> None:
        """Forget an agent (no error if unknown)."""
        old = self._agents.pop(agent_id, None)
        if old is not None and old.status is AgentStatus.AVAILABLE:
            for skill in (ANY_SKILL, *old.skills):
                del self._available[skill][agent_id]

    def available(self, skill: str = ANY_SKILL) -> Mapping[str, Agent]:
        """Available agents holding `skill` (any skill by default), longest idle first."""
        return self._available.get(skill, {})

    def get(self, agent_id: str) -> Agent | None:
        return self._agents.get(agent_id)

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._agents.values())

    def __len__(self) -> int:
        return len(self._agents)


def _insert(bucket: dict[str, Agent], agent: Agent) -> None:
    # Agents become available in time order, so appending keeps the order; a put out of
    # order (a withdrawn offer keeps its old idle_since) re-sorts this one bucket.
    if bucket and idle_key(next(reversed(bucket.values()))) > idle_key(agent):
        ordered = sorted([*bucket.values(), agent], key=idle_key)
        bucket.clear()
        bucket.update((a.id, a) for a in ordered)
    else:
        bucket[agent.id] = agent

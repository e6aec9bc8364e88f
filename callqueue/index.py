"""Agents indexed for routing: the available ones by skill, each kept sorted in every strategy's order.

Routing reads available agents holding a caller's rarest required skill in the order its strategy
wants, and stops as soon as it has its agent, so a decision costs what it reads, not what the
floor holds. The owner (the service, the simulator) puts every new version of an agent; a put
costs a binary search and a short memory move per skill and order.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator, Protocol, runtime_checkable

from .model import Agent, AgentStatus
from .queues import Strategy

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ANY_SKILL = ""


def idle_key(agent: Agent) -> tuple:
    """Longest idle first: the earliest `idle_since` (never set counts as the longest), then the id."""
    return agent.idle_since or EPOCH, agent.id


def calls_key(agent: Agent) -> tuple:
    """Fewest calls today first, then longest idle."""
    return agent.calls_today, agent.idle_since or EPOCH, agent.id


def assigned_key(agent: Agent) -> tuple:
    """Round robin: least recently assigned first (never assigned before anyone)."""
    return agent.last_assigned_at or EPOCH, agent.id


def level_key(skill: str) -> Callable[[Agent], tuple]:
    """Highest level of `skill` first, then longest idle."""
    return lambda agent: (-agent.skills.get(skill, 0), agent.idle_since or EPOCH, agent.id)


ORDERS: dict[Strategy, Callable[[Agent], tuple]] = {
    Strategy.LONGEST_IDLE: idle_key, Strategy.FEWEST_CALLS: calls_key, Strategy.ROUND_ROBIN: assigned_key}


@runtime_checkable
class AgentLists(Protocol):
    """What routing reads of the available agents: counts per skill and the agents holding one in an order.

    AgentIndex keeps them in memory; callqueue.agent_lists.ListedAgents reads them from the database."""

    def count(self, skill: str = ANY_SKILL) -> int: ...

    def ordered(self, skill: str, order: Strategy | str = Strategy.LONGEST_IDLE) -> Iterator[Agent]: ...


class _Sorted:
    """Agents sorted by one key; the key ends with the agent's id, so it is unique."""

    def __init__(self, key: Callable[[Agent], tuple]):
        self.key, self.keys = key, []

    def add(self, agent: Agent) -> None:
        insort(self.keys, self.key(agent))

    def discard(self, agent: Agent) -> None:
        key = self.key(agent)
        at = bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            del self.keys[at]


class AgentIndex:
    """Every agent by id; the available ones per skill in idle, calls, assignment and level order."""

    def __init__(self, agents: Iterable[Agent] = ()):
        self._agents: dict[str, Agent] = {}
        self._orders: dict[tuple[str, object], _Sorted] = {}
        for agent in agents:
            self.put(agent)

    def put(self, agent: Agent) -> None:
        """Add an agent or replace its previous version."""
        self.remove(agent.id)
        self._agents[agent.id] = agent
        if agent.status is AgentStatus.AVAILABLE:
            for order in self._orders_of(agent, create=True):
                order.add(agent)

    def remove(self, agent_id: str) -> None:
        """Forget an agent (no error if unknown)."""
        old = self._agents.pop(agent_id, None)
        if old is not None and old.status is AgentStatus.AVAILABLE:
            for order in self._orders_of(old):
                order.discard(old)

    def available(self, skill: str = ANY_SKILL, strategy: Strategy = Strategy.LONGEST_IDLE) -> list[Agent]:
        """Available agents holding `skill` (any skill by default) in `strategy`'s order."""
        return list(self.ordered(skill, strategy))

    def count(self, skill: str = ANY_SKILL) -> int:
        """How many available agents hold `skill` (any skill by default)."""
        order = self._orders.get((skill, Strategy.LONGEST_IDLE))
        return len(order.keys) if order else 0

    def ordered(self, skill: str, order: Strategy | str = Strategy.LONGEST_IDLE) -> Iterator[Agent]:
        """Lazily, available agents holding `skill` in an order: a strategy's, or "level" (highest first)."""
        found = self._orders.get((skill, order))
        return (self._agents[key[-1]] for key in found.keys) if found else iter(())

    def get(self, agent_id: str) -> Agent | None:
        return self._agents.get(agent_id)

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._agents.values())

    def __len__(self) -> int:
        return len(self._agents)

    def _orders_of(self, agent: Agent, create: bool = False) -> Iterator[_Sorted]:
        for skill in (ANY_SKILL, *agent.skills):
            for order in (*ORDERS, "level") if skill else ORDERS:
                found = self._orders.get((skill, order))
                if found is None and create:
                    found = self._orders[skill, order] = _Sorted(ORDERS.get(order) or level_key(skill))
                if found is not None:
                    yield found

"""The available agents kept in the database by skill and strategy order, and read lazily by routing.

`routing_agents` holds one row per skill of every available agent (and one under "" for any skill)
with each strategy's sort key; the repository rewrites an agent's rows in the same transaction as
every save of that agent (`relist`). `ListedAgents` gives `route` what the in-memory AgentIndex
gives it (counts per skill, agents in a strategy's order), but reads each list from the database a
page at a time, locking the agents it reads (FOR UPDATE SKIP LOCKED on PostgreSQL), so a decision
reads the few top candidates instead of every available agent, and chooses exactly as on the index.
"""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import bindparam, delete, func, insert, select, tuple_
from sqlalchemy.orm import Session

from .index import ANY_SKILL, EPOCH
from .model import Agent, AgentStatus
from .queues import Strategy
from .rows import agent_of
from .tables import AgentRow, RoutingAgentRow

R = RoutingAgentRow
FIRST_PAGE = 8      # a decision usually needs its agent and two runners-up
LAST_PAGE = 512     # pages grow 4x while misfits are read, up to this
KEYS = {  # each order's columns: the in-memory index's sort keys (callqueue.index), ending with the id
    Strategy.LONGEST_IDLE: (R.idle_at, R.agent_id),
    Strategy.FEWEST_CALLS: (R.calls_today, R.idle_at, R.agent_id),
    Strategy.ROUND_ROBIN: (R.assigned_at, R.agent_id),
    "level": (R.rank, R.idle_at, R.agent_id),
}


def listed(agent: Agent) -> list[dict]:
    """The agent's rows in `routing_agents`: none unless available."""
    if agent.status is not AgentStatus.AVAILABLE:
        return []
    common = {"agent_id": agent.id, "idle_at": agent.idle_since or EPOCH, "calls_today": agent.calls_today,
              "assigned_at": agent.last_assigned_at or EPOCH}
    return [{**common, "skill": skill, "rank": -level} for skill, level in [(ANY_SKILL, 0), *agent.skills.items()]]


def relist(session: Session, agent: Agent) -> None:
    """Replace the agent's rows (in the caller's transaction)."""
    session.execute(delete(R).where(R.agent_id == agent.id))
    if rows := listed(agent):
        session.execute(insert(R), rows)


def relist_all(connection) -> int:
    """Rebuild the whole list from the agents table (after a migration or a bulk load); returns the rows written."""
    connection.execute(delete(R))
    columns = (AgentRow.id, AgentRow.skills, AgentRow.idle_since, AgentRow.calls_today, AgentRow.last_assigned_at)
    rows = []
    for agent_id, skills, idle, calls, assigned in connection.execute(
            select(*columns).where(AgentRow.status == AgentStatus.AVAILABLE.value)):
        agent = Agent(agent_id, "", "", dict(skills or {}), AgentStatus.AVAILABLE, None, idle, calls or 0, assigned)
        rows += listed(agent)
    if rows:
        connection.execute(insert(R), rows)
    return len(rows)


class ListedAgents:
    """Routing's view of the available agents, read from `routing_agents` as it asks (see the module docstring)."""

    def __init__(self, session: Session):
        self.session = session
        self._counts: dict[str, int] = {}
        self._agents: dict[str, Agent] = {}
        self._gone: set[str] = set()

    def count(self, skill: str = ANY_SKILL) -> int:
        """How many available agents hold `skill` (any skill by default), less those removed since."""
        if skill not in self._counts:
            query = select(func.count()).select_from(R).where(R.skill == skill)
            self._counts[skill] = int(self.session.scalar(query) or 0)
        return self._counts[skill]

    def ordered(self, skill: str, order: Strategy | str = Strategy.LONGEST_IDLE) -> Iterator[Agent]:
        """Lazily, available agents holding `skill` in an order: a strategy's, or "level" (highest first)."""
        columns, after, size = KEYS[order], None, FIRST_PAGE
        while True:
            page = self._page(skill, columns, after, size)
            for agent, _key in page:
                if agent.id not in self._gone:
                    yield agent
            if len(page) < size:
                return
            after, size = page[-1][1], min(size * 4, LAST_PAGE)

    def get(self, agent_id: str) -> Agent | None:
        """An agent this view has read."""
        return self._agents.get(agent_id)

    def remove(self, agent_id: str) -> None:
        """The agent was taken (and relisted by its save): later counts leave it out."""
        agent = self._agents.get(agent_id)
        if agent is None or agent_id in self._gone:
            return
        self._gone.add(agent_id)
        for skill in (ANY_SKILL, *agent.skills):
            if skill in self._counts:
                self._counts[skill] -= 1

    def _page(self, skill: str, columns: tuple, after: tuple | None, size: int) -> list[tuple[Agent, tuple]]:
        # Two statements: the keys from one index range (a join lets the planner sort every row of the skill
        # first), then those agents locked, skipping any another router holds, still in the keys' order.
        query = select(*columns).where(R.skill == skill)
        if after is not None:
            query = query.where(tuple_(*columns) > tuple_(*(bindparam(None, v, type_=c.type) for c, v in zip(columns, after))))
        keys = [tuple(key) for key in self.session.execute(query.order_by(*columns).limit(size))]
        locked = self._lock([key[-1] for key in keys if key[-1] not in self._agents])
        return [(agent, key) for key in keys if (agent := self._agents.get(key[-1]) or locked.get(key[-1]))]

    def _lock(self, agent_ids: list[str]) -> dict[str, Agent]:
        if not agent_ids:
            return {}
        # Core rows, not ORM objects: most agents read are only looked at (the repository loads the one offered)
        query = (select(AgentRow.__table__).where(AgentRow.id.in_(agent_ids), AgentRow.status == AgentStatus.AVAILABLE.value)
                 .with_for_update(skip_locked=True))
        return {row.id: self._agent(row) for row in self.session.execute(query)}

    def _agent(self, row) -> Agent:
        if row.id not in self._agents:
            self._agents[row.id] = agent_of(row)
        return self._agents[row.id]

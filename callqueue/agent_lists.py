"""The available agents kept in the database by skill and strategy order, and read lazily by routing.

`routing_agents` holds one row per skill of every available agent (and one under "" for any skill)
with each strategy's sort key and the agent's skills; the repository rewrites an agent's rows in the
same transaction as every save of that agent (`relist`). `ListedAgents` gives `route` what the
in-memory AgentIndex gives it (counts per skill, agents in a strategy's order), but reads each list
from the database a page at a time, one index range per page, so a decision reads the few top
candidates instead of every available agent, and chooses exactly as on the index. A list row holds
all routing compares, so the agents merely looked at are neither read from `agents` nor locked; the
agents chosen are (`claim`, FOR UPDATE SKIP LOCKED on PostgreSQL), and one another transaction holds
or changed since it was read is refused: the caller decides again without it, as if never listed.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterator

from sqlalchemy import bindparam, delete, event, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .index import ANY_SKILL, EPOCH
from .model import Agent, AgentStatus
from .queues import Strategy
from .rows import agent_of
from .tables import AgentRow, RoutingAgentRow, RoutingCountRow

R, C = RoutingAgentRow, RoutingCountRow
L = RoutingAgentRow.__table__.c  # the pages read Core columns: rows without the ORM's loading cost less
PENDING = "routing_counts"  # session.info key: this transaction's changes to the counts, written as it commits
FIRST_PAGE = 8      # a decision usually needs its agent and two runners-up
LAST_PAGE = 512     # pages grow 4x while misfits are read, up to this
KEYS = {  # each order's columns: the in-memory index's sort keys (callqueue.index), ending with the id
    Strategy.LONGEST_IDLE: (L.idle_at, L.agent_id),
    Strategy.FEWEST_CALLS: (L.calls_today, L.idle_at, L.agent_id),
    Strategy.ROUND_ROBIN: (L.assigned_at, L.agent_id),
    "level": (L.rank, L.idle_at, L.agent_id),
}


def listed(agent: Agent) -> list[dict]:
    """The agent's rows in `routing_agents`: none unless available."""
    if agent.status is not AgentStatus.AVAILABLE:
        return []
    common = {"agent_id": agent.id, "idle_at": agent.idle_since or EPOCH, "calls_today": agent.calls_today,
              "assigned_at": agent.last_assigned_at or EPOCH, "skills": dict(agent.skills)}
    return [{**common, "skill": skill, "rank": -level} for skill, level in [(ANY_SKILL, 0), *agent.skills.items()]]


def relist(session: Session, agent: Agent) -> None:
    """Replace the agent's rows (in the caller's transaction); the counts per skill follow when it commits."""
    was = session.scalars(delete(R).where(R.agent_id == agent.id).returning(R.skill)).all()
    if rows := listed(agent):
        session.execute(insert(R), rows)
    pending = _pending(session)
    pending.update([row["skill"] for row in rows])
    pending.subtract(was)


def _pending(session: Session) -> Counter:
    if PENDING not in session.info:
        session.info[PENDING] = Counter()
        event.listen(session, "before_commit", _write_counts)
        event.listen(session, "after_rollback", lambda s: s.info[PENDING].clear())
    return session.info[PENDING]


def _write_counts(session: Session) -> None:
    # One statement, the last before the commit, its skills in order: the count rows are the last locks a
    # transaction takes and are held only through its commit, so writers queue there briefly, never in a cycle.
    changes = sorted((skill, change) for skill, change in session.info[PENDING].items() if change)
    session.info[PENDING].clear()
    if changes:
        upsert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(C)
        upsert = upsert.values([{"skill": skill, "agents": change} for skill, change in changes])
        added = {"agents": C.agents + upsert.excluded.agents}
        session.execute(upsert.on_conflict_do_update(index_elements=[C.skill], set_=added))


def relist_all(connection) -> int:
    """Rebuild the lists and their counts from the agents table (after a migration or a bulk load, outside a
    session that relisted agents); returns the rows written."""
    connection.execute(delete(R))
    connection.execute(delete(C))
    columns = (AgentRow.id, AgentRow.skills, AgentRow.idle_since, AgentRow.calls_today, AgentRow.last_assigned_at)
    rows = []
    for agent_id, skills, idle, calls, assigned in connection.execute(
            select(*columns).where(AgentRow.status == AgentStatus.AVAILABLE.value)):
        agent = Agent(agent_id, "", "", dict(skills or {}), AgentStatus.AVAILABLE, None, idle, calls or 0, assigned)
        rows += listed(agent)
    if rows:
        connection.execute(insert(R), rows)
        counts = Counter(row["skill"] for row in rows)
        connection.execute(insert(C), [{"skill": skill, "agents": n} for skill, n in sorted(counts.items())])
    return len(rows)


class ListedAgents:
    """Routing's view of the available agents, read from `routing_agents` as it asks (see the module docstring)."""

    def __init__(self, session: Session):
        self.session = session
        self._counts: Counter | None = None
        self._agents: dict[str, Agent] = {}  # as listed when last read
        self._claimed: dict[str, Agent] = {}  # as locked
        self._rows: dict[str, AgentRow] = {}  # the locked rows, held so the session's (weak) identity map keeps them
        self._gone: set[str] = set()

    def count(self, skill: str = ANY_SKILL) -> int:
        """How many available agents hold `skill` (any skill by default), less those removed since."""
        return self._counted()[skill]

    def ordered(self, skill: str, order: Strategy | str = Strategy.LONGEST_IDLE) -> Iterator[Agent]:
        """Lazily, available agents holding `skill` in an order: a strategy's, or "level" (highest first)."""
        columns, after, size = KEYS[order], None, FIRST_PAGE
        while True:
            page = self._page(skill, columns, after, size)
            yield from (agent for agent, _key in page if agent.id not in self._gone)
            if len(page) < size:
                return
            after, size = page[-1][1], min(size * 4, LAST_PAGE)

    def get(self, agent_id: str) -> Agent | None:
        """An agent this view has read: as locked once claimed, else as listed (skills and sort keys only)."""
        return self._claimed.get(agent_id) or self._agents.get(agent_id)

    def claim(self, agent_ids: list[str]) -> list[str]:
        """Lock the agents a decision chose; returns those refused, now removed: held by another transaction
        (SKIP LOCKED), or no longer listed as they were read. The caller decides again without them."""
        self._claimed.update(self._lock(agent_ids))
        refused = [agent_id for agent_id in agent_ids if not self._as_read(agent_id)]
        for agent_id in refused:
            self.remove(agent_id)
        return refused

    def remove(self, agent_id: str) -> None:
        """The agent was taken (and relisted by its save) or refused: later counts and pages leave it out."""
        agent = self._agents.get(agent_id)
        if agent is None or agent_id in self._gone:
            return
        self._gone.add(agent_id)
        self._counted().subtract((ANY_SKILL, *agent.skills))

    def _counted(self) -> Counter:
        if self._counts is None:  # every skill's count in one read of a small table, with this transaction's changes
            self._counts = Counter(dict(self.session.execute(select(C.skill, C.agents)).all()))
            self._counts.update(_pending(self.session))
        return self._counts

    def _page(self, skill: str, columns: tuple, after: tuple | None, size: int) -> list[tuple[Agent, tuple]]:
        query = select(*ROW).where(L.skill == skill)
        if after is not None:
            query = query.where(tuple_(*columns) > tuple_(*(bindparam(None, v, type_=c.type) for c, v in zip(columns, after))))
        rows = self.session.execute(query.order_by(*columns).limit(size))
        return [(self._read(row), tuple(getattr(row, c.key) for c in columns)) for row in rows]

    def _read(self, row) -> Agent:
        if row.agent_id in self._claimed:  # locked by this transaction: nobody else changed it
            return self._claimed[row.agent_id]
        self._agents[row.agent_id] = agent = Agent(row.agent_id, "", "", dict(row.skills), AgentStatus.AVAILABLE, None,
                                                   _moment(row.idle_at), row.calls_today, _moment(row.assigned_at))
        return agent

    def _as_read(self, agent_id: str) -> bool:
        locked, read = self._claimed.get(agent_id), self._agents.get(agent_id)
        return locked is not None and read is not None and listed(locked) == listed(read)

    def _lock(self, agent_ids: list[str]) -> dict[str, Agent]:
        if not agent_ids:
            return {}
        # ORM rows, so saving the agent offered finds its row loaded. The status is compared once read (with a
        # status condition, SQLite's planner scans every available agent rather than look the few ids up).
        query = select(AgentRow).where(AgentRow.id.in_(agent_ids)).with_for_update(skip_locked=True)
        self._rows.update((row.id, row) for row in self.session.scalars(query))
        return {agent_id: agent_of(self._rows[agent_id]) for agent_id in agent_ids if agent_id in self._rows}


ROW = (L.agent_id, L.skills, L.rank, L.idle_at, L.calls_today, L.assigned_at)  # what a list row tells routing


def _moment(at):
    """A sort key's time back as the agent's: the epoch stands for never."""
    return None if at == EPOCH else at

"""The call queue's repository: agents and entries as model values (Agent, QueueEntry) read and saved through a session.

The service moves values through `callqueue.model`; the repository maps rows to values and the
values back onto the rows it read (`save_agent`, `save_entry`), so a status is never written
around the model. Locks: `lock=True` reads SELECT ... FOR UPDATE; the routing reads add SKIP LOCKED,
so two workers routing at once each take rows the other does not hold, and never wait for each
other. SQLite has no row locks (SQLAlchemy leaves the clause out): there every transaction begins
IMMEDIATE, so the writers take turns instead.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .agent_lists import ListedAgents, relist
from .model import SEATED, Agent, AgentStatus, EntryStatus, QueueEntry
from .rows import agent_of, entry_of, new_entry_row, why_json, write_agent, write_entry
from .routing import Why
from .tables import AgentRow, AgentStatusLogRow, AssignmentRow, QueueEntryRow

Entry = QueueEntryRow
KEEPING_PLACE = (EntryStatus.WAITING.value, EntryStatus.CALLBACK.value)  # in line, on the phone or to be called back
CALLING = (EntryStatus.OFFERED.value, EntryStatus.ANSWERED.value)


class SqlAlchemyQueueRepository:
    """Agents, entries and the offers between them, for one unit of work."""

    def __init__(self, session: Session):
        self.session = session
        self._agents: dict[str, AgentRow] = {}
        self._entries: dict[str, QueueEntryRow] = {}

    # -- agents -----------------------------------------------------------------
    def agent(self, agent_id: str | None, lock: bool = False) -> Agent | None:
        query = select(AgentRow).where(AgentRow.id == agent_id)
        return self._agent(self.session.scalars(query.with_for_update() if lock else query).one_or_none())

    def available_agents(self) -> list[Agent]:
        query = select(AgentRow).where(AgentRow.status == AgentStatus.AVAILABLE.value).with_for_update(skip_locked=True)
        return [self._agent(row) for row in self.session.scalars(query)]

    def listed_agents(self) -> ListedAgents:
        """The available agents as routing reads them: the top of each list as it asks, the agents chosen locked."""
        return ListedAgents(self.session)

    def seated_agents(self) -> list[Agent]:
        return [agent_of(row) for row in self.session.scalars(select(AgentRow).where(AgentRow.status.in_([s.value for s in SEATED])))]

    def wrap_ups_due(self, now: datetime) -> list[Agent]:
        query = select(AgentRow).where(AgentRow.status == AgentStatus.WRAP_UP.value, AgentRow.wrap_up_until <= now)
        return [self._agent(row) for row in self.session.scalars(query.with_for_update(skip_locked=True))]

    def add_agent(self, agent: Agent, now: datetime) -> None:
        row = AgentRow(id=agent.id)
        write_agent(row, agent, now)
        self.session.add(row)
        self.session.flush()
        self._agents[agent.id] = row
        self._log_status(agent, now)
        relist(self.session, agent)

    def save_agent(self, agent: Agent, now: datetime) -> None:
        """Write an agent read through this repository back (its new status, or a person's edits); a status
        entered (by a person, the router or a timer) is added to the agent's status log."""
        row = self._agents.get(agent.id) or self.session.get(AgentRow, agent.id)
        moved = (row.status, row.status_since, row.status_reason) != (agent.status.value, agent.status_since, agent.status_reason)
        listing = _listing(row) != _listing(agent)
        write_agent(row, agent, now)
        if moved:
            self._log_status(agent, now)
        if listing:
            relist(self.session, agent)  # the routing lists change in the same transaction

    def _log_status(self, agent: Agent, now: datetime) -> None:
        self.session.add(AgentStatusLogRow(agent_id=agent.id, status=agent.status.value, reason=agent.status_reason,
                                           at=agent.status_since or now))

    def _agent(self, row: AgentRow | None) -> Agent | None:
        if row is None:
            return None
        self._agents[row.id] = row
        return agent_of(row)

    # -- entries ----------------------------------------------------------------
    def entry(self, entry_id: int, lock: bool = False) -> QueueEntry | None:
        query = select(Entry).where(Entry.id == entry_id)
        return self._entry(self.session.scalars(query.with_for_update() if lock else query).one_or_none())

    def latest_entry(self, call_sid: str, lock: bool = False) -> QueueEntry | None:
        query = select(Entry).where(Entry.call_sid == call_sid).order_by(Entry.id.desc()).limit(1)
        return self._entry(self.session.scalars(query.with_for_update() if lock else query).one_or_none())

    def add_entry(self, entry: QueueEntry) -> QueueEntry:
        """File a new caller; the entry comes back with its id (as `call_id`)."""
        row = new_entry_row(entry)
        self.session.add(row)
        self.session.flush()
        return self._entry(row)

    def save_entry(self, entry: QueueEntry) -> None:
        """Write an entry read through this repository back after a move."""
        write_entry(self._entries.get(entry.call_id) or self.session.get(Entry, int(entry.call_id)), entry)

    def waiting_batches(self, size: int, now: datetime | None = None) -> Iterator[list[QueueEntry]]:
        """Waiting callers, and callbacks due by `now`, in serving order (priority, then age), locked, `size` at a time."""
        after = None
        while batch := self._waiting(size, after, now):
            yield [self._entry(row) for row in batch]
            if len(batch) < size:  # the line ended: no statement to learn that
                return
            last = batch[-1]
            after = (last.priority, last.enqueued_at, last.id)

    def _waiting(self, size: int, after: tuple | None, now: datetime | None) -> list[QueueEntryRow]:
        in_line = Entry.status == EntryStatus.WAITING.value
        if now is not None:
            in_line = or_(in_line, and_(Entry.status == EntryStatus.CALLBACK.value, Entry.callback_due_at <= now))
        query = select(Entry).where(in_line)
        if after is not None:
            priority, enqueued_at, entry_id = after
            query = query.where(or_(
                Entry.priority < priority,
                and_(Entry.priority == priority, Entry.enqueued_at > enqueued_at),
                and_(Entry.priority == priority, Entry.enqueued_at == enqueued_at, Entry.id > entry_id)))
        query = query.order_by(Entry.priority.desc(), Entry.enqueued_at, Entry.id).limit(size)
        return list(self.session.scalars(query.with_for_update(skip_locked=True)))

    def ahead_of(self, entry: QueueEntry) -> int:
        """How many callers of the entry's queue will be served before it (0: it is next)."""
        entry_id = int(entry.call_id)
        ahead = select(func.count(Entry.id)).where(
            Entry.queue == entry.queue, Entry.status.in_(KEEPING_PLACE), Entry.id != entry_id,
            or_(Entry.priority > entry.priority,
                and_(Entry.priority == entry.priority, Entry.enqueued_at < entry.enqueued_at),
                and_(Entry.priority == entry.priority, Entry.enqueued_at == entry.enqueued_at, Entry.id < entry_id)))
        return self.session.scalar(ahead) or 0

    def resumable(self, from_number: str, queue: str, ended_after: datetime) -> QueueEntry | None:
        """The latest stay of `from_number` in `queue` abandoned after `ended_after` and not resumed yet, locked."""
        query = (select(Entry).where(Entry.from_number == from_number, Entry.ended_at > ended_after,
                                     Entry.status == EntryStatus.ABANDONED.value, Entry.first_queue == queue,
                                     Entry.resumed_by.is_(None))
                 .order_by(Entry.ended_at.desc()).limit(1).with_for_update(skip_locked=True))
        return self._entry(self.session.scalars(query).one_or_none())

    def callback_of(self, call_sid: str, lock: bool = True) -> QueueEntry | None:
        """The entry whose callback placed outbound call `call_sid` (offered now), locked."""
        query = select(Entry).where(Entry.callback_call_sid == call_sid, Entry.status.in_(CALLING))
        return self._entry(self.session.scalars(query.with_for_update() if lock else query).first())

    def rings_due(self, now: datetime) -> list[QueueEntry]:
        query = select(Entry).where(Entry.status == EntryStatus.OFFERED.value, Entry.ring_due_at <= now)
        return [self._entry(row) for row in self.session.scalars(query.with_for_update(skip_locked=True))]

    def overflows_due(self, queue: str, entered_before: datetime) -> list[QueueEntry]:
        query = select(Entry).where(Entry.queue == queue, Entry.status == EntryStatus.WAITING.value,
                                    Entry.queue_entered_at <= entered_before)
        return [self._entry(row) for row in self.session.scalars(query.with_for_update(skip_locked=True))]

    def unheard_since(self, since: datetime, lock: bool = False) -> list[QueueEntry]:
        """Waiting callers whose leg has asked nothing since `since` (filed before it): maybe gone unheard."""
        heard = func.coalesce(Entry.last_request_at, Entry.enqueued_at)
        query = select(Entry).where(Entry.status == EntryStatus.WAITING.value, heard < since)
        return [self._entry(row) for row in self.session.scalars(query.with_for_update(skip_locked=True) if lock else query)]

    def connected_before(self, since: datetime, lock: bool = False) -> list[QueueEntry]:
        """Callers connected to an agent before `since` and not ended since (their end may have been lost)."""
        query = select(Entry).where(Entry.status == EntryStatus.ANSWERED.value, Entry.answered_at < since)
        return [self._entry(row) for row in self.session.scalars(query.with_for_update(skip_locked=True) if lock else query)]

    def recent_handle_s(self, queue: str, limit: int = 100) -> list[float]:
        query = (select(Entry.handle_seconds).where(Entry.queue == queue, Entry.handle_seconds.is_not(None))
                 .order_by(Entry.id.desc()).limit(limit))
        return list(self.session.scalars(query))

    def _entry(self, row: QueueEntryRow | None) -> QueueEntry | None:
        if row is None:
            return None
        entry = entry_of(row)
        self._entries[entry.call_id] = row
        return entry

    # -- offers (assignments) ------------------------------------------------------
    def add_offer(self, entry: QueueEntry, agent_id: str, now: datetime, why: Why, worker: str) -> None:
        """Keep the offer with why the agent was chosen."""
        self.session.add(AssignmentRow(entry_id=int(entry.call_id), call_sid=entry.call_sid, queue=entry.queue,
                                       agent_id=agent_id, offered_at=now, rule=why.rule.value, why=why_json(why),
                                       worker=worker))

    def offer_outcome(self, entry: QueueEntry, outcome: str, released_at: datetime | None = None) -> None:
        """The open offer of the entry ended (answered, missed, withdrawn); `released_at` once the agent is free of it."""
        query = (select(AssignmentRow).where(AssignmentRow.entry_id == int(entry.call_id), AssignmentRow.released_at.is_(None))
                 .order_by(AssignmentRow.id.desc()).limit(1))
        row = self.session.scalars(query).one_or_none()
        if row is not None:
            row.outcome, row.released_at = outcome, released_at


def _listing(agent: Agent | AgentRow) -> tuple:
    """What an agent's rows in routing_agents depend on (a row and a value read alike; statuses as strings)."""
    status = agent.status.value if isinstance(agent.status, AgentStatus) else agent.status
    return status, dict(agent.skills or {}), agent.idle_since, agent.calls_today, agent.last_assigned_at

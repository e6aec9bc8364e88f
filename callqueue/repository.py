"""The call queue's rows through a session: agents, entries and assignments, with the row locks routing needs.

Locks: `lock=True` reads SELECT ... FOR UPDATE; the routing reads add SKIP LOCKED, so two workers
routing at once each take rows the other does not hold, and never wait for each other. SQLite has
no row locks (SQLAlchemy leaves the clause out): there every transaction begins IMMEDIATE, so the
writers take turns instead.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .tables import AgentRow, AssignmentRow, QueueEntryRow

ACTIVE = ("waiting", "offered", "answered")
SEATED = ("available", "reserved", "busy", "wrap_up")  # staffed: at work, free or not


class SqlAlchemyQueueRepository:
    def __init__(self, session: Session):
        self.session = session

    # -- agents -----------------------------------------------------------------
    def agent(self, agent_id: str, lock: bool = False) -> AgentRow | None:
        query = select(AgentRow).where(AgentRow.id == agent_id)
        return self.session.scalars(query.with_for_update() if lock else query).one_or_none()

    def agents(self) -> list[AgentRow]:
        return list(self.session.scalars(select(AgentRow).order_by(AgentRow.id)))

    def add(self, row) -> None:
        self.session.add(row)
        self.session.flush()

    def available_agents(self) -> list[AgentRow]:
        query = select(AgentRow).where(AgentRow.status == "available").with_for_update(skip_locked=True)
        return list(self.session.scalars(query))

    def seated_agents(self) -> list[AgentRow]:
        return list(self.session.scalars(select(AgentRow).where(AgentRow.status.in_(SEATED))))

    def wrap_ups_due(self, now: datetime) -> list[AgentRow]:
        query = select(AgentRow).where(AgentRow.status == "wrap_up", AgentRow.wrap_up_until <= now)
        return list(self.session.scalars(query.with_for_update(skip_locked=True)))

    # -- entries ----------------------------------------------------------------
    def entry(self, entry_id: int, lock: bool = False) -> QueueEntryRow | None:
        query = select(QueueEntryRow).where(QueueEntryRow.id == entry_id)
        return self.session.scalars(query.with_for_update() if lock else query).one_or_none()

    def latest_entry(self, call_sid: str, lock: bool = False) -> QueueEntryRow | None:
        query = select(QueueEntryRow).where(QueueEntryRow.call_sid == call_sid).order_by(QueueEntryRow.id.desc()).limit(1)
        return self.session.scalars(query.with_for_update() if lock else query).one_or_none()

    def waiting(self, size: int, after: tuple | None = None) -> list[QueueEntryRow]:
        """Waiting callers in serving order (priority, then age), `size` at a time after the key `after`."""
        query = select(QueueEntryRow).where(QueueEntryRow.status == "waiting")
        if after is not None:
            priority, enqueued_at, entry_id = after
            query = query.where(or_(
                QueueEntryRow.priority < priority,
                and_(QueueEntryRow.priority == priority, QueueEntryRow.enqueued_at > enqueued_at),
                and_(QueueEntryRow.priority == priority, QueueEntryRow.enqueued_at == enqueued_at, QueueEntryRow.id > entry_id)))
        query = query.order_by(QueueEntryRow.priority.desc(), QueueEntryRow.enqueued_at, QueueEntryRow.id).limit(size)
        return list(self.session.scalars(query.with_for_update(skip_locked=True)))

    def waiting_batches(self, size: int) -> Iterator[list[QueueEntryRow]]:
        after = None
        while batch := self.waiting(size, after):
            yield batch
            last = batch[-1]
            after = (last.priority, last.enqueued_at, last.id)

    def position(self, row: QueueEntryRow) -> int:
        """1 for the next caller of its queue to be served."""
        ahead = select(func.count(QueueEntryRow.id)).where(
            QueueEntryRow.queue == row.queue, QueueEntryRow.status == "waiting", QueueEntryRow.id != row.id,
            or_(QueueEntryRow.priority > row.priority,
                and_(QueueEntryRow.priority == row.priority, QueueEntryRow.enqueued_at < row.enqueued_at),
                and_(QueueEntryRow.priority == row.priority, QueueEntryRow.enqueued_at == row.enqueued_at,
                     QueueEntryRow.id < row.id)))
        return (self.session.scalar(ahead) or 0) + 1

    def rings_due(self, now: datetime) -> list[QueueEntryRow]:
        query = select(QueueEntryRow).where(QueueEntryRow.status == "offered", QueueEntryRow.ring_due_at <= now)
        return list(self.session.scalars(query.with_for_update(skip_locked=True)))

    def overflows_due(self, queue: str, entered_before: datetime) -> list[QueueEntryRow]:
        query = select(QueueEntryRow).where(QueueEntryRow.queue == queue, QueueEntryRow.status == "waiting",
                                            QueueEntryRow.queue_entered_at <= entered_before)
        return list(self.session.scalars(query.with_for_update(skip_locked=True)))

    def recent_handle_s(self, queue: str, limit: int = 100) -> list[float]:
        query = (select(QueueEntryRow.handle_seconds).where(QueueEntryRow.queue == queue,
                                                            QueueEntryRow.handle_seconds.is_not(None))
                 .order_by(QueueEntryRow.id.desc()).limit(limit))
        return list(self.session.scalars(query))

    def entries_since(self, since: datetime, queue: str | None = None) -> list[QueueEntryRow]:
        query = select(QueueEntryRow).where(QueueEntryRow.enqueued_at >= since)
        if queue is not None:
            query = query.where(QueueEntryRow.queue == queue)
        return list(self.session.scalars(query.order_by(QueueEntryRow.enqueued_at)))

    def counts_by_queue(self) -> dict[tuple[str, str], int]:
        query = select(QueueEntryRow.queue, QueueEntryRow.status, func.count()).where(
            QueueEntryRow.status.in_(ACTIVE)).group_by(QueueEntryRow.queue, QueueEntryRow.status)
        return {(queue, status): n for queue, status, n in self.session.execute(query)}

    def oldest_waiting(self) -> dict[str, datetime]:
        """When the caller waiting longest in each queue entered the line (queues with nobody waiting are absent)."""
        query = select(QueueEntryRow.queue, func.min(QueueEntryRow.enqueued_at)).where(
            QueueEntryRow.status == "waiting").group_by(QueueEntryRow.queue)
        return {queue: at for queue, at in self.session.execute(query)}

    # -- assignments ------------------------------------------------------------
    def open_assignment(self, entry_id: int) -> AssignmentRow | None:
        query = (select(AssignmentRow).where(AssignmentRow.entry_id == entry_id, AssignmentRow.released_at.is_(None))
                 .order_by(AssignmentRow.id.desc()).limit(1))
        return self.session.scalars(query).one_or_none()

    def assignments(self) -> list[AssignmentRow]:
        return list(self.session.scalars(select(AssignmentRow).order_by(AssignmentRow.id)))

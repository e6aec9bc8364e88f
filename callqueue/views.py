"""Read models of the call queue for the API, the CLI and the reports: no locks, no writes, values not rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .model import Agent, EntryStatus, QueueEntry
from .rows import agent_of, entry_of
from .tables import AgentRow, AssignmentRow, QueueEntryRow

ACTIVE = (EntryStatus.WAITING.value, EntryStatus.OFFERED.value, EntryStatus.ANSWERED.value)


class SqlAlchemyQueueViews:
    """What the queue pages and reports read: agents, entries over a period, live counts, offers with why."""

    def __init__(self, session: Session):
        self.session = session

    def agents(self) -> list[Agent]:
        return [agent_of(row) for row in self.session.scalars(select(AgentRow).order_by(AgentRow.id))]

    def agent(self, agent_id: str) -> Agent | None:
        row = self.session.get(AgentRow, agent_id)
        return None if row is None else agent_of(row)

    def entries_since(self, since: datetime, queue: str | None = None) -> list[QueueEntry]:
        """Entries that came in at or after `since` (of one queue, where the caller is now), oldest first."""
        query = select(QueueEntryRow).where(QueueEntryRow.enqueued_at >= since)
        if queue is not None:
            query = query.where(QueueEntryRow.queue == queue)
        return [entry_of(row) for row in self.session.scalars(query.order_by(QueueEntryRow.enqueued_at, QueueEntryRow.id))]

    def counts_by_queue(self) -> dict[tuple[str, str], int]:
        """Callers waiting, offered and on a call now, per (queue, status)."""
        query = select(QueueEntryRow.queue, QueueEntryRow.status, func.count()).where(
            QueueEntryRow.status.in_(ACTIVE)).group_by(QueueEntryRow.queue, QueueEntryRow.status)
        return {(queue, status): n for queue, status, n in self.session.execute(query)}

    def oldest_waiting(self) -> dict[str, datetime]:
        """When the caller waiting longest in each queue came in (queues with nobody waiting are absent)."""
        query = select(QueueEntryRow.queue, func.min(QueueEntryRow.enqueued_at)).where(
            QueueEntryRow.status == EntryStatus.WAITING.value).group_by(QueueEntryRow.queue)
        return {queue: at for queue, at in self.session.execute(query)}

    def offers(self, queue: str, call_sid: str | None = None, limit: int = 50) -> list[dict]:
        """The latest offers in a queue (or of one call), newest first, with why each agent was chosen."""
        query = select(AssignmentRow).where(AssignmentRow.queue == queue)
        if call_sid:
            query = query.where(AssignmentRow.call_sid == call_sid)
        query = query.order_by(AssignmentRow.offered_at.desc(), AssignmentRow.id.desc()).limit(limit)
        return [_offer_json(row) for row in self.session.scalars(query)]


def _offer_json(row: AssignmentRow) -> dict:
    return {"call_sid": row.call_sid, "agent": row.agent_id, "offered_at": row.offered_at.isoformat(),
            "released_at": row.released_at.isoformat() if row.released_at else None, "outcome": row.outcome,
            "rule": row.rule, "why": row.why}

"""The desk's reads and its one write (a wrap-up), on one unit of work's session: calls with their event logs,
queue entries and offers of an agent, earlier calls of a number, an agent's status log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from callqueue.tables import AgentStatusLogRow, AssignmentRow, QueueEntryRow
from ivr.tables import CallRow

from .day import StatusChange

Entry = QueueEntryRow
WRAP_UP = ("disposition", "notes", "follow_up", "wrapped_by", "wrapped_at")


class SqlAlchemyDeskViews:
    """What the desk reads, as rows (read-only but for `store_wrap_up`)."""

    def __init__(self, session: Session):
        self.session = session

    def call(self, call_sid: str) -> CallRow | None:
        query = select(CallRow).where(CallRow.call_sid == call_sid).options(selectinload(CallRow.events))
        return self.session.scalars(query).one_or_none()

    def calls(self, call_sids: list[str]) -> dict[str, CallRow]:
        query = select(CallRow).where(CallRow.call_sid.in_(call_sids))
        return {row.call_sid: row for row in self.session.scalars(query)} if call_sids else {}

    def entry(self, entry_id: int, lock: bool = False) -> Entry | None:
        query = select(Entry).where(Entry.id == entry_id)
        return self.session.scalars(query.with_for_update() if lock else query).one_or_none()

    def latest_entry(self, call_sid: str) -> Entry | None:
        query = select(Entry).where(Entry.call_sid == call_sid).order_by(Entry.id.desc()).limit(1)
        return self.session.scalars(query).one_or_none()

    def offer(self, call_sid: str, agent_id: str) -> AssignmentRow | None:
        """The latest offer of the call to the agent (None: it never rang for them)."""
        query = (select(AssignmentRow).where(AssignmentRow.call_sid == call_sid, AssignmentRow.agent_id == agent_id)
                 .order_by(AssignmentRow.id.desc()).limit(1))
        return self.session.scalars(query).one_or_none()

    def last_answered(self, agent_id: str) -> Entry | None:
        """The agent's latest call they answered (on it now, or ended)."""
        query = (select(Entry).where(Entry.agent_id == agent_id, Entry.answered_at.is_not(None))
                 .order_by(Entry.answered_at.desc(), Entry.id.desc()).limit(1))
        return self.session.scalars(query).one_or_none()

    def answered_between(self, agent_id: str, start: datetime, end: datetime) -> list[Entry]:
        query = select(Entry).where(Entry.agent_id == agent_id, Entry.answered_at >= start, Entry.answered_at <= end)
        return list(self.session.scalars(query.order_by(Entry.answered_at, Entry.id)))

    def earlier_calls(self, number: str, since: datetime, before: datetime, except_sid: str,
                      limit: int = 20) -> list[tuple[CallRow, Entry | None]]:
        """Calls from `number` started in [since, before), newest first, each with its latest queue entry."""
        query = (select(CallRow).where(CallRow.from_number == number, CallRow.started_at >= since,
                                       CallRow.started_at < before, CallRow.call_sid != except_sid)
                 .order_by(CallRow.started_at.desc(), CallRow.id.desc()).limit(limit))
        calls = list(self.session.scalars(query))
        entries: dict[str, Entry] = {}
        if calls:
            found = select(Entry).where(Entry.call_sid.in_([c.call_sid for c in calls])).order_by(Entry.id)
            entries = {row.call_sid: row for row in self.session.scalars(found)}  # the latest wins
        return [(call, entries.get(call.call_sid)) for call in calls]

    def status_changes(self, agent_id: str, start: datetime, end: datetime) -> tuple[StatusChange | None, list[StatusChange]]:
        """The agent's last status change at or before `start`, and those after it up to `end`, in order."""
        log = AgentStatusLogRow
        before = (select(log).where(log.agent_id == agent_id, log.at <= start)
                  .order_by(log.at.desc(), log.id.desc()).limit(1))
        after = select(log).where(log.agent_id == agent_id, log.at > start, log.at <= end).order_by(log.at, log.id)
        first = self.session.scalars(before).one_or_none()
        return (_change(first) if first else None), [_change(row) for row in self.session.scalars(after)]

    def store_wrap_up(self, entry: Entry, values: dict) -> CallRow | None:
        """Write the wrap-up onto the queue entry and onto its call."""
        call = self.session.scalars(select(CallRow).where(CallRow.call_sid == entry.call_sid)).one_or_none()
        for row in (entry, call):
            for name in WRAP_UP:
                if row is not None:
                    setattr(row, name, values[name])
        return call


def _change(row: AgentStatusLogRow) -> StatusChange:
    return StatusChange(row.at, row.status, row.reason)

"""Capture: session events that write `live_events` rows in the same transaction as the change they report.

Installed on the unit of work's sessionmaker (ivr.bootstrap), so callqueue's repositories write their rows as
always and know nothing of the feed. After each flush the new, changed and deleted agents, queue entries,
offers (assignments) and calls are turned into at most one row per (audience, kind, ref): "agent:<id>" for the
agent concerned and "board" for every change. Call statuses written by the webhook path's Core UPDATE are
noted by the call repository in `session.info` and written just before commit. On PostgreSQL the same
statement sends `pg_notify('ivr_live', <max id>)`, which the server delivers only if the transaction commits.
"""
from __future__ import annotations

from sqlalchemy import String, cast, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from callqueue.tables import AgentRow, AssignmentRow, QueueEntryRow

from ..repository import CALL_STATUS_CHANGES
from ..tables import CallRow
from .tables import LIVE_EVENTS

CHANNEL = "ivr_live"
BOARD = "board"
AGENT_FIELDS = ("status", "entry_id", "wrap_up_until", "name", "contact", "skills")
ENTRY_FIELDS = ("status", "agent_id", "queue", "priority")
OFFER_FIELDS = ("outcome", "released_at")


def agent_audience(agent_id: str) -> str:
    return f"agent:{agent_id}"


def install(session_factory, clock) -> None:
    """Write live events from every session `session_factory` makes (idempotent per factory)."""
    if getattr(session_factory, "_ivr_live_capture", False):
        return
    capture = Capture(clock)
    event.listen(session_factory, "after_flush", capture.after_flush)
    event.listen(session_factory, "before_commit", capture.before_commit)
    event.listen(session_factory, "after_soft_rollback", capture.after_rollback)
    session_factory._ivr_live_capture = True


class Capture:
    """Turns a flush's changes into event rows; `clock` stamps them."""

    def __init__(self, clock):
        self.clock = clock

    def after_flush(self, session: Session, _context) -> None:
        events: dict[tuple[str, str, str], str] = {}
        for row in session.new:
            _changed(events, row, created=True)
        for row in session.dirty:
            _changed(events, row, created=False)
        for row in session.deleted:
            _deleted(events, row)
        write(session, events, self.clock.now())

    def before_commit(self, session: Session) -> None:
        noted = session.info.pop(CALL_STATUS_CHANGES, None)
        if noted:
            write(session, {(BOARD, "call", sid): "" for sid, _status in noted}, self.clock.now())

    def after_rollback(self, session: Session, _previous) -> None:
        session.info.pop(CALL_STATUS_CHANGES, None)


def write(session: Session, events: dict[tuple[str, str, str], str], now) -> None:
    """Insert the events (one statement); on PostgreSQL the same statement notifies the listeners."""
    if not events:
        return
    rows = [{"at": now, "audience": audience, "kind": kind, "ref": ref[:64], "queue": queue or ""}
            for (audience, kind, ref), queue in events.items()]
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(LIVE_EVENTS), rows)
        return
    written = insert(LIVE_EVENTS).values(rows).returning(LIVE_EVENTS.c.id).cte("written")
    connection.execute(select(func.pg_notify(CHANNEL, cast(func.max(written.c.id), String))))


def _changed(events: dict, row, created: bool) -> None:
    if isinstance(row, AgentRow) and (created or _moved(row, AGENT_FIELDS)):
        _add(events, row.id, "agent", row.id, "")
    elif isinstance(row, QueueEntryRow) and (created or _moved(row, ENTRY_FIELDS)):
        for agent_id in _agents_of(row):
            _add(events, agent_id, "offer", str(row.id), row.queue)
        events[(BOARD, "entry", str(row.id))] = row.queue
    elif isinstance(row, AssignmentRow) and (created or _moved(row, OFFER_FIELDS)):
        _add(events, row.agent_id, "offer", str(row.entry_id), row.queue)
    elif isinstance(row, CallRow) and (created or _moved(row, ("status",))):
        events[(BOARD, "call", row.call_sid)] = ""


def _deleted(events: dict, row) -> None:
    if isinstance(row, AgentRow):
        _add(events, row.id, "agent", row.id, "")
    elif isinstance(row, (QueueEntryRow, AssignmentRow)):
        ref = str(row.id if isinstance(row, QueueEntryRow) else row.entry_id)
        events[(BOARD, "entry", ref)] = row.queue


def _add(events: dict, agent_id: str | None, kind: str, ref: str, queue: str) -> None:
    """The agent hears of it, and so does the board."""
    if agent_id:
        events[(agent_audience(agent_id), kind, ref)] = queue
    events[(BOARD, kind, ref)] = queue


def _moved(row, fields: tuple[str, ...]) -> bool:
    attrs = inspect(row).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _agents_of(row: QueueEntryRow) -> set[str]:
    """The entry's agent now and, when it changed, the one it had (whose offer was withdrawn)."""
    history = inspect(row).attrs["agent_id"].history
    if not (history.has_changes() or inspect(row).attrs["status"].history.has_changes()):
        return set()
    return {a for a in (*history.added, *history.unchanged, *history.deleted, row.agent_id) if a}

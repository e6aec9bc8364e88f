"""Callers who hung up while waiting, each with what they entered and said, and whether they were reached since.

"Called again" is a later call from the same number (any call row started after the hang-up); "called back" is the
latest call-back a supervisor placed for that entry, with its Twilio status. Values a sensitive gather collected are
shown as ****, never opened.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqueue.tables import QueueEntryRow as E

from ..sensitive import SEALED
from ..tables import CallEventRow, CallRow
from .tables import CallbackRow

MASK = "****"
LIMIT = 1000


def abandoned(session: Session, start: datetime, end: datetime, queue: str | None, hidden: set[str]) -> list[dict]:
    """Abandoned entries that ended in [start, end) (of one queue), newest first, at most LIMIT."""
    again = select(func.min(CallRow.started_at)).where(
        CallRow.from_number == E.from_number, E.from_number != "", CallRow.started_at > E.ended_at,
        CallRow.direction.not_like("outbound%")).correlate(E).scalar_subquery()
    query = select(E, again.label("called_again_at")).where(
        E.status == "abandoned", E.ended_at >= start, E.ended_at < end)
    if queue:
        query = query.where(E.queue == queue)
    found = session.execute(query.order_by(E.ended_at.desc(), E.id.desc()).limit(LIMIT)).all()
    callbacks = latest_callbacks(session, [row.id for row, _ in found])
    said = speech_heard(session, [row.call_sid for row, _ in found])
    return [_row(entry, again_at, callbacks.get(entry.id), said.get(entry.call_sid, []), hidden) for entry, again_at in found]


def latest_callbacks(session: Session, entry_ids: list[int]) -> dict[int, CallbackRow]:
    if not entry_ids:
        return {}
    rows = session.scalars(select(CallbackRow).where(CallbackRow.entry_id.in_(entry_ids)).order_by(CallbackRow.id))
    return {row.entry_id: row for row in rows}


def speech_heard(session: Session, call_sids: list[str]) -> dict[str, list[dict]]:
    """What each call's caller said, in order: the transcripts and confidences the flow heard."""
    if not call_sids:
        return {}
    query = select(CallRow.call_sid, CallEventRow.node, CallEventRow.detail).join(
        CallEventRow, CallEventRow.call_id == CallRow.id).where(
        CallRow.call_sid.in_(call_sids), CallEventRow.kind == "speech_heard").order_by(CallEventRow.id)
    heard: dict[str, list[dict]] = {}
    for sid, node, detail in session.execute(query):
        heard.setdefault(sid, []).append({"node": node, "transcript": (detail or {}).get("transcript", ""),
                                          "confidence": (detail or {}).get("confidence")})
    return heard


def masked(variables: dict, hidden: set[str]) -> dict:
    """Variables with sealed values and those of sensitive gathers (`hidden` names) shown as ****."""
    return {k: MASK if k in hidden or (isinstance(v, str) and v.startswith(SEALED)) else v
            for k, v in (variables or {}).items()}


def callback_json(row: CallbackRow | None) -> dict | None:
    if row is None:
        return None
    return {"id": row.id, "target": row.target, "agent": row.agent_id, "requested_by": row.requested_by,
            "requested_at": row.requested_at.isoformat(), "call_sid": row.call_sid, "status": row.status,
            "updated_at": row.updated_at.isoformat()}


def _row(entry: E, again_at: datetime | None, callback: CallbackRow | None, said: list[dict], hidden: set[str]) -> dict:
    return {"entry_id": entry.id, "call_sid": entry.call_sid, "number": entry.from_number, "queue": entry.queue,
            "enqueued_at": entry.enqueued_at.isoformat(), "abandoned_at": entry.ended_at.isoformat(),
            "waited_s": round(entry.wait_seconds, 1) if entry.wait_seconds is not None else None,
            "language": entry.language, "entered": masked(entry.variables, hidden), "said": said,
            "called_again": again_at is not None, "called_again_at": again_at.isoformat() if again_at else None,
            "called_back": callback is not None and callback.status in ("in-progress", "completed"),
            "callback": callback_json(callback)}

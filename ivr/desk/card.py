"""The caller card: who is calling, what they told the IVR and how they got here, why this agent, and their earlier
calls — built from the rows the desk repository reads. Caller data is kept as plain data (the page escapes it)."""
from __future__ import annotations

from datetime import datetime, timedelta

from ivr.sensitive import SEALED

from . import path
from .path import Event

HISTORY_DAYS = 30
NO_NUMBER = frozenset({"", "anonymous", "restricted", "unknown", "unavailable", "+266696687"})  # hidden caller ids


def card(call, entry, offer, history: list[tuple], now: datetime, sensitive: frozenset[str]) -> dict:
    """The card of `call` (a CallRow with events) for the agent its `offer` (an AssignmentRow) went to."""
    events = [Event(e.at, e.kind, e.node, e.detail or {}) for e in call.events]
    variables = call.variables or {}
    return {
        "call_sid": call.call_sid, "number": call.from_number, "language": (entry.language if entry else "") or call.language,
        "queue": entry.queue if entry else None, "entry_id": entry.id if entry else None,
        "status": entry.status if entry else None, "waited_s": _waited(entry, now), "priority": entry.priority if entry else 0,
        "started_at": call.started_at.isoformat(),
        "entered": path.entered(events, variables, SEALED),
        "variables": path.masked(variables, SEALED, sensitive),
        "speech": path.speech(events),
        "path": path.walk(events),
        "why": _why(offer),
        "wrap_up": wrap_up_json(call),
        "history": [_earlier(c, e) for c, e in history],
    }


def history_window(now: datetime) -> datetime:
    return now - timedelta(days=HISTORY_DAYS)


def has_number(number: str) -> bool:
    """False for a withheld caller id: every such call would otherwise look like one caller's history."""
    return number.strip().lower() not in NO_NUMBER


def wrap_up_json(row) -> dict | None:
    """A call's or entry's wrap-up; None until the agent stored one."""
    if row is None or row.wrapped_at is None:
        return None
    return {"disposition": row.disposition, "notes": row.notes or "", "follow_up": bool(row.follow_up),
            "wrapped_by": row.wrapped_by, "wrapped_at": row.wrapped_at.isoformat()}


def _waited(entry, now: datetime) -> float | None:
    if entry is None:
        return None
    if entry.wait_seconds is not None:
        return round(entry.wait_seconds, 1)
    left = entry.answered_at or entry.ended_at or now
    return round((left - entry.enqueued_at).total_seconds(), 1)


def _why(offer) -> dict | None:
    if offer is None:
        return None
    return {"rule": offer.rule, "offered_at": offer.offered_at.isoformat(), "outcome": offer.outcome, **(offer.why or {})}


def _earlier(call, entry) -> dict:
    wrapped = wrap_up_json(call) or wrap_up_json(entry) or {}
    return {"call_sid": call.call_sid, "started_at": call.started_at.isoformat(),
            "ended_at": call.ended_at.isoformat() if call.ended_at else None,
            "queue": entry.queue if entry else None, "agent": entry.agent_id if entry else None,
            "outcome": (entry.outcome or entry.status) if entry else call.status,
            "handle_s": entry.handle_seconds if entry else None,
            "disposition": wrapped.get("disposition"), "notes": wrapped.get("notes", ""),
            "follow_up": wrapped.get("follow_up", False), "wrapped_by": wrapped.get("wrapped_by")}

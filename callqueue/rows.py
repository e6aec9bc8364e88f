"""Rows to domain values and back: agents and entries for the status machines and `route`, and the why as JSON."""
from __future__ import annotations

from datetime import datetime

from .model import Agent, AgentStatus, EntryStatus, QueueEntry
from .routing import Why
from .tables import AgentRow, QueueEntryRow


def agent_of(row: AgentRow) -> Agent:
    return Agent(row.id, row.name, row.contact, dict(row.skills or {}), AgentStatus(row.status), row.status_since,
                 row.idle_since, row.calls_today, row.last_assigned_at, str(row.entry_id) if row.entry_id else None,
                 row.missed_calls or 0, row.wrap_up_until, row.status_reason)


def write_agent(row: AgentRow, agent: Agent, now: datetime) -> None:
    """Copy the agent back onto its row (the status machine's fields and the profile a person edits)."""
    row.name, row.contact, row.skills = agent.name, agent.contact, dict(agent.skills)
    row.status, row.status_since, row.idle_since = agent.status.value, agent.status_since, agent.idle_since
    row.calls_today, row.last_assigned_at, row.missed_calls = agent.calls_today, agent.last_assigned_at, agent.missed_calls
    row.entry_id = int(agent.call_id) if agent.call_id else None
    row.wrap_up_until, row.status_reason = agent.wrap_up_until, agent.status_reason
    row.updated_at = now


ENTRY_COLUMNS = frozenset({"id", "queue", "enqueued_at", "priority", "skills", "variables", "status", "agent_id",
                           "offered_at", "answered_at", "ended_at", "estimate_announced_s", "offers", "missed",
                           "queue_entered_at", "overflowed_from", "ring_due_at", "call_sid", "from_number", "node",
                           "language", "whisper", "wait_requests", "position_announced", "last_request_at",
                           "callback_number", "callback_from", "callback_due_at", "callback_attempts",
                           "callback_call_sid", "callback_picked_at", "resumed_from", "resumed_by"})


def entry_of(row: QueueEntryRow) -> QueueEntry:
    """The entry as the model and `route` see it; its call_id is the entry row's id."""
    # Routing maps 200 rows a batch: read the loaded values straight from the row's state (the instrumented
    # attributes cost about twice as much); a row with an expired column goes through its attributes.
    d = row.__dict__
    if not ENTRY_COLUMNS.issubset(d):
        d = {name: getattr(row, name) for name in ENTRY_COLUMNS}
    return QueueEntry(str(d["id"]), d["queue"], d["enqueued_at"], d["priority"], dict(d["skills"] or {}),
                      dict(d["variables"] or {}), EntryStatus(d["status"]), d["agent_id"], d["offered_at"],
                      d["answered_at"], d["ended_at"], d["estimate_announced_s"], d["offers"] or 0, d["missed"] or 0,
                      d["queue_entered_at"], d["overflowed_from"], d["ring_due_at"], d["call_sid"],
                      d["from_number"] or "", d["node"] or "", d["language"] or "", d["whisper"] or "",
                      d["wait_requests"] or 0, d["position_announced"], d["last_request_at"],
                      d["callback_number"] or "", d["callback_from"] or "", d["callback_due_at"],
                      d["callback_attempts"] or 0, d["callback_call_sid"] or "", d["callback_picked_at"],
                      d["resumed_from"], d["resumed_by"])


def new_entry_row(entry: QueueEntry) -> QueueEntryRow:
    """The row of a caller just filed (the database gives it its id)."""
    row = QueueEntryRow(call_sid=entry.call_sid, from_number=entry.from_number, node=entry.node, queue=entry.queue,
                        first_queue=entry.queue, priority=entry.priority, skills=dict(entry.skills),
                        variables=dict(entry.variables), language=entry.language, whisper=entry.whisper,
                        enqueued_at=entry.enqueued_at)
    write_entry(row, entry)
    return row


def write_entry(row: QueueEntryRow, entry: QueueEntry) -> None:
    """Copy what the entry's moves change back onto its row, with the figures the reports read."""
    row.status, row.queue, row.agent_id = entry.status.value, entry.queue, entry.agent_id
    row.offered_at, row.ring_due_at, row.answered_at, row.ended_at = (entry.offered_at, entry.ring_due_at,
                                                                      entry.answered_at, entry.ended_at)
    row.queue_entered_at, row.overflowed_from = entry.queue_entered_at, entry.overflowed_from
    row.offers, row.missed, row.wait_requests = entry.offers, entry.misses, entry.waits
    row.estimate_announced_s, row.position_announced = entry.estimate_s, entry.position_announced
    row.last_request_at = entry.last_request_at
    row.callback_number, row.callback_from, row.callback_due_at = entry.callback_number, entry.callback_from, entry.callback_due_at
    row.callback_attempts, row.callback_call_sid = entry.callback_attempts, entry.callback_call_sid
    row.callback_picked_at, row.resumed_from, row.resumed_by = entry.callback_picked_at, entry.resumed_from, entry.resumed_by
    row.wait_seconds, row.handle_seconds, row.outcome = entry.wait_seconds, entry.handle_seconds, entry.outcome


def why_json(why: Why) -> dict:
    """The candidates considered, the agents skipped and why, and the rule that picked."""
    return {
        "rule": why.rule.value,
        "requirement": {"step": why.requirement.step,
                        "alternatives": [{"via": a.via, "skills": dict(a.skills)} for a in why.requirement.alternatives]},
        "chosen": why.chosen.agent_id,
        "candidates": [{"agent": c.agent_id, "via": c.via, "score": c.score} for c in why.candidates],
        "skipped": [{"agent": s.agent_id, "reason": s.reason.value, "detail": s.detail} for s in why.skipped],
    }


def agent_json(agent: Agent) -> dict:
    return {"id": agent.id, "name": agent.name, "contact": agent.contact, "skills": dict(agent.skills),
            "status": agent.status.value, "status_since": _iso(agent.status_since), "calls_today": agent.calls_today,
            "missed_calls": agent.missed_calls, "entry": int(agent.call_id) if agent.call_id else None,
            "wrap_up_until": _iso(agent.wrap_up_until), "status_reason": agent.status_reason}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

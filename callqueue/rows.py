"""Rows to domain values and back: agents and entries for the status machines and `route`, and the why as JSON."""
from __future__ import annotations

from datetime import datetime

from .model import Agent, AgentStatus, EntryStatus, QueueEntry
from .routing import Why
from .tables import AgentRow, QueueEntryRow


def agent_of(row: AgentRow) -> Agent:
    return Agent(row.id, row.name, row.contact, dict(row.skills or {}), AgentStatus(row.status), row.status_since,
                 row.idle_since, row.calls_today, row.last_assigned_at, str(row.entry_id) if row.entry_id else None)


def write_agent(row: AgentRow, agent: Agent, now: datetime) -> None:
    """Copy the status machine's fields back onto the row."""
    row.status, row.status_since, row.idle_since = agent.status.value, agent.status_since, agent.idle_since
    row.calls_today, row.last_assigned_at = agent.calls_today, agent.last_assigned_at
    row.entry_id = int(agent.call_id) if agent.call_id else None
    row.updated_at = now


def entry_of(row: QueueEntryRow) -> QueueEntry:
    """The entry as `route` sees it; its call_id is the entry row's id."""
    return QueueEntry(str(row.id), row.queue, row.enqueued_at, row.priority, dict(row.skills or {}),
                      dict(row.variables or {}), EntryStatus(row.status), row.agent_id, row.offered_at,
                      row.answered_at, row.ended_at, row.estimate_announced_s, row.offers)


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


def agent_json(row: AgentRow) -> dict:
    return {"id": row.id, "name": row.name, "contact": row.contact, "skills": dict(row.skills or {}),
            "status": row.status, "status_since": _iso(row.status_since), "calls_today": row.calls_today,
            "missed_calls": row.missed_calls, "entry": row.entry_id, "wrap_up_until": _iso(row.wrap_up_until)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

"""Small builders for call-queue tests: agents, callers and queues at times counted from T0."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from callqueue.model import Agent, AgentStatus, QueueEntry
from callqueue.queues import Escalation, Queue, QueueConfig, Strategy

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def agent(id: str, skills: dict | None = None, status: str = "available", idle_s: float = 0,
          calls: int = 0, assigned_s: float | None = None) -> Agent:
    """An agent idle since `idle_s` seconds after T0 (negative: before), last assigned at `assigned_s`."""
    return Agent(id, id.title(), f"client:{id}", skills or {}, AgentStatus(status), at(idle_s), at(idle_s),
                 calls, None if assigned_s is None else at(assigned_s))


def caller(call_id: str, queue: str = "billing", waited_s: float = 0, priority: int = 0,
           skills: dict | None = None, now: datetime = T0) -> QueueEntry:
    """A waiting caller who has waited `waited_s` seconds at `now`."""
    return QueueEntry(call_id, queue, now - timedelta(seconds=waited_s), priority, skills or {})


def floor_config(strategy: str = "longest_idle") -> QueueConfig:
    """billing (billing 5; after 60 s level 3, after 120 s general's agents too), support, general."""
    return QueueConfig(languages=["ko", "en"], queues={
        "billing": Queue(name="billing", skills={"billing": 5}, strategy=Strategy(strategy), escalations=[
            Escalation(after_s=60, min_levels={"billing": 3}), Escalation(after_s=120, add_queues=["general"])]),
        "support": Queue(name="support", skills={"support": 3}, strategy=Strategy(strategy),
                         escalations=[Escalation(after_s=90, drop_skills=["support"])]),
        "general": Queue(name="general", strategy=Strategy(strategy)),
    })

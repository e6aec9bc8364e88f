"""SQLAlchemy rows of the call queue: agents with their status, queue entries with every moment, assignments with why."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callqueue.sqltypes import Json, UtcDateTime


class Base(DeclarativeBase):
    """The metadata of the call-queue tables (the timer lease's too); Alembic's env combines it with the others."""


class AgentRow(Base):
    """One agent: contact, skills, and where the status machine stands (with the due time of wrap-up)."""

    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    contact: Mapped[str] = mapped_column(String(128))
    skills: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="offline", index=True)
    status_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    idle_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    calls_today: Mapped[int] = mapped_column(Integer, default=0)
    missed_calls: Mapped[int] = mapped_column(Integer, default=0)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    wrap_up_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    status_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)  # why on break (break_reasons code)


class QueueEntryRow(Base):
    """A caller's stay in the queue: what it needs, each moment, the outcome, and the wait it was told."""

    __tablename__ = "queue_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    from_number: Mapped[str] = mapped_column(String(64), default="")
    node: Mapped[str] = mapped_column(String(128), default="")  # the flow's enqueue node, for the left URL
    queue: Mapped[str] = mapped_column(String(64))
    first_queue: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[dict] = mapped_column(Json, default=dict)
    variables: Mapped[dict] = mapped_column(Json, default=dict)
    language: Mapped[str] = mapped_column(String(16), default="")
    whisper: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    outcome: Mapped[str | None] = mapped_column(String(64), nullable=True)
    agent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    enqueued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queue_entered_at: Mapped[datetime] = mapped_column(UtcDateTime)  # max wait counts from here (overflow resets it)
    offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ring_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    wait_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    handle_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    estimate_announced_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    position_announced: Mapped[int | None] = mapped_column(Integer, nullable=True)
    wait_requests: Mapped[int] = mapped_column(Integer, default=0)
    offers: Mapped[int] = mapped_column(Integer, default=0)
    missed: Mapped[int] = mapped_column(Integer, default=0)
    overflowed_from: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_request_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # the caller's last queue webhook
    disposition: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the agent's wrap-up: a queue's code
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    follow_up: Mapped[bool | None] = mapped_column(nullable=True)
    wrapped_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    wrapped_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    callback_number: Mapped[str] = mapped_column(String(32), default="")  # set: a callback (keeps its place)
    callback_from: Mapped[str] = mapped_column(String(64), default="")
    callback_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    callback_call_sid: Mapped[str] = mapped_column(String(64), default="")
    callback_picked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resumed_from: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a returning caller: the abandoned entry
    resumed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # an abandoned entry: who took its place

    __table_args__ = (
        Index("ix_queue_entries_line", "status", "priority", "enqueued_at", "id"),
        Index("ix_queue_entries_queue_enqueued", "queue", "enqueued_at"),
        Index("ix_queue_entries_agent_answered", "agent_id", "answered_at"),  # an agent's calls of a day
        Index("ix_queue_entries_from_ended", "from_number", "ended_at"),  # a returning caller's abandoned stay
    )


class AssignmentRow(Base):
    """One offer of a caller to an agent: when, by which rule, the candidates and skipped agents, how it ended."""

    __tablename__ = "queue_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[str] = mapped_column(String(64), index=True)
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # answered, missed, withdrawn
    rule: Mapped[str] = mapped_column(String(32))
    why: Mapped[dict] = mapped_column(Json, default=dict)
    worker: Mapped[str] = mapped_column(String(64), default="")


class AgentStatusLogRow(Base):
    """One status an agent entered (by a person, the router or a timer), with when and why: an agent's day is read from it."""

    __tablename__ = "agent_status_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_agent_status_log_agent_at", "agent_id", "at"),)


# Agent ids sort as Python compares them (code points), so the database's order matches the in-memory index's.
AgentId = String(64).with_variant(String(64, collation="C"), "postgresql")


class RoutingAgentRow(Base):
    """An available agent as routing reads it: one row per skill held (and one under "" for any skill), carrying
    every strategy's sort key, so the database hands out the best candidates first (see callqueue.agent_lists)."""

    __tablename__ = "routing_agents"

    skill: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" lists every available agent
    agent_id: Mapped[str] = mapped_column(AgentId, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)  # minus the level of `skill`: highest level sorts first
    idle_at: Mapped[datetime] = mapped_column(UtcDateTime)  # idle_since, the epoch when never set
    calls_today: Mapped[int] = mapped_column(Integer)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)  # last_assigned_at, the epoch when never
    skills: Mapped[dict] = mapped_column(Json)  # every skill and level of the agent: a row is judged without its agent

    __table_args__ = (
        Index("ix_routing_agents_idle", "skill", "idle_at", "agent_id"),
        Index("ix_routing_agents_calls", "skill", "calls_today", "idle_at", "agent_id"),
        Index("ix_routing_agents_assigned", "skill", "assigned_at", "agent_id"),
        Index("ix_routing_agents_level", "skill", "rank", "idle_at", "agent_id"),
        Index("ix_routing_agents_agent", "agent_id"),
    )


class RoutingCountRow(Base):
    """How many available agents hold each skill ("" for all of them): routing reads the rarest skill of a requirement
    from here instead of counting a list. Kept with routing_agents, written when the transaction commits."""

    __tablename__ = "routing_counts"

    skill: Mapped[str] = mapped_column(String(64), primary_key=True)
    agents: Mapped[int] = mapped_column(Integer)

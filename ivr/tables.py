"""SQLAlchemy rows for calls, their event log and every flow version ever served."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from callqueue.sqltypes import Json, UtcDateTime  # noqa: F401  (UtcDateTime: the migrations import it from here)


class Base(DeclarativeBase):
    """The metadata of the ivr tables (callqueue and recordings keep their own; Alembic combines them)."""


class CallRow(Base):
    """One phone call: who, which flow version, where in it, and its Twilio status."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    account_sid: Mapped[str] = mapped_column(String(64), default="")
    from_number: Mapped[str] = mapped_column(String(64), default="")
    to_number: Mapped[str] = mapped_column(String(64), default="")
    direction: Mapped[str] = mapped_column(String(32), default="")
    flow_name: Mapped[str] = mapped_column(String(128))
    flow_version: Mapped[str] = mapped_column(String(64))
    node: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(16))
    variables: Mapped[dict] = mapped_column(Json, default=dict)
    invalid_count: Mapped[int] = mapped_column(Integer, default=0)
    no_input_count: Mapped[int] = mapped_column(Integer, default=0)
    flow_ended: Mapped[bool] = mapped_column(default=False)
    extras: Mapped[dict] = mapped_column(Json, default=dict)  # subflow stack, menu history, survey cursor
    status: Mapped[str] = mapped_column(String(32), default="ringing")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disposition: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the agent's wrap-up of the call
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    follow_up: Mapped[bool | None] = mapped_column(nullable=True)
    wrapped_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    wrapped_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    events: Mapped[list["CallEventRow"]] = relationship(
        back_populates="call", order_by="CallEventRow.id", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_calls_started_at", "started_at"),
                      Index("ix_calls_from_number_started", "from_number", "started_at"),  # earlier calls of a number
                      Index("ix_calls_flow_name_started_at", "flow_name", "started_at"))  # the funnel's calls of a period


class CallEventRow(Base):
    """One entry of a call's event log: a node entered, an input taken, a status reported."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(64))
    node: Mapped[str] = mapped_column(String(128), default="")
    flow_version: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict] = mapped_column(Json, default=dict)

    call: Mapped[CallRow] = relationship(back_populates="events")

    # a call's events in order without a sort (the funnel's window functions partition by call, order by id)
    __table_args__ = (Index("ix_call_events_call_id_id", "call_id", "id"),)


class FlowVersionRow(Base):
    """A flow version that was served: its hash, file and full text, so old calls can finish on it."""

    __tablename__ = "flow_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(512))
    source: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict | None] = mapped_column(Json, nullable=True)  # the composed flow, exactly as served
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SurveyAnswerRow(Base):
    """One answer to one survey question (None when the caller skipped it)."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    survey: Mapped[str] = mapped_column(String(128), index=True)
    question: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(String(16), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)

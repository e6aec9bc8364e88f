"""SQLAlchemy rows of the board: call-backs a supervisor placed to callers who hung up while waiting."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callqueue.sqltypes import UtcDateTime

IN_PROGRESS = ("requested", "queued", "initiated", "ringing", "in-progress")


class Base(DeclarativeBase):
    """The metadata of the board's tables (registered in ivr/schema.py)."""


class CallbackRow(Base):
    """One call-back: for which abandoned entry, to whom it goes (the queue or one agent), who asked, how it went.

    `status` is Twilio's CallStatus from the status callback (`queued` ... `completed`, `busy`, `no-answer`,
    `failed`, `canceled`), `requested` until Twilio took the call."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(16))  # queue or agent
    agent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_by: Mapped[str] = mapped_column(String(128))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    call_sid: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)  # the placed call's CallSid
    status: Mapped[str] = mapped_column(String(32), default="requested")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    new_entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the priority entry once answered

    __table_args__ = (Index("ix_callbacks_entry", "entry_id"),)

"""SQLAlchemy rows of the board: call-backs a supervisor placed to callers who hung up while waiting, and the
IVR funnel's per-day summaries (funnel_days, funnel_spans, funnel_times, funnel_summarised)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
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


class FunnelDayRow(Base):
    """The funnel of one finished day (the center's time zone) of one flow: per node and exit, the visits, the
    menu choices (of which by voice), and the confidences heard. Filled by ivr/board/funnel_days.py."""

    __tablename__ = "funnel_days"

    flow: Mapped[str] = mapped_column(String(128), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    node: Mapped[str] = mapped_column(String(128), primary_key=True)
    exit: Mapped[str] = mapped_column(String(64), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)
    chose: Mapped[int] = mapped_column(Integer)
    speech: Mapped[int] = mapped_column(Integer)
    confidence_sum: Mapped[float] = mapped_column(Float)
    heard: Mapped[int] = mapped_column(Integer)


class FunnelSpanRow(Base):
    """How many timed visits of a node on a day fall in each duration bucket (for the exact median)."""

    __tablename__ = "funnel_spans"

    flow: Mapped[str] = mapped_column(String(128), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    node: Mapped[str] = mapped_column(String(128), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)


class FunnelTimeRow(Base):
    """The seconds of one timed visit of a finished day: only the median's bucket is ever read."""

    __tablename__ = "funnel_times"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow: Mapped[str] = mapped_column(String(128))
    day: Mapped[str] = mapped_column(String(10))
    node: Mapped[str] = mapped_column(String(128))
    bucket: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_funnel_times_bucket", "flow", "node", "bucket", "day", "seconds"),
                      Index("ix_funnel_times_day", "flow", "day"))


class FunnelSummarisedRow(Base):
    """A day of a flow whose funnel rows are complete, for that time zone and that version of the rules."""

    __tablename__ = "funnel_summarised"

    flow: Mapped[str] = mapped_column(String(128), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    rules: Mapped[int] = mapped_column(Integer)
    calls: Mapped[int] = mapped_column(Integer)
    summarised_at: Mapped[datetime] = mapped_column(UtcDateTime)

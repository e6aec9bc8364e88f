"""The live feed's table: one small row per change an open page should hear of (`live_events`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callqueue.sqltypes import UtcDateTime

# SQLite: INTEGER PRIMARY KEY AUTOINCREMENT never reuses an id after the newest rows are pruned (the cursor of
# every open page would otherwise point past rows written later); PostgreSQL: a bigint sequence.
EVENT_ID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """The metadata of the live feed (ivr.schema combines it with the other packages' metadata)."""


class LiveEventRow(Base):
    """One change: who should hear of it (`audience`: "board" or "agent:<id>"), what kind, which thing, which queue."""

    __tablename__ = "live_events"

    id: Mapped[int] = mapped_column(EVENT_ID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    audience: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(64), default="")
    queue: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        Index("ix_live_events_audience_id", "audience", "id"),
        {"sqlite_autoincrement": True},
    )


LIVE_EVENTS = LiveEventRow.__table__

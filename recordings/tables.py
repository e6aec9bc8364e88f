"""SQLAlchemy rows for recordings (voicemail messages left in a flow)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callqueue.sqltypes import UtcDateTime


class Base(DeclarativeBase):
    """The metadata of the recordings table; Alembic's env combines it with the others."""


class RecordingRow(Base):
    """A recording Twilio made for a call: where it is, how long, whether we hold a local copy."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    recording_sid: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16), default="voicemail")
    node: Mapped[str] = mapped_column(String(128), default="")
    url: Mapped[str] = mapped_column(String(1024))
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="new")  # new, handled
    twilio_status: Mapped[str] = mapped_column(String(16), default="")  # completed, failed (status callback)
    file_path: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

"""SQLAlchemy rows for recordings: voicemail messages left in a flow and call recordings (capture, download)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
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
    # Capture (call recordings): how it was made and whether it is paused around a sensitive gather.
    source: Mapped[str] = mapped_column(String(32), default="")  # RecordVerb, DialVerb, OutboundAPI (Twilio's)
    channels: Mapped[int] = mapped_column(Integer, default=1)  # 2: dual channel (caller left, agent right)
    capture: Mapped[str] = mapped_column(String(16), default="")  # '', recording, paused, ended (whole_call)
    # Download pipeline: due times claimed by one worker at a time (see recordings/pipeline.py).
    download_state: Mapped[str] = mapped_column(String(16), default="")  # '', pending, claimed, done, failed
    download_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(128), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    download_error: Mapped[str] = mapped_column(String(255), default="")
    store_key: Mapped[str] = mapped_column(String(512), default="")  # where the store keeps it (day/name.wav)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    downloaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    twilio_deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    # -- recording life (transcript, retention, voicemail inbox) --------------------------------------------
    transcript: Mapped[str] = mapped_column(Text, default="")
    transcript_language: Mapped[str] = mapped_column(String(16), default="")
    transcript_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    transcribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    transcribe_tries: Mapped[int] = mapped_column(Integer, default=0)
    transcribe_after: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # next try after a failure
    transcribe_error: Mapped[str] = mapped_column(String(256), default="")
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)  # kept whatever the retention says
    assigned_to: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the agent a voicemail was given to
    handled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (Index("ix_recordings_download_due", "download_state", "next_attempt_at"),
                      Index("ix_recordings_kind_created", "kind", "created_at"))

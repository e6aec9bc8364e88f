"""Recordings in the database: found by Twilio's RecordingSid, listed for people to handle."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from .tables import RecordingRow


class SqlAlchemyRecordingRepository:
    def __init__(self, session: Session):
        self.session = session

    def by_sid(self, recording_sid: str) -> RecordingRow | None:
        if not recording_sid:
            return None
        query = select(RecordingRow).where(RecordingRow.recording_sid == recording_sid)
        return self.session.scalars(query).first()

    def get(self, recording_id: int) -> RecordingRow | None:
        return self.session.get(RecordingRow, recording_id)

    def add(self, row: RecordingRow) -> None:
        self.session.add(row)

    def recent(self, limit: int, status: str | None = None) -> list[RecordingRow]:
        query = select(RecordingRow).order_by(RecordingRow.created_at.desc(), RecordingRow.id.desc())
        if status:
            query = query.where(RecordingRow.status == status)
        return list(self.session.scalars(query.limit(limit)))

    def due_downloads(self, now: datetime, limit: int) -> list[RecordingRow]:
        """Rows whose download (or Twilio deletion) is due, or whose claim lapsed (a worker died), locked for
        this transaction; rows another transaction holds are skipped (PostgreSQL), SQLite's writer lock serialises."""
        due = and_(RecordingRow.download_state.in_(("pending", "verified")), RecordingRow.next_attempt_at <= now)
        lapsed = and_(RecordingRow.download_state == "claimed", RecordingRow.claimed_until < now)
        query = (select(RecordingRow).where(or_(due, lapsed)).order_by(RecordingRow.next_attempt_at, RecordingRow.id)
                 .limit(limit).with_for_update(skip_locked=True))
        return list(self.session.scalars(query))

    def get_locked(self, recording_id: int) -> RecordingRow | None:
        return self.session.scalars(select(RecordingRow).where(RecordingRow.id == recording_id).with_for_update()).first()

    def capture_of(self, call_sid: str) -> RecordingRow | None:
        """The whole-call recording this server started for the call and that has not ended (recording, paused)."""
        query = (select(RecordingRow).where(RecordingRow.call_sid == call_sid, RecordingRow.kind == "call",
                                            RecordingRow.capture.in_(("recording", "paused")))
                 .order_by(RecordingRow.id.desc()))
        return self.session.scalars(query).first()

    def placeholder_of(self, call_sid: str) -> RecordingRow | None:
        """The row a started recording got before Twilio named it (its first status callback fills the SID)."""
        query = select(RecordingRow).where(RecordingRow.call_sid == call_sid, RecordingRow.recording_sid == "",
                                           RecordingRow.kind == "call")
        return self.session.scalars(query.order_by(RecordingRow.id)).first()

"""Recordings in the database: found by Twilio's RecordingSid, listed for people to handle."""
from __future__ import annotations

from sqlalchemy import select
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

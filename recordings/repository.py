"""Recordings in the database: found by Twilio's RecordingSid, listed for people to handle, searched by transcript,
claimed for transcription, and picked out when their retention is over."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from .tables import RecordingRow

LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with %, _ and the escape character itself taken literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


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

    def search(self, text: str = "", kind: str | None = None, start: datetime | None = None, end: datetime | None = None,
               status: str | None = None, call_sids=None, limit: int = 50, offset: int = 0) -> tuple[list[RecordingRow], int]:
        """Newest first: rows whose transcript holds `text` (any case), of `kind`, made in [start, end), among
        `call_sids` (a select of call sids, for an agent's own calls) when given; the page and the total."""
        conditions = []
        if text:
            conditions.append(func.lower(RecordingRow.transcript).like(like_pattern(text.lower()), escape=LIKE_ESCAPE))
        if kind:
            conditions.append(RecordingRow.kind == kind)
        if status:
            conditions.append(RecordingRow.status == status)
        if start is not None:
            conditions.append(RecordingRow.created_at >= start)
        if end is not None:
            conditions.append(RecordingRow.created_at < end)
        if call_sids is not None:
            conditions.append(RecordingRow.call_sid.in_(call_sids))
        where = and_(True, *conditions)
        total = self.session.scalar(select(func.count()).select_from(RecordingRow).where(where))
        page = select(RecordingRow).where(where).order_by(RecordingRow.created_at.desc(), RecordingRow.id.desc())
        return list(self.session.scalars(page.limit(limit).offset(offset))), int(total or 0)

    # -- transcription -------------------------------------------------------------------------------------
    def due_for_transcript(self, now: datetime, max_tries: int, since: datetime | None, limit: int) -> list[int]:
        """Ids of downloaded, untranscribed recordings not given up on and not claimed (or retried) until later."""
        query = select(RecordingRow.id).where(
            or_(RecordingRow.store_key != "", RecordingRow.file_path != ""), RecordingRow.transcribed_at.is_(None), RecordingRow.transcribe_tries < max_tries,
            or_(RecordingRow.transcribe_after.is_(None), RecordingRow.transcribe_after <= now))
        if since is not None:
            query = query.where(RecordingRow.created_at >= since)
        return list(self.session.scalars(query.order_by(RecordingRow.created_at, RecordingRow.id).limit(limit)))

    def claim_for_transcript(self, row_id: int, now: datetime, until: datetime) -> bool:
        """Take the row until `until` when it is still due: one conditional UPDATE, so two workers never both win."""
        claimed = self.session.execute(update(RecordingRow).where(
            RecordingRow.id == row_id, RecordingRow.transcribed_at.is_(None),
            or_(RecordingRow.transcribe_after.is_(None), RecordingRow.transcribe_after <= now),
        ).values(transcribe_after=until).execution_options(synchronize_session=False))
        return claimed.rowcount == 1

    # -- retention -----------------------------------------------------------------------------------------
    def expired(self, kind: str, before: datetime, limit: int) -> list[RecordingRow]:
        """Rows of `kind` made before `before` and not on legal hold, oldest first."""
        query = select(RecordingRow).where(RecordingRow.kind == kind, RecordingRow.created_at < before,
                                           RecordingRow.legal_hold.is_(False))
        return list(self.session.scalars(query.order_by(RecordingRow.created_at, RecordingRow.id).limit(limit)))

    def delete(self, row: RecordingRow) -> None:
        self.session.delete(row)

"""Recordings: the voicemail a call leaves, Twilio's status callbacks, a local copy, marked when handled."""
from __future__ import annotations

from datetime import datetime

from .tables import RecordingRow


def voicemail_left(recordings, call_sid: str, node: str, recording_sid: str, url: str, duration_s: int,
                   at: datetime) -> RecordingRow:
    """A voicemail a flow took, kept in the caller's unit of work (the webhook's one transaction): a new row,
    or the one Twilio's status callback already made (they race)."""
    row = recordings.by_sid(recording_sid)
    if row is None:
        row = RecordingRow(call_sid=call_sid, recording_sid=recording_sid, url=url, created_at=at)
        recordings.add(row)
    row.kind, row.node, row.updated_at = "voicemail", node, at
    row.duration_seconds = duration_s
    return row


class RecordingService:
    """Works on recordings inside units of work; `store` downloads the audio when Twilio says it is ready."""

    def __init__(self, uow, clock, store=None):
        self.uow, self.clock, self._store = uow, clock, store

    store = property(lambda self: self._store)  # given at construction (None: no local copies), never replaced

    def status_reported(self, call_sid: str, recording_sid: str, status: str, url: str) -> bool:
        """Twilio's recordingStatusCallback; the row is made here when it arrives before the action."""
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.recordings.by_sid(recording_sid)
            if row is None:
                if not (recording_sid and url):
                    return False
                row = RecordingRow(call_sid=call_sid, recording_sid=recording_sid, url=url, created_at=now, updated_at=now)
                uow.recordings.add(row)
            row.twilio_status, row.updated_at = status, now
            uow.commit()
            known = (row.id, row.url)
        if status == "completed" and self.store is not None:
            self._download(known[0], known[1], call_sid, recording_sid)
        return True

    def _download(self, row_id: int, url: str, call_sid: str, recording_sid: str) -> None:
        path = self.store.fetch(url, call_sid, recording_sid)
        if path is None:
            return
        with self.uow() as uow:
            row = uow.recordings.get(row_id)
            row.file_path, row.updated_at = str(path), self.clock.now()
            uow.commit()

    def mark(self, recording_id: int, status: str) -> RecordingRow | None:
        with self.uow() as uow:
            row = uow.recordings.get(recording_id)
            if row is None:
                return None
            row.status, row.updated_at = status, self.clock.now()
            uow.commit()
            return row

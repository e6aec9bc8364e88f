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


SOURCES_OF_VOICEMAIL = {"RecordVerb"}  # Twilio's RecordingSource of a <Record>; the others record calls


class RecordingService:
    """Works on recordings inside units of work; completed recordings are queued for the download pipeline
    (recordings/pipeline.py) when `downloads` is on (there is a store to keep them in)."""

    def __init__(self, uow, clock, downloads: bool = True):
        self.uow, self.clock, self.downloads = uow, clock, downloads

    def status_reported(self, call_sid: str, recording_sid: str, status: str, url: str, source: str = "",
                        channels: int = 1) -> bool:
        """Twilio's recordingStatusCallback (`in-progress`, `completed`, `absent`, `failed`); the row is made here
        when it arrives before the <Record> action. False when there is no RecordingSid to keep it by."""
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.recordings.by_sid(recording_sid)
            if row is None and recording_sid:
                row = uow.recordings.placeholder_of(call_sid)  # a recording this server started
                if row is not None:
                    row.recording_sid = recording_sid
            if row is None:
                if not recording_sid:
                    return False
                row = RecordingRow(call_sid=call_sid, recording_sid=recording_sid, url=url, created_at=now,
                                   kind="voicemail" if source in SOURCES_OF_VOICEMAIL else "call")
                uow.recordings.add(row)
            row.url = url or row.url or ""
            row.source, row.channels = source or row.source or "", channels or row.channels or 1
            row.twilio_status, row.updated_at = status, now
            _queue_download(row, status, now, self.downloads)
            uow.commit()
        return True

    def mark(self, recording_id: int, status: str) -> RecordingRow | None:
        with self.uow() as uow:
            row = uow.recordings.get(recording_id)
            if row is None:
                return None
            row.status, row.updated_at = status, self.clock.now()
            uow.commit()
            return row


def _queue_download(row: RecordingRow, status: str, at: datetime, downloads: bool) -> None:
    """A completed recording is due for download now (once); one Twilio could not make is marked failed."""
    if status in ("completed", "absent", "failed") and row.capture:
        row.capture = "ended"
    if not downloads or row.download_state:
        return
    if status == "completed" and row.url:
        row.download_state, row.next_attempt_at = "pending", at
    elif status in ("absent", "failed"):
        row.download_state, row.download_error = "failed", f"Twilio reported the recording {status}"

"""Call recording capture in the database: the row of a whole-call recording this server started, its pause state."""
from __future__ import annotations

from datetime import datetime

from .tables import RecordingRow

STARTED_BY_TWIML = "StartCallRecordingTwiML"  # Twilio's RecordingSource for <Start><Recording>


def capture_started(recordings, call_sid: str, node: str, at: datetime) -> RecordingRow:
    """A whole-call recording asked for in this webhook's TwiML: a row now (its SID comes with the first status
    callback), so a sensitive gather right after it is paused even before Twilio reports back."""
    row = RecordingRow(call_sid=call_sid, recording_sid="", kind="call", node=node, url="", source=STARTED_BY_TWIML,
                       channels=2, capture="recording", created_at=at, updated_at=at)
    recordings.add(row)
    return row


def capture_moved(row: RecordingRow, status: str, at: datetime) -> None:
    """The capture paused (`paused`) or resumed (`in-progress`)."""
    row.capture, row.updated_at = ("paused" if status == "paused" else "recording"), at

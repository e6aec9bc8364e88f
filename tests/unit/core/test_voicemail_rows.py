"""A voicemail the flow took becomes one recording row, whether or not Twilio's status callback came first."""
from __future__ import annotations

from datetime import datetime, timezone

from recordings.service import voicemail_left
from recordings.tables import RecordingRow

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class FakeRecordings:
    """The recordings repository's two calls used here, over a list."""

    def __init__(self, rows=()):
        self.rows = list(rows)

    def by_sid(self, sid):
        return next((r for r in self.rows if r.recording_sid == sid), None)

    def add(self, row):
        self.rows.append(row)


def test_a_voicemail_left_first_makes_a_new_voicemail_row():
    recordings = FakeRecordings()
    voicemail_left(recordings, "CA1", "leave_message", "RE1", "https://api.example/RE1", 12, AT)
    [row] = recordings.rows
    assert (row.call_sid, row.kind, row.node, row.url, row.duration_seconds, row.updated_at) == (
        "CA1", "voicemail", "leave_message", "https://api.example/RE1", 12, AT)


def test_a_voicemail_whose_status_callback_came_first_fills_that_row_instead_of_a_second():
    early = RecordingRow(call_sid="CA1", recording_sid="RE1", url="https://api.example/RE1", kind="recording",
                         twilio_status="completed", created_at=AT, updated_at=AT)
    recordings = FakeRecordings([early])
    voicemail_left(recordings, "CA1", "leave_message", "RE1", "https://api.example/RE1", 7, AT)
    assert recordings.rows == [early]
    assert (early.kind, early.node, early.duration_seconds, early.twilio_status) == ("voicemail", "leave_message", 7, "completed")

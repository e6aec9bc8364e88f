"""Helpers of the recording tests: recordings made straight in the database (with their audio file and the agent
who answered the call), and a page's CSRF header."""
from __future__ import annotations

from datetime import timedelta

from callqueue.tables import QueueEntryRow
from recordings.tables import RecordingRow

from accounts_pages import csrf_of
from helpers import new_call_sid


def add_recording(app, clock, kind="voicemail", audio: bytes | None = None, age_days: float = 0.0, transcript="",
                  agent: str | None = None, call_sid: str | None = None, held: bool = False) -> int:
    """A recording row (with its WAV under RECORDINGS_DIR when `audio` is given), answered by `agent` if named."""
    services = app.extensions["ivr"]
    call_sid = call_sid or new_call_sid()
    made = clock.now() - timedelta(days=age_days)
    file_path = ""
    if audio is not None:
        folder = services.settings.recordings_dir / made.strftime("%Y-%m-%d")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{call_sid}.wav").write_bytes(audio)
        file_path = f"{made:%Y-%m-%d}/{call_sid}.wav"
    with services.uow() as uow:
        row = RecordingRow(call_sid=call_sid, recording_sid="RE" + call_sid[2:], kind=kind, url="https://api.twilio.com/x",
                           duration_seconds=2, file_path=file_path, created_at=made, updated_at=made,
                           transcript=transcript, legal_hold=held)
        uow.recordings.add(row)
        if agent:
            uow.session.add(QueueEntryRow(call_sid=call_sid, queue="billing", first_queue="billing", status="completed",
                                          agent_id=agent, enqueued_at=made, queue_entered_at=made, answered_at=made))
        uow.commit()
        return row.id


def csrf(client) -> dict:
    return {"X-CSRFToken": csrf_of(client.get("/board/voicemail"))}

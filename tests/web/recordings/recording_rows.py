"""Helpers of the recording tests: recordings made straight in the database (with their audio file and the agent
who answered the call), and a page's CSRF header."""
from __future__ import annotations

from datetime import timedelta

from callqueue.tables import QueueEntryRow
from recordings.tables import RecordingRow

from accounts_pages import csrf_of
from helpers import new_call_sid


def add_recording(app, clock, kind="voicemail", audio: bytes | None = None, age_days: float = 0.0, transcript="",
                  agent: str | None = None, call_sid: str | None = None, held: bool = False, store=None) -> int:
    """A recording row (with its WAV when `audio` is given: in `store` under a `store_key` as the download
    pipeline keeps it, else — an older row — a file under RECORDINGS_DIR named by `file_path`), answered by
    `agent` if named."""
    services = app.extensions["ivr"]
    call_sid = call_sid or new_call_sid()
    made = clock.now() - timedelta(days=age_days)
    file_path, store_key, sha256 = "", "", ""
    if audio is not None and store is not None:
        store_key = f"{made:%Y-%m-%d}/{call_sid}_RE{call_sid[2:]}.wav"
        sha256 = store.put(store_key, audio)
    elif audio is not None:
        folder = services.settings.recordings_dir / made.strftime("%Y-%m-%d")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{call_sid}.wav").write_bytes(audio)
        file_path = f"{made:%Y-%m-%d}/{call_sid}.wav"
    with services.uow() as uow:
        row = RecordingRow(call_sid=call_sid, recording_sid="RE" + call_sid[2:], kind=kind, url="https://api.twilio.com/x",
                           duration_seconds=2, file_path=file_path, created_at=made, updated_at=made,
                           store_key=store_key, sha256=sha256, size_bytes=len(audio) if store_key else 0,
                           transcript=transcript, legal_hold=held)
        uow.recordings.add(row)
        if agent:
            uow.session.add(QueueEntryRow(call_sid=call_sid, queue="billing", first_queue="billing", status="completed",
                                          agent_id=agent, enqueued_at=made, queue_entered_at=made, answered_at=made))
        uow.commit()
        return row.id


def csrf(client) -> dict:
    return {"X-CSRFToken": csrf_of(client.get("/board/voicemail"))}

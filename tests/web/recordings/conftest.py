"""Recording life web tests: an app on SQLite and PostgreSQL with users kim and lee (agents), sue (supervisor),
ann (admin), recordings made straight in the database, and a browser-like client per person."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

from callqueue.tables import QueueEntryRow
from ivr.config import Settings
from ivr.web import create_app
from recordings.tables import RecordingRow

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "accounts"))

from accounts_pages import CHEAP, PASSWORD, sign_in  # noqa: E402
from helpers import TOKEN, new_call_sid  # noqa: E402

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def rec_settings(database_url, tmp_path):
    return Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                             api_token="api-token", speech="off", prompts="say", secret_key="s" * 40,
                             secret_key_file=tmp_path / "secret_key", recordings_dir=tmp_path / "rec")


@pytest.fixture
def app(rec_settings, clock):
    app = create_app(rec_settings, clock, passwords=CHEAP)
    services = app.extensions["ivr"]
    services.accounts.add("kim", PASSWORD, "agent", "kim")
    services.accounts.add("lee", PASSWORD, "agent", "lee")
    services.accounts.add("sue", PASSWORD, "supervisor")
    services.accounts.add("ann", PASSWORD, "admin")
    yield app
    services.engine.dispose()


@pytest.fixture
def person(app):
    """`person("sue")`: a signed-in browser-like client."""
    def signed_in(username: str):
        client = app.test_client()
        assert sign_in(client, username, PASSWORD).status_code == 303
        return client
    return signed_in


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
    from accounts_pages import csrf_of

    return {"X-CSRFToken": csrf_of(client.get("/board/voicemail"))}

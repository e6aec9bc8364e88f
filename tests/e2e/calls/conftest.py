"""Fixtures for end-to-end calls: the IVR with the sample flow on a temporary database, signatures checked,
its clock standing at an open hour (Monday 2 March 2026, 10:00 in Seoul) unless a test moves it."""
from __future__ import annotations

from pathlib import Path

import pytest
from fakes import API_TOKEN, TOKEN, FakeTwilio

from ivr.clock import FakeClock
from ivr.config import Settings
from ivr.sim import CallOptions, FlaskTransport
from ivr.web import create_app

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ivr_settings(tmp_path) -> Settings:
    return Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/ivr.db", twilio_auth_token=TOKEN,
                             api_token=API_TOKEN, flows_dir=FLOWS, recordings_dir=tmp_path / "recordings",
                             log_level="WARNING", speech="off", prompts="say")


@pytest.fixture
def twilio() -> FakeTwilio:
    """Twilio's REST API and media for the IVR: the simulator's RecordingUrl is not a real file."""
    return FakeTwilio()


@pytest.fixture
def ivr_app(ivr_settings, clock, twilio):
    """The real IVR; every webhook must carry a valid X-Twilio-Signature."""
    app = create_app(ivr_settings, clock, twilio)
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def transport(ivr_app):
    return FlaskTransport(ivr_app)


@pytest.fixture
def signed():
    """Call options that sign with the server's token."""
    return CallOptions(auth_token=TOKEN)


@pytest.fixture
def call_record(ivr_app):
    """GET /api/calls/<sid> with the API token: the call as the server keeps it, with its event log."""
    client = ivr_app.test_client()

    def fetch(call_sid: str) -> dict:
        reply = client.get(f"/api/calls/{call_sid}", headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.get_json()

    return fetch

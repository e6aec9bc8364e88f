"""Fixtures for the live feed: the app on SQLite and PostgreSQL with the sample flows, and a tiny app mounting
the stream the way the desk and board pages do (no development route in the product)."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TOKEN, TwilioClient, new_call_sid

from ivr.config import Settings
from ivr.live.hub import LiveHub
from ivr.web import create_app

from live_support import mount_stream

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def live_settings(database_url, tmp_path):
    return Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                             api_token="api-token", reload_interval_s=0, recordings_dir=tmp_path / "rec",
                             log_level="WARNING", speech="off", prompts="say", timers=False)


@pytest.fixture
def live_app(live_settings, clock):
    app = create_app(live_settings, clock)
    yield app
    app.extensions["ivr"].live.close()
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def hub(live_app, clock):
    """A hub on the app's database with quick heartbeats and wake-ups (so a test's reads never wait long),
    mounted at /test-live/events."""
    hub = LiveHub(live_app.extensions["ivr"].engine, clock, keep_s=3600, poll_s=0.05, heartbeat_s=0.2, idle_s=0.5)
    mount_stream(live_app, hub)
    yield hub
    hub.close()


class Floor:
    """Agents through the API and callers through signed webhooks: what makes the router offer a caller."""

    def __init__(self, app):
        self.app, self.twilio = app, TwilioClient(app.test_client())
        self.api = app.test_client()
        self.api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"

    def status(self, agent_id: str, status: str) -> None:
        answer = self.api.post(f"/api/agents/{agent_id}/status", json={"status": status})
        assert answer.status_code == 200, answer.get_json()

    def billing_caller(self) -> str:
        """A new Korean caller who presses 2 (billing) at the main menu; its CallSid."""
        sid = new_call_sid()
        self.twilio.start(sid)
        self.twilio.press(sid, "choose_language/choose", "2")
        self.twilio.press(sid, "main_menu", "2")
        return sid

    def route(self) -> None:
        """The router's pass (what the timer loop or a waiting caller's next request does)."""
        self.app.extensions["ivr"].queues.route_now()


@pytest.fixture
def floor(live_app):
    return Floor(live_app)

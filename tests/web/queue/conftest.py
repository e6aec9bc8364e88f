"""Fixtures for the call queue through the app: the sample flows and queues on SQLite and PostgreSQL, signed calls."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TOKEN, TwilioClient

from ivr.config import Settings
from ivr.web import create_app

from queue_calls import QueueCalls

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def queue_settings(database_url, tmp_path):
    return Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                             api_token="api-token", reload_interval_s=0, recordings_dir=tmp_path / "rec",
                             log_level="WARNING", speech="off", prompts="say")


@pytest.fixture
def queue_app(queue_settings, clock):
    app = create_app(queue_settings, clock)
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def calls(queue_app, clock):
    return QueueCalls(queue_app, TwilioClient(queue_app.test_client()), clock)

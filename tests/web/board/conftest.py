"""Fixtures for the board through the app: the sample flows and queues on SQLite and PostgreSQL, the fake outbound
Twilio adapter, a fixed clock, and rows of a scripted day."""
from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient

from ivr.config import Settings
from ivr.web import create_app

from board_day import BoardDay

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def fake_twilio():
    return FakeTwilio(base_url="https://ivr.example")


@pytest.fixture
def board_settings(database_url, tmp_path):
    return Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                             api_token="api-token", reload_interval_s=0, recordings_dir=tmp_path / "rec",
                             log_level="WARNING", speech="off", prompts="say",
                             secret_key_file=tmp_path / "secret_key")


@pytest.fixture
def board_app(board_settings, clock, fake_twilio):
    app = create_app(board_settings, clock, twilio=fake_twilio)
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def day(board_app, clock, fake_twilio):
    return BoardDay(board_app, TwilioClient(board_app.test_client()), clock, fake_twilio)

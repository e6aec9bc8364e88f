"""Fixtures for the desk: the sample flows and queues on SQLite and PostgreSQL, callers driven by signed webhooks."""
from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient

from ivr.config import Settings
from ivr.web import create_app
from speech.audio import Audio, to_wav

from desk_calls import RECORDING, DeskCalls

FLOWS = Path(__file__).resolve().parents[3] / "flows"
TONE = to_wav(Audio(b"\x10\x00\xf0\xff" * 4000, 8000))


def desk_settings(database_url: str, tmp_path: Path, flows: Path = FLOWS, **changes) -> Settings:
    return Settings.from_env({}, **{"database_url": database_url, "flows_dir": flows, "twilio_auth_token": TOKEN,
                                    "api_token": "api-token", "reload_interval_s": 0, "recordings_dir": tmp_path / "rec",
                                    "log_level": "WARNING", "speech": "off", "prompts": "say",
                                    "secret_key_file": tmp_path / "secret_key", **changes})


@pytest.fixture
def desk_app(database_url, tmp_path, clock):
    app = create_app(desk_settings(database_url, tmp_path), clock, FakeTwilio(media={RECORDING: TONE}))
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def desk(desk_app, clock):
    return DeskCalls(desk_app, TwilioClient(desk_app.test_client()), clock)

"""Fixtures for the desk: the sample flows and queues on SQLite and PostgreSQL, callers driven by signed webhooks."""
from __future__ import annotations

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient

from ivr.web import create_app

from desk_calls import RECORDING, TONE, DeskCalls, desk_settings

@pytest.fixture
def desk_app(database_url, tmp_path, clock):
    app = create_app(desk_settings(database_url, tmp_path), clock, FakeTwilio(media={RECORDING: TONE}))
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def desk(desk_app, clock):
    return DeskCalls(desk_app, TwilioClient(desk_app.test_client()), clock)

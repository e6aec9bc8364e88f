"""Fixtures for end-to-end calls: the IVR with the sample flow on a temporary database, signatures checked."""
from __future__ import annotations

from pathlib import Path

import pytest
from fakes import TOKEN

from ivr.config import Settings
from ivr.sim import CallOptions, FlaskTransport
from ivr.web import create_app

FLOWS = Path(__file__).resolve().parents[2] / "flows"


@pytest.fixture
def ivr_settings(tmp_path) -> Settings:
    return Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/ivr.db", twilio_auth_token=TOKEN,
                             flows_dir=FLOWS, log_level="WARNING")


@pytest.fixture
def ivr_app(ivr_settings):
    """The real IVR; every webhook must carry a valid X-Twilio-Signature."""
    app = create_app(ivr_settings)
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def transport(ivr_app):
    return FlaskTransport(ivr_app)


@pytest.fixture
def signed():
    """Call options that sign with the server's token."""
    return CallOptions(auth_token=TOKEN)

"""Accounts web tests: an app on SQLite and PostgreSQL with fast password hashing, three users, a browser-like client."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.config import Settings
from ivr.web import create_app

from accounts_pages import CHEAP, PASSWORD
from helpers import TOKEN

FLOWS = Path(__file__).resolve().parents[3] / "flows"


def make_settings(database_url: str, tmp_path, **extra) -> Settings:
    return Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                             api_token="api-token", speech="off", prompts="say", secret_key="s" * 40,
                             secret_key_file=tmp_path / "secret_key", **extra)


@pytest.fixture
def accounts_settings(database_url, tmp_path):
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(accounts_settings, clock):
    app = create_app(accounts_settings, clock, passwords=CHEAP)
    services = app.extensions["ivr"]
    services.accounts.add("kim", PASSWORD, "agent", "kim")
    services.accounts.add("sue", PASSWORD, "supervisor")
    services.accounts.add("ann", PASSWORD, "admin")
    yield app
    services.engine.dispose()


@pytest.fixture
def browser(app):
    """A client that behaves like a browser: it keeps cookies between requests."""
    return app.test_client()

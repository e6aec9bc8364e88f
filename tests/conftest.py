"""Shared fixtures: settings on a temporary database, the app, signed Twilio-shaped requests."""
from __future__ import annotations

import os
import secrets
import uuid
from pathlib import Path

import pytest

from ivr.clock import FakeClock
from ivr.config import Settings
from ivr.web import create_app

from helpers import TOKEN, TwilioClient

# Apps built from the environment in tests (the simulator, flow tests) take keys and speak with <Say>;
# the speech tests turn recognition and synthesis on themselves, with one model loaded per run.
os.environ.setdefault("SPEECH", "off")
os.environ.setdefault("PROMPTS", "say")

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
POSTGRES_URL = os.environ.get("IVR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _close_engines():
    """Every engine a test made gives its pooled connections back when the test ends: a connection left for
    the garbage collector would warn (ResourceWarning) inside some later test, and warnings are errors here."""
    yield
    from ivr import db

    for engine in list(db._ENGINES):
        engine.dispose()


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason to skip."""
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_schema():
    """A private schema name in the test PostgreSQL database, dropped afterwards; skips when unreachable."""
    reason = postgres_reachable()
    if reason:
        pytest.skip(reason)
    schema = f"ivr_test_{uuid.uuid4().hex[:10]}"
    yield schema
    _reset_schema(schema, create=False)


def _reset_schema(schema: str, create: bool = True) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        if create:
            conn.execute(f'CREATE SCHEMA "{schema}"')


@pytest.fixture
def postgres_url(postgres_schema):
    """A URL whose search_path is an empty private schema (emptied again for every test)."""
    _reset_schema(postgres_schema)
    return f"{POSTGRES_URL}?options=-csearch_path%3D{postgres_schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each test using this runs on SQLite and on PostgreSQL (skipped with a reason when unreachable)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ivr.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/ivr.sqlite3", flows_dir=FLOWS,
                             twilio_auth_token=TOKEN, api_token="api-token", speech="off", prompts="say")


@pytest.fixture
def app(settings, clock):
    app = create_app(settings, clock)
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def twilio(app):
    return TwilioClient(app.test_client())


@pytest.fixture
def api(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    return client

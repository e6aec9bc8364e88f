"""Recording life web tests: an app on SQLite and PostgreSQL with users kim and lee (agents), sue (supervisor),
ann (admin), recordings made straight in the database, and a browser-like client per person."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ivr.config import Settings
from speech.audio import silence, to_wav
from ivr.web import create_app

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "accounts"))

from accounts_pages import CHEAP, PASSWORD, sign_in  # noqa: E402  (the accounts tests' sign-in helpers)
from helpers import TOKEN  # noqa: E402

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def rec_settings(database_url, tmp_path):
    return Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                             api_token="api-token", speech="off", prompts="say", secret_key="s" * 40,
                             secret_key_file=tmp_path / "secret_key", recordings_dir=tmp_path / "rec")


@pytest.fixture
def build_overrides() -> dict:
    """What the app is built with beyond the settings (a module overrides it: another recording store, say)."""
    return {}


@pytest.fixture
def app(rec_settings, clock, build_overrides):
    app = create_app(rec_settings, clock, passwords=CHEAP, **build_overrides)
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


@pytest.fixture(scope="module")
def korean_model(tmp_path_factory):
    from speech.model_dirs import model_dir, undithered_copy
    from speech.vosk_recognizer import VoskRecognizer

    return VoskRecognizer(undithered_copy(model_dir("ko"), tmp_path_factory.mktemp("vosk") / "ko")).load()


@pytest.fixture(scope="module")
def refund_wav() -> bytes:
    """"환불 문의입니다" ("a question about a refund") spoken by espeak-ng at 8 kHz, as a caller's voicemail."""
    from speech.model import Voice
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    synthesizer = Pyttsx3Synthesizer().load()
    try:
        spoken = synthesizer.render("환불 문의입니다", Voice("ko", rate_wpm=175))
    finally:
        synthesizer.close()
    return to_wav(silence(0.3) + spoken + silence(1.0))

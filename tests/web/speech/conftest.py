"""Speech calls end to end: the sample flow with speech on, a real vosk model (a dither-free copy, so the same
audio always gives the same words) and real espeak-ng callers, driven by the simulator in-process."""
from __future__ import annotations

import pytest
from spoken_calls import API_TOKEN, FLOWS, TOKEN, agents_available

from ivr.clock import FakeClock
from ivr.config import Settings
from ivr.sim.loopback import in_process_overrides
from ivr.web import create_app


@pytest.fixture(scope="session")
def korean_model(tmp_path_factory):
    from speech.model_dirs import model_dir, undithered_copy
    from speech.vosk_recognizer import VoskRecognizer

    return VoskRecognizer(undithered_copy(model_dir("ko"), tmp_path_factory.mktemp("vosk") / "ko")).load()


@pytest.fixture
def make_app(tmp_path, korean_model):
    """An IVR on the sample flows with speech on (`speech_mode` record or stream) and a signed-webhook token."""
    apps = []

    def make(speech_mode: str = "record", **overrides):
        values = dict(database_url=f"sqlite:///{tmp_path}/ivr-{len(apps)}.db", flows_dir=FLOWS,
                      twilio_auth_token=TOKEN, api_token=API_TOKEN, log_level="WARNING",
                      speech="auto", speech_mode=speech_mode, prompts="say",
                      prompt_cache_dir=tmp_path / "prompts", recordings_dir=tmp_path / "rec")
        settings = Settings.from_env({}, **{**values, **overrides})
        app = create_app(settings, FakeClock(), **in_process_overrides(settings))
        speech = app.extensions["ivr"].speech
        if "ko" in speech.recognizers:
            speech.recognizers["ko"] = korean_model
        agents_available(app)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["ivr"].engine.dispose()



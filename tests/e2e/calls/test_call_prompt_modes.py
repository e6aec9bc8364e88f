"""The simulator shows what the caller (and the agent) hears whether prompts are synthesised (<Play> of our
cached audio) or spoken by Twilio (<Say>): queue announcements and whispers included."""
from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import API_TOKEN

from ivr.sim import FlaskTransport, run_call
from ivr.sim.queueing import SimAgent
from ivr.web import create_app


@pytest.fixture
def app_in(ivr_settings, clock, tmp_path):
    apps = []

    def make(mode: str):
        settings = replace(ivr_settings, prompts=mode, prompt_cache_dir=tmp_path / f"prompts-{mode}",
                           database_url=f"sqlite:///{tmp_path}/{mode}.db")
        app = create_app(settings, clock)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["ivr"].engine.dispose()


def _available(app, *agents: str) -> None:
    client, headers = app.test_client(), {"Authorization": f"Bearer {API_TOKEN}"}
    for agent in agents:
        assert client.post(f"/api/agents/{agent}/status", json={"status": "available"}, headers=headers).status_code == 200


def _queue_call(app, clock, signed, agents=()):
    options = replace(signed, queue_patience_s=45, agents=agents)
    return run_call(FlaskTransport(app), ["2", "2"], options=options, clock=clock, wait_for=clock.advance)


def _waiting_lines(result) -> list[str]:
    start = next(i for i, line in enumerate(result.lines) if line.startswith("⏳ enqueue"))
    return result.lines[start:]


def test_a_waiting_caller_hears_the_same_announcements_in_both_prompt_modes(app_in, clock, signed):
    heard = {}
    for mode in ("say", "synth"):
        result = _queue_call(app_in(mode), clock, signed)
        assert result.error is None, result.error
        heard[mode] = result.said_texts
        spoken_while_waiting = [line for line in _waiting_lines(result) if line.startswith("🔊")]
        assert spoken_while_waiting, "the caller heard nothing while waiting"
    assert heard["synth"] == heard["say"]


def test_the_agent_hears_the_whisper_in_both_prompt_modes(app_in, clock, signed):
    whispers = {}
    for mode in ("say", "synth"):
        app = app_in(mode)
        agents = app.test_client().get("/api/agents", headers={"Authorization": f"Bearer {API_TOKEN}"}).get_json()["agents"]
        billing = [a for a in agents if "billing" in a["skills"] and "en" in a["skills"]][0]
        _available(app, billing["id"])
        result = _queue_call(app, clock, signed, (SimAgent(billing["id"], billing["skills"], 4, 30, billing["contact"]),))
        whispers[mode] = [line for line in result.lines if line.startswith("🎧")]
    assert whispers["say"] == whispers["synth"]
    assert len(whispers["say"]) == 1 and " hears: billing" in whispers["say"][0]

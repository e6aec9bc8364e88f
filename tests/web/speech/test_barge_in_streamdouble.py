"""Barge-in against streamdouble, an independent Media Streams peer (not our simulator): it plays Twilio's part with
its own idea of the protocol — paced caller frames, marks echoed when their audio has played, `clear` honoured —
and reports any message of ours that Twilio would refuse."""
from __future__ import annotations

import asyncio

import pytest
from streamdouble.protocol import StreamIdentity
from streamdouble.scenario import parse
from streamdouble.session import Session, SessionConfig

from barge_in_calls import ACCOUNT_SID, at_main_menu
from ivr.sim.loopback import AppServer
from ivr.sim.speaking import CallerVoice, parse_spoken
from spoken_calls import events


@pytest.fixture
def app(make_app):
    return make_app("stream", prompts="synth", twilio_auth_token="")  # streamdouble cannot sign its handshake


@pytest.fixture
def answer_wav(tmp_path):
    blob, _ = CallerVoice().recording(parse_spoken("say:환불"), 6)
    path = tmp_path / "refund.wav"
    path.write_bytes(blob)
    return path


def call(app, steps: list[dict], tmp_path):
    """Bring a call to the main menu, then let streamdouble open its stream and run `steps`."""
    menu = at_main_menu(app)
    server = AppServer(app)
    try:
        session = Session(server.ws_base + menu.url.split("localhost", 1)[1],
                          scenario=parse({"name": "barge-in", "steps": steps}, base_dir=tmp_path),
                          config=SessionConfig(custom_parameters=menu.parameters, response_timeout_s=5,
                                               quiet_period_s=0.5, max_call_s=60),
                          identity=StreamIdentity(account_sid=ACCOUNT_SID, call_sid=menu.call_sid))
        return menu, asyncio.run(session.run())
    finally:
        server.close()


def kinds(result) -> list[str]:
    return [e.kind for e in result.events if e.kind in ("media_received", "clear_received", "mark_echoed")]


def stream_results(app, call_sid):
    return [e["detail"] for e in events(app, call_sid) if e["kind"] == "speech_stream_result"]


def test_streamdouble_hears_the_prompt_and_its_mark_when_the_caller_waits(app, tmp_path):
    menu, result = call(app, [{"wait_for": "mark"}, {"expect": "mark"}], tmp_path)
    assert result.violations == [] and result.failed_expectations == []
    assert result.media_frames_received > 50 and len(result.audio_received) > 8000
    assert result.marks_received == ["prompt-end"] and result.marks_echoed == ["prompt-end"]
    assert result.clears_received == 0


def test_streamdouble_speaking_mid_prompt_gets_clear_and_no_more_prompt(app, tmp_path, answer_wav):
    menu, result = call(app, [{"wait": 1.0}, {"say": str(answer_wav)}], tmp_path)
    assert result.violations == [] and result.failed_expectations == []
    seen = kinds(result)
    assert seen.count("clear_received") == 1
    assert "media_received" not in seen[seen.index("clear_received"):]
    assert result.marks_received == []
    assert [r.get("option") for r in stream_results(app, menu.call_sid)] == ["2"]


def test_streamdouble_key_mid_prompt_gets_clear_and_the_key_is_taken(app, tmp_path):
    menu, result = call(app, [{"wait": 0.5}, {"dtmf": "1"}], tmp_path)
    assert result.violations == [] and result.failed_expectations == []
    assert result.clears_received == 1
    assert stream_results(app, menu.call_sid) == [{"digits": "1"}]

"""Barge-in on the streaming path: the server plays the main menu's prompt into the media stream itself, and the
caller who speaks or presses a key over it stops it (`clear`); one who waits hears it to its end (`mark`)."""
from __future__ import annotations

import re

import pytest

from barge_in_calls import after_stream, at_main_menu, stream
from helpers import verbs
from ivr.sim import CallOptions, FlaskTransport, ScriptedCaller, run_call
from speech.audio import from_wav, to_ulaw
from spoken_calls import TOKEN, events

BILLING = "요금 및 환불 담당자에게 연결해 드리겠습니다."
ORDER_PROMPT = "주문 번호를 입력하신 후 우물 정자를 눌러 주세요."
PROMPT_FILES = re.compile(r"^[0-9a-f]{16,64}\.wav(,[0-9a-f]{16,64}\.wav)*$")


@pytest.fixture
def app(make_app):
    return make_app("stream", prompts="synth")


def stream_results(app, call_sid: str) -> list[dict]:
    return [e["detail"] for e in events(app, call_sid) if e["kind"] == "speech_stream_result"]


def prompt_ulaw(app, names: str) -> bytes:
    directory = app.extensions["ivr"].speech.cache.directory
    return b"".join(to_ulaw(from_wav((directory / name).read_bytes())) for name in names.split(","))


def spoken(app, root) -> list[str]:
    """The words of each prompt the TwiML plays (our own prompt files), in order."""
    speech = app.extensions["ivr"].speech
    names = [el.text.rsplit("/", 1)[-1] for el in root.iter("Play")]
    return [text for name in names for text in (BILLING, ORDER_PROMPT) if speech.prompt_path(text, "ko").name == name]


def test_a_streaming_menu_hands_its_prompt_to_the_stream_instead_of_a_gather(app):
    menu = at_main_menu(app)
    assert verbs(menu.root) == ["Connect", "Redirect", "Redirect"]
    assert menu.parameters["node"] == "main_menu"
    assert PROMPT_FILES.match(menu.parameters["prompt"])
    assert menu.root.find("Redirect").text.endswith("/voice/speech?node=main_menu&via=stream")


def test_the_prompt_arrives_as_20_ms_mulaw_media_then_a_mark_that_is_echoed(app):
    menu = at_main_menu(app)
    run = stream(app, menu, "")
    heard = run.heard
    assert heard.faults == []
    expected = prompt_ulaw(app, menu.parameters["prompt"])
    assert len(expected) > 8000  # over a second of prompt
    assert bytes(heard.audio) == expected
    assert heard.frames_received == pytest.approx(len(expected) / 160)
    assert heard.marks_echoed == ["prompt-end"] and not heard.cleared
    assert stream_results(app, menu.call_sid) == []  # silence after the prompt: the menu hears no input


def test_letting_the_prompt_finish_then_speaking_is_recognised_as_before(app):
    # 배송 조회, not 환불: a two-syllable answer is confirmed before the menu acts (speech.decision).
    menu = at_main_menu(app)
    run = stream(app, menu, "say:배송 조회")
    assert run.heard.marks_echoed == ["prompt-end"] and not run.heard.cleared
    assert run.closed_by_server
    assert [r.get("option") for r in stream_results(app, menu.call_sid)] == ["1"]
    assert ORDER_PROMPT in spoken(app, after_stream(app, menu))


def test_speaking_mid_prompt_clears_it_and_no_more_prompt_is_sent(app):
    menu = at_main_menu(app)
    run = stream(app, menu, "say:환불", barge_in_after_s=1.0, pace=1.0)
    heard = run.heard
    assert heard.cleared and heard.media_after_clear == 0
    assert run.spoke_at < run.voice_at < heard.cleared_at
    assert 1.0 < heard.played_s_at_clear < 2.0
    assert len(heard.audio) < len(prompt_ulaw(app, menu.parameters["prompt"]))
    assert heard.marks_echoed == []  # the prompt's mark was never sent: its end was never reached
    assert [r.get("option") for r in stream_results(app, menu.call_sid)] == ["2"]
    assert BILLING not in spoken(app, after_stream(app, menu))  # a two-syllable answer is confirmed, not taken


def test_a_key_mid_prompt_clears_it_and_the_key_acts(app):
    menu = at_main_menu(app)
    run = stream(app, menu, "dtmf:1", barge_in_after_s=0.5, pace=1.0)
    assert run.heard.cleared and run.heard.media_after_clear == 0
    assert 0.5 <= run.heard.played_s_at_clear < 1.0
    assert stream_results(app, menu.call_sid) == [{"digits": "1"}]
    assert ORDER_PROMPT in spoken(app, after_stream(app, menu))


def test_a_whole_simulated_call_can_interrupt_the_menu(app):
    options = CallOptions(auth_token=TOKEN, barge_in_after_s=0.6)
    result = run_call(FlaskTransport(app), caller=ScriptedCaller(["1", "say:환불", "say:네"]), options=options)
    assert result.error is None
    assert any(line.startswith("🔊 prompt over the stream") and "cleared after" in line for line in result.lines)
    assert BILLING in result.said_texts


def test_without_rendered_prompts_the_gather_plays_them_before_the_stream(make_app):
    menu = at_main_menu(make_app("stream"))  # prompts by <Say>: nothing the stream could play
    assert verbs(menu.root) == ["Gather", "Connect", "Redirect", "Redirect"]
    assert "prompt" not in menu.parameters


def test_barge_in_off_keeps_the_gather(make_app):
    menu = at_main_menu(make_app("stream", prompts="synth", barge_in="off"))
    assert verbs(menu.root) == ["Gather", "Connect", "Redirect", "Redirect"]
    assert "prompt" not in menu.parameters


def test_a_stream_whose_prompt_file_is_gone_listens_at_once(app):
    menu = at_main_menu(app)
    directory = app.extensions["ivr"].speech.cache.directory
    for name in menu.parameters["prompt"].split(","):
        (directory / name).unlink()
    run = stream(app, menu, "say:환불")
    assert run.heard.frames_received == 0
    assert [r.get("option") for r in stream_results(app, menu.call_sid)] == ["2"]

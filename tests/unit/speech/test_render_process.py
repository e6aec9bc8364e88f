"""Prompts rendered by a renderer child process: within a time budget, restarted after a hang, never shared
across a fork; a prompt that cannot be rendered in time is spoken by <Say>, and logged once."""
from __future__ import annotations

import logging
import os

import pytest
from twilio.twiml.voice_response import VoiceResponse

from ivr.speech_service import SpeechService
from ivr.web.media import Media, speak
from speech.audio import from_wav
from speech.errors import SynthesisFailed
from speech.model import Voice
from speech.prompt_cache import PromptCache
from speech.render_process import Budgeted, ProcessSynthesizer

LONG = "아주 긴 안내 문장입니다. " * 40


@pytest.fixture(scope="module")
def renderer():
    synthesizer = ProcessSynthesizer()
    try:
        synthesizer.check()
    except Exception as exc:  # noqa: BLE001 - SynthesisUnavailable: espeak-ng is not installed here
        pytest.skip(f"espeak-ng is not available: {exc}")
    yield synthesizer
    synthesizer.close()


def test_a_render_comes_back_as_8_khz_audio_from_the_child(renderer):
    audio = renderer.render("입력하신 번호는 1 2 3 입니다.", Voice("ko"))
    assert audio.rate_hz == 8000 and audio.duration_s > 1.0


def test_a_render_over_its_budget_fails_and_the_next_one_gets_a_fresh_child(renderer):
    with pytest.raises(SynthesisFailed, match="time budget"):
        renderer.render(LONG, Voice("ko"), timeout_s=0.01)
    assert renderer.render("다시", Voice("ko")).duration_s > 0.2


def test_a_voice_espeak_lacks_fails_without_naming_the_text(renderer):
    with pytest.raises(SynthesisFailed) as failed:
        renderer.render("비밀 4321", Voice("zz"))
    assert "4321" not in str(failed.value)


def test_a_forked_child_forgets_the_parent_renderer_and_starts_its_own(renderer, tmp_path):
    renderer.render("준비", Voice("ko"))  # the parent's child is running
    parent_child = renderer._child.pid
    out = tmp_path / "child.txt"
    pid = os.fork()
    if pid == 0:  # in the fork: render with a child of our own, report its pid, leave at once
        try:
            renderer.render("포크 안에서", Voice("ko"), timeout_s=10)
            out.write_text(str(renderer._child.pid))
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert out.read_text() and int(out.read_text()) != parent_child
    assert renderer._child.pid == parent_child and renderer.render("그대로", Voice("ko")).duration_s > 0.2


def test_a_prompt_not_rendered_in_time_is_spoken_by_say_and_logged_once(renderer, tmp_path, caplog):
    speech = SpeechService(cache=PromptCache(tmp_path, Budgeted(renderer, 0.01), b"k" * 32))
    caplog.set_level(logging.WARNING, logger="ivr.speech_service")
    responses = []
    for _ in range(2):
        response = VoiceResponse()
        speak(response, LONG, "ko", {"ko": "ko-KR"}, Media(speech))
        responses.append(str(response))
    assert all("<Say language=\"ko-KR\">아주 긴" in r and "<Play" not in r for r in responses)
    warnings = [r.getMessage() for r in caplog.records if "not synthesised" in r.getMessage()]
    assert len(warnings) == 1 and "아주" not in warnings[0]


def test_a_prompt_rendered_in_time_is_played_from_the_cache(renderer, tmp_path):
    speech = SpeechService(cache=PromptCache(tmp_path, Budgeted(renderer, 10), b"k" * 32))
    response = VoiceResponse()
    speak(response, "요금 문의는 2번", "ko", {}, Media(speech))
    name = str(response).split("<Play>/prompts/")[1].split("</Play>")[0]
    assert from_wav((tmp_path / name).read_bytes()).rate_hz == 8000

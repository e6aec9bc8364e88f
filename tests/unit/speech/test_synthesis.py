"""Prompts spoken by espeak-ng through pyttsx3: 8 kHz telephone audio, the voice and rate asked for."""
from __future__ import annotations

import threading

import pytest

from speech.audio import TELEPHONE_RATE_HZ
from speech.errors import SynthesisFailed
from speech.model import Voice


def test_a_korean_prompt_renders_to_8_khz_audio_of_plausible_length(synthesizer):
    audio = synthesizer.render("상담원 연결", Voice("ko"))
    assert audio.rate_hz == TELEPHONE_RATE_HZ and 0.8 < audio.duration_s < 3.0


def test_the_rate_asked_for_is_the_rate_spoken_even_right_after_another(synthesizer):
    # pyttsx3 2.99 cancels a queued rate change unless the adapter waits for espeak to go idle
    fast, slow, fast_again = (synthesizer.render("기술 지원", Voice("ko", rate_wpm=r)) for r in (240, 120, 240))
    assert slow.duration_s > 1.5 * fast.duration_s
    assert abs(fast_again.duration_s - fast.duration_s) < 0.05


def test_english_is_spoken_too(synthesizer):
    assert synthesizer.render("Press one for billing", Voice("en")).duration_s > 0.5


@pytest.mark.parametrize("text, voice, reason", [("  ", Voice("ko"), "empty"), ("안녕", Voice("zz"), "no voice for")])
def test_empty_text_or_an_unknown_language_is_synthesis_failed(synthesizer, text, voice, reason):
    with pytest.raises(SynthesisFailed, match=reason):
        synthesizer.render(text, voice)


def test_two_threads_rendering_at_once_both_get_their_own_audio(synthesizer):
    texts = ["배송 조회 " * 3, "요금"]
    alone = [synthesizer.render(t, Voice("ko")).duration_s for t in texts]
    results: dict[int, float] = {}
    threads = [threading.Thread(target=_render_into, args=(synthesizer, t, i, results)) for i, t in enumerate(texts * 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(abs(results[i] - alone[i % 2]) < 0.05 for i in range(8))


def _render_into(synthesizer, text, index, results):
    results[index] = synthesizer.render(text, Voice("ko")).duration_s

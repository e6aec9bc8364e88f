"""Real audio through vosk and the decision rule: what must never be acted on without asking."""
from __future__ import annotations

import pytest

from speech.audio import Audio, from_ulaw, mix, silence
from speech.model import Voice
from speech.silence import recording_cut_off
from speech.telephone_band import over_the_line, white_noise

from ivr.speech_service import heard

MAIN = {"1": ["배송 조회", "배송"], "2": ["요금", "환불", "결제 문의"], "3": ["기술 지원", "고장"],
        "0": ["상담원 연결", "상담원"]}
GRAMMAR = sorted({p for phrases in MAIN.values() for p in phrases})


def _hear(recognizer, audio: Audio, cut_off: bool | None = None):
    line = from_ulaw(over_the_line(audio))
    cut = recording_cut_off(line) if cut_off is None else cut_off
    return heard(recognizer.transcribe(line, GRAMMAR), MAIN, cut)


def test_a_greeting_at_the_main_menu_is_rejected(recognizer, synthesizer):
    said = silence(0.3) + synthesizer.render("안녕하세요 날씨가 좋네요", Voice("ko", rate_wpm=175)) + silence(1.0)
    event = _hear(recognizer, said)
    assert event.option is None and not event.confident


def test_words_cut_off_before_the_caller_finished_are_never_sure(recognizer, synthesizer):
    words = synthesizer.render("상담원 연결", Voice("ko", rate_wpm=175))
    cut = silence(0.3) + Audio(words.pcm[: len(words.pcm) * 2 // 3 // 2 * 2], words.rate_hz)
    assert recording_cut_off(from_ulaw(over_the_line(cut)))
    assert not _hear(recognizer, cut).confident


def test_the_same_words_heard_to_their_end_are_sure(recognizer, synthesizer):
    said = silence(0.3) + synthesizer.render("상담원 연결", Voice("ko", rate_wpm=175)) + silence(1.0)
    event = _hear(recognizer, said)
    assert (event.option, event.confident) == ("0", True)


@pytest.mark.parametrize("level_rms", [200, 800, 2000])
def test_silence_with_noise_is_never_sure(recognizer, level_rms):
    event = _hear(recognizer, white_noise(2.0, level_rms, seed=level_rms))
    assert not event.confident


def test_two_phrases_at_once_are_never_sure(recognizer, synthesizer):
    voice = Voice("ko", rate_wpm=175)
    first, second = synthesizer.render("요금", voice), synthesizer.render("고장", Voice("ko", "f3", 175))
    both = mix(silence(0.3) + first + silence(1.0), silence(0.3) + second + silence(1.0))
    assert not _hear(recognizer, both).confident

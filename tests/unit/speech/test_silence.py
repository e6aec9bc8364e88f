"""Our silence timer, in audio time: speech then silence ends, nothing said times out, noise is not speech."""
from __future__ import annotations

import pytest

from speech.audio import Audio
from speech.silence import EndpointSettings, EndReason, SilenceTimer, recording_cut_off

FRAME_S = 0.02


def _run(levels, settings=None):
    timer = SilenceTimer(settings or EndpointSettings(silence_s=0.5, no_input_s=2.0, max_speech_s=3.0))
    for index, level in enumerate(levels):
        reason = timer.observe(level, FRAME_S)
        if reason:
            return reason, round((index + 1) * FRAME_S, 2)
    return None, round(len(levels) * FRAME_S, 2)


def test_speech_followed_by_enough_silence_ends_the_utterance():
    assert _run([20] * 10 + [3000] * 40 + [20] * 100) == (EndReason.SPEECH_ENDED, 1.5)


def test_a_short_pause_inside_speech_does_not_end_it():
    assert _run([3000] * 30 + [20] * 10 + [3000] * 30)[0] is None


def test_nothing_said_ends_as_no_input():
    assert _run([0] * 200) == (EndReason.NO_INPUT, 2.0)


def test_a_click_shorter_than_min_speech_is_not_speech():
    assert _run([0] * 20 + [5000] * 2 + [0] * 200) == (EndReason.NO_INPUT, 2.0)


def test_steady_line_noise_above_min_rms_is_learned_as_the_floor_not_speech():
    assert _run([600] * 200)[0] is EndReason.NO_INPUT


def test_speech_over_20_db_noise_still_ends_on_the_noise():
    assert _run([300] * 25 + [3000] * 50 + [300] * 100) == (EndReason.SPEECH_ENDED, 2.0)


def test_endless_speech_is_cut_at_max_speech():
    assert _run([3000] * 400) == (EndReason.TOO_LONG, 3.0)


def test_a_caller_speaking_from_the_first_frame_is_heard_as_speech():
    assert _run([3000] * 50 + [0] * 40) == (EndReason.SPEECH_ENDED, 1.5)


def test_a_loud_noisy_line_first_taken_for_speech_is_learned_and_ends():
    reason, at_s = _run([1200] * 1000, EndpointSettings(silence_s=0.5, no_input_s=2.0, max_speech_s=30.0))
    assert reason is EndReason.SPEECH_ENDED and at_s < 10


def _timer(levels):
    timer = SilenceTimer(EndpointSettings(silence_s=0.5, no_input_s=2.0, max_speech_s=3.0))
    for level in levels:
        timer.observe(level, FRAME_S)
    return timer


@pytest.mark.parametrize(
    "levels, cut",
    [
        ([20] * 10 + [3000] * 30, True),  # the audio stops mid-word
        ([20] * 10 + [3000] * 30 + [20] * 10, True),  # a breath is not the end of speech
        ([20] * 10 + [3000] * 30 + [20] * 30, False),  # silence long enough: the caller finished
        ([20] * 10 + [3000] * 160 + [20] * 30, True),  # spoke past the longest utterance
        ([20] * 100, False),  # nothing said is not cut off
    ],
)
def test_audio_that_stops_before_the_end_of_speech_is_cut_off(levels, cut):
    assert _timer(levels).cut_off is cut


def test_a_recording_that_ends_while_the_caller_speaks_is_cut_off(spoken):
    whole = spoken["delivery"]  # 0.3 s of silence, "배송 조회", 1 s of silence
    assert recording_cut_off(whole) is False
    assert recording_cut_off(Audio(whole.pcm[: int(0.9 * whole.rate_hz) * 2], whole.rate_hz)) is True

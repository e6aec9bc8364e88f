"""The barge-in playback on its own: paced prompt frames, one mark, clear on the caller's voice or a key, bad names."""
from __future__ import annotations

import json

import pytest

from ivr.web.barge_in import LEAD_FRAMES, MARK_NAME, PromptPlayback, PromptUnavailable, prompt_audio
from speech.audio import Audio, to_ulaw

SILENT = b"\xff" * 160
LOUD = to_ulaw(Audio(b"\x00\x40" * 160, 8000))  # a steady tone far above the speech floor


def playback(frames: int = 100):
    sent = []
    return PromptPlayback(lambda text: sent.append(json.loads(text)), "MZ1", b"\x7f" * 160 * frames), sent


def test_the_prompt_starts_its_lead_ahead_then_one_frame_per_caller_frame():
    play, sent = playback()
    assert len(sent) == LEAD_FRAMES and all(m["event"] == "media" and m["streamSid"] == "MZ1" for m in sent)
    play.caller_audio(SILENT, 1)
    assert len(sent) == LEAD_FRAMES + 1


def test_the_mark_follows_the_last_frame_and_its_echo_ends_the_prompt():
    play, sent = playback(frames=10)
    assert [m["event"] for m in sent] == ["media"] * 10 + ["mark"] and sent[-1]["mark"]["name"] == MARK_NAME
    assert play.marked(MARK_NAME) and play.state == "finished"


@pytest.mark.parametrize("loud_frames, interrupted", [(5, False), (6, True)])
def test_six_loud_frames_in_a_row_are_a_caller_speaking(loud_frames, interrupted):
    play, sent = playback()
    results = [play.caller_audio(LOUD, i + 1) for i in range(loud_frames)]
    assert any(results) is interrupted
    assert (sent[-1]["event"] == "clear") is interrupted


def test_after_clear_nothing_more_is_sent_and_the_late_mark_is_ignored():
    play, sent = playback(frames=10)
    play.interrupt("key")
    play.interrupt("key")
    play.caller_audio(SILENT, 50)
    assert [m["event"] for m in sent].count("clear") == 1 and sent[-1]["event"] == "clear"
    assert not play.marked(MARK_NAME) and play.interrupted_by == "key"


@pytest.mark.parametrize("names", ["", "../secret_key", "a.wav", ",".join(["0" * 40 + ".wav"] * 9)])
def test_names_that_are_not_prompt_files_are_refused(tmp_path, names):
    with pytest.raises(PromptUnavailable):
        prompt_audio(tmp_path, names)


def test_a_missing_prompt_file_is_refused(tmp_path):
    with pytest.raises(PromptUnavailable, match="not readable"):
        prompt_audio(tmp_path, "0" * 40 + ".wav")

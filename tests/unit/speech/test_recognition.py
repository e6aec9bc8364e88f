"""Menu phrases spoken by espeak-ng, carried over a telephone line, recognised by vosk with a grammar."""
from __future__ import annotations

import pytest

from speech.audio import from_wav, silence, to_wav, ulaw_frames
from speech.silence import EndpointSettings, EndReason
from speech.matching import match
from speech.telephone_band import over_the_line

from speech_menu import GRAMMAR, MENU, heard

OPTIONS = list(MENU)


def _option(recognizer, audio):
    chosen = match(recognizer.transcribe(audio, GRAMMAR).texts, MENU)
    return chosen.option if chosen else None


def _stream(recognizer, ulaw: bytes, endpoint=None):
    stream = recognizer.open_stream(GRAMMAR, endpoint)
    fed = 0
    for frame in ulaw_frames(ulaw):
        fed += 1
        if stream.feed_ulaw(frame).done:
            break
    return stream, fed


@pytest.mark.parametrize("option", OPTIONS)
def test_each_menu_phrase_spoken_over_a_ulaw_wav_picks_its_option(recognizer, spoken, option):
    ulaw_wav = to_wav(spoken[option], "ulaw")
    assert _option(recognizer, from_wav(ulaw_wav)) == option


@pytest.mark.parametrize("option", OPTIONS)
def test_a_pcm_wav_of_the_telephone_audio_picks_the_same_option(recognizer, line_ulaw, option):
    pcm_wav = to_wav(heard(line_ulaw[option]), "pcm")
    assert _option(recognizer, from_wav(pcm_wav)) == option


@pytest.mark.parametrize("option", OPTIONS)
def test_streamed_20_ms_ulaw_frames_pick_the_same_option_as_the_whole_recording(recognizer, line_ulaw, option):
    stream, _ = _stream(recognizer, line_ulaw[option])
    chosen = match(stream.finish().texts, MENU)
    assert chosen is not None and chosen.option == option == _option(recognizer, heard(line_ulaw[option]))


def test_a_stream_ends_on_its_own_silence_timer_before_the_audio_runs_out(recognizer, line_ulaw):
    ulaw = over_the_line(heard(line_ulaw["agent"]) + silence(3.0))
    stream, fed = _stream(recognizer, ulaw, EndpointSettings(silence_s=0.6))
    assert stream.end_reason is EndReason.SPEECH_ENDED
    assert fed < len(ulaw_frames(ulaw)) - 50  # stopped at least a second before the end
    assert match(stream.final.texts, MENU).option == "agent"


def test_a_stream_with_nothing_said_ends_as_no_input_with_an_empty_transcript(recognizer):
    stream, fed = _stream(recognizer, b"\xff" * 8000 * 4, EndpointSettings(no_input_s=2.0))
    assert (stream.end_reason, stream.final.text, fed) == (EndReason.NO_INPUT, "", 100)


def test_a_20_db_noisy_line_still_picks_the_option(recognizer, spoken):
    noisy = heard(over_the_line(spoken["delivery"], snr_db=20, seed=1))
    assert _option(recognizer, noisy) == "delivery"


def test_the_dither_free_model_gives_the_same_transcript_every_time(recognizer, line_ulaw):
    audio = heard(line_ulaw["support"])
    assert len({recognizer.transcribe(audio, GRAMMAR) for _ in range(3)}) == 1


def test_a_transcript_has_a_confidence_share_and_n_best_alternatives(recognizer, line_ulaw):
    transcript = recognizer.transcribe(heard(line_ulaw["billing"]), GRAMMAR)
    shares = [alt.confidence for alt in transcript.alternatives]
    assert transcript.text == transcript.alternatives[0].text == "요금"
    assert 0 < transcript.confidence <= 1 and abs(sum(shares) - 1) < 0.01


def test_words_the_model_does_not_know_are_reported_for_flow_checks(recognizer):
    assert recognizer.unknown_words(["배송 조회", "xyzzy 요금"]) == ["xyzzy"]


def test_segments_vosk_cuts_at_its_own_endpoints_are_joined_into_one_final_transcript():
    from speech.model import Alternative, Transcript
    from speech.vosk_results import joined

    first = Transcript("배송", 0.9, (Alternative("배송", 0.9),))
    last = Transcript("조회", 0.6, (Alternative("조회", 0.6), Alternative("지원", 0.4)))
    together = joined([first, Transcript(), last])
    assert (together.text, together.confidence, together.texts) == ("배송 조회", 0.6, ["배송 조회", "배송 지원"])


def test_a_long_stream_with_pauses_is_heard_to_the_end(recognizer, synthesizer):
    from speech_menu import KOREAN

    speech = silence(0.3)
    for phrase in ("배송 조회", "요금", "기술 지원"):
        speech = speech + synthesizer.render(phrase, KOREAN) + silence(0.6)
    stream, _ = _stream(recognizer, over_the_line(speech + silence(2.0)), EndpointSettings(silence_s=1.0))
    assert stream.end_reason is EndReason.SPEECH_ENDED
    assert stream.final.text.split()[-2:] == ["기술", "지원"]

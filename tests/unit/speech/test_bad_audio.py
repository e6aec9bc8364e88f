"""Empty, cut, wrongly encoded and silent audio: no match and no crash, or a clear BadAudio."""
from __future__ import annotations

import struct

import pytest

from speech.audio import Audio, from_ulaw, read_audio, silence, to_wav
from speech.errors import BadAudio
from speech.matching import match
from speech.model import EMPTY
from speech.wav import build_wav

from speech_menu import GRAMMAR, MENU

MP3_IN_WAV = build_wav(b"\xff\xfb\x90\x00" * 100, 8000, format_tag=0x55, bits=8)


@pytest.mark.parametrize(
    "blob, reason",
    [
        (b"", "not a WAV file"),
        (b"ID3\x03\x00 an mp3 file", "not a WAV file"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "without fmt or data"),
        (MP3_IN_WAV, "unsupported WAV encoding"),
        (build_wav(b"\0" * 300, 8000, bits=12), "unsupported WAV layout"),
    ],
)
def test_audio_that_is_not_a_usable_wav_raises_bad_audio_saying_why(blob, reason):
    with pytest.raises(BadAudio, match=reason):
        read_audio(blob)


def test_empty_audio_gives_the_empty_transcript_and_no_match(recognizer):
    transcript = recognizer.transcribe(Audio(b"", 8000), GRAMMAR)
    assert transcript == EMPTY and match(transcript.texts, MENU) is None


def test_silence_on_the_line_gives_no_match(recognizer):
    for audio in (silence(2.0), from_ulaw(b"\xff" * 16000)):
        assert match(recognizer.transcribe(audio, GRAMMAR).texts, MENU) is None


def test_a_wav_cut_in_the_middle_of_its_data_is_recognised_as_far_as_it_goes(recognizer, line_ulaw):
    whole = to_wav(from_ulaw(line_ulaw["agent"]), "ulaw")
    cut = read_audio(whole[: len(whole) // 3])
    assert 0 < cut.duration_s < 1.5
    recognizer.transcribe(cut, GRAMMAR)  # whatever it heard, it answers


def test_a_wav_whose_data_size_is_not_whole_frames_is_trimmed():
    blob = build_wav(b"\x01\x00\x02", 8000)
    assert read_audio(blob).pcm == b"\x01\x00"


def test_a_single_byte_of_audio_gives_the_empty_transcript(recognizer):
    assert recognizer.transcribe(Audio(b"\x01", 8000), GRAMMAR) == EMPTY


def test_an_empty_stream_finishes_with_the_empty_transcript(recognizer):
    stream = recognizer.open_stream(GRAMMAR)
    assert stream.feed_ulaw(b"").final is None and stream.finish() == EMPTY


def test_a_grammar_of_unknown_words_answers_without_crashing(recognizer, line_ulaw):
    transcript = recognizer.transcribe(from_ulaw(line_ulaw["billing"]), ["xyzzy plugh"])
    assert match(transcript.texts, {"x": ["xyzzy plugh"]}) is None


def test_a_header_claiming_more_data_than_present_keeps_what_arrived():
    blob = bytearray(build_wav(b"\x10\x00" * 100, 8000))
    struct.pack_into("<I", blob, 40, 10_000)  # the data chunk's size
    assert len(read_audio(bytes(blob)).pcm) == 200

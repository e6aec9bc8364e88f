"""WAV in every telephone encoding to mono 16-bit PCM, and back."""
from __future__ import annotations

from speech.audio import Audio, from_ulaw, from_wav, read_audio, resample, to_ulaw, to_wav, ulaw_frames
from speech.upsample import Upsampler
from speech.wav import ALAW, EXTENSIBLE, build_wav, parse_wav

from speech.audio import audioop  # imported there without the deprecation warning

TONE = Audio(b"".join((((i * 37) % 2000) - 1000).to_bytes(2, "little", signed=True) for i in range(800)), 8000)


def test_a_pcm_wav_round_trips_exactly():
    assert from_wav(to_wav(TONE)) == TONE


def test_a_ulaw_wav_decodes_to_the_ulaw_quantised_audio():
    assert from_wav(to_wav(TONE, "ulaw")) == from_ulaw(to_ulaw(TONE))


def test_an_alaw_wav_decodes():
    blob = build_wav(audioop.lin2alaw(TONE.pcm, 2), 8000, ALAW, bits=8)
    assert from_wav(blob).duration_s == TONE.duration_s


def test_a_stereo_wav_is_mixed_down_to_mono():
    stereo = audioop.tostereo(TONE.pcm, 2, 1, 1)
    assert from_wav(build_wav(stereo, 8000, channels=2)) == TONE


def test_an_8_bit_unsigned_pcm_wav_is_centred():
    assert set(from_wav(build_wav(b"\x80" * 10, 8000, bits=8)).pcm) == {0}


def test_a_wave_format_extensible_header_is_read_by_its_subformat():
    blob = bytearray(build_wav(TONE.pcm, 8000))
    fmt = (EXTENSIBLE).to_bytes(2, "little") + bytes(blob[22:36]) + (22).to_bytes(2, "little") + bytes(6)
    fmt += (1).to_bytes(2, "little") + bytes(14)
    patched = b"RIFF" + (4 + 8 + len(fmt) + 8 + len(TONE.pcm)).to_bytes(4, "little") + b"WAVE"
    patched += b"fmt " + len(fmt).to_bytes(4, "little") + fmt + blob[36:]
    assert parse_wav(patched).format_tag == 1 and from_wav(patched) == TONE


def test_raw_ulaw_is_read_only_when_asked_for():
    assert read_audio(to_ulaw(TONE), raw_ulaw=True) == from_ulaw(to_ulaw(TONE))


def test_media_frames_are_160_bytes_of_20_ms():
    frames = ulaw_frames(bytes(8000 // 50 * 3 + 10))
    assert [len(f) for f in frames] == [160, 160, 160, 10]


def test_resampling_changes_the_rate_and_keeps_the_duration():
    up = resample(TONE, 16000)
    assert (up.rate_hz, round(up.duration_s, 2)) == (16000, round(TONE.duration_s, 2))


def test_the_upsampler_gives_the_same_audio_in_frames_as_in_one_piece():
    whole = Upsampler().process(TONE)
    chunked = Upsampler()
    pieces = b"".join(chunked.process(Audio(TONE.pcm[i : i + 320], 8000)) for i in range(0, len(TONE.pcm), 320))
    assert abs(len(pieces) - len(whole)) <= 4 and pieces[:1000] == whole[:1000]

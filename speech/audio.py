"""Telephone audio in and out: WAV (PCM, μ-law, A-law) and raw μ-law to mono 16-bit PCM, resampling,
μ-law encoding and 20 ms frames as Twilio Media Streams carry them."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

from speech import wav
from speech.errors import BadAudio

with warnings.catch_warnings():
    # audioop is deprecated in 3.11-3.12 and gone in 3.13, where the audioop-lts package provides it.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

TELEPHONE_RATE_HZ = 8000
FRAME_BYTES = 160  # 20 ms of 8 kHz μ-law, one Twilio media frame


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian PCM at `rate_hz`."""

    pcm: bytes
    rate_hz: int

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / 2 / self.rate_hz

    def __add__(self, other: Audio) -> Audio:
        return Audio(self.pcm + resample(other, self.rate_hz).pcm, self.rate_hz)


def from_wav(blob: bytes) -> Audio:
    """Decode a WAV file of any supported encoding and channel count to mono 16-bit PCM."""
    parsed = wav.parse_wav(blob)
    pcm = _linear(parsed.data, parsed.format_tag, parsed.bits // 8)
    return Audio(_mono(pcm, parsed.channels), parsed.rate_hz)


def from_ulaw(data: bytes, rate_hz: int = TELEPHONE_RATE_HZ) -> Audio:
    """Raw μ-law bytes (a media stream payload, a .ulaw file) to PCM."""
    return Audio(audioop.ulaw2lin(data, 2), rate_hz)


RAW_ULAW_SUFFIXES = {".ulaw", ".mulaw", ".ul", ".raw"}


def read_audio(blob: bytes, raw_ulaw: bool = False) -> Audio:
    """A WAV file; headerless 8 kHz μ-law only when `raw_ulaw` says so (any bytes decode as μ-law)."""
    if raw_ulaw:
        return from_ulaw(blob)
    return from_wav(blob)


def _linear(data: bytes, format_tag: int, width: int) -> bytes:
    if format_tag == wav.ULAW:
        return audioop.ulaw2lin(data, 2)
    if format_tag == wav.ALAW:
        return audioop.alaw2lin(data, 2)
    if width == 1:  # 8-bit WAV PCM is unsigned
        data = audioop.bias(data, 1, -128)
    return data if width == 2 else audioop.lin2lin(data, width, 2)


def _mono(pcm: bytes, channels: int) -> bytes:
    if channels == 1:
        return pcm
    if channels == 2:
        return audioop.tomono(pcm, 2, 0.5, 0.5)
    raise BadAudio(f"{channels} channels: only mono and stereo are supported")


def resample(audio: Audio, rate_hz: int) -> Audio:
    """The same audio at another rate (audioop's interpolating converter; fine for speech)."""
    if audio.rate_hz == rate_hz:
        return audio
    pcm, _ = audioop.ratecv(audio.pcm, 2, 1, audio.rate_hz, rate_hz, None)
    return Audio(pcm, rate_hz)


def to_ulaw(audio: Audio) -> bytes:
    """μ-law bytes at 8 kHz, as a telephone line carries them."""
    return audioop.lin2ulaw(resample(audio, TELEPHONE_RATE_HZ).pcm, 2)


def to_wav(audio: Audio, encoding: str = "pcm") -> bytes:
    """A WAV file: 16-bit PCM (`pcm`) or 8-bit μ-law at 8 kHz (`ulaw`)."""
    if encoding == "ulaw":
        return wav.build_wav(to_ulaw(audio), TELEPHONE_RATE_HZ, wav.ULAW, bits=8)
    return wav.build_wav(audio.pcm, audio.rate_hz)


def ulaw_frames(data: bytes, size: int = FRAME_BYTES) -> list[bytes]:
    """Split μ-law bytes into media-stream frames (the last one may be short)."""
    return [data[i : i + size] for i in range(0, len(data), size)]


def silence(duration_s: float, rate_hz: int = TELEPHONE_RATE_HZ) -> Audio:
    return Audio(b"\0\0" * round(duration_s * rate_hz), rate_hz)


def rms(pcm: bytes) -> int:
    """Root-mean-square level of 16-bit PCM (0 for nothing)."""
    return audioop.rms(pcm, 2) if len(pcm) >= 2 else 0


def mix(audio: Audio, other: Audio) -> Audio:
    """Sample-wise sum (clipped), `other` cut or padded to the length of `audio`."""
    noise = resample(other, audio.rate_hz).pcm[: len(audio.pcm)].ljust(len(audio.pcm), b"\0")
    return Audio(audioop.add(audio.pcm, noise, 2), audio.rate_hz)


def scale(audio: Audio, factor: float) -> Audio:
    return Audio(audioop.mul(audio.pcm, 2, factor), audio.rate_hz)

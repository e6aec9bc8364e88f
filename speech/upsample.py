"""Audio prepared for a wideband (16 kHz) model: upsampled, with a faint fixed noise floor.

Telephone audio has nothing above 4 kHz and digital silence between words; the Korean small model was
trained on wideband speech, and an empty upper band or exact zeros throw it off. White noise about
40 dB below full scale (RMS 300) under the upsampled audio raised menu-option accuracy on synthetic
telephone-band callers from about 80% to over 90% (bench/speech_bench.py, docs/speech.md). The noise
is the same for every call (fixed seed), which also makes results repeatable: Kaldi's own dither
adds little under it.
"""
from __future__ import annotations

import functools
import random
from array import array

from speech.audio import Audio, audioop

NOISE_SEED = 8000
NOISE_PERIOD_S = 1.0


class Upsampler:
    """Telephone audio upsampled to the model's rate with the noise floor under it. Stateful (one per utterance or stream): chunks processed in order give the same audio as one
    call on the whole."""

    def __init__(self, target_rate_hz: int = 16000, noise_floor_rms: float = 300.0) -> None:
        self.target_rate_hz = target_rate_hz
        self._noise = noise_floor(target_rate_hz, noise_floor_rms) if noise_floor_rms else b""
        self._noise_at = 0
        self._ratecv_state = None

    def process(self, audio: Audio) -> bytes:
        """16-bit PCM at the target rate, noise added."""
        pcm = self._resample(audio)
        return audioop.add(pcm, self._next_noise(len(pcm)), 2) if self._noise else pcm

    def _resample(self, audio: Audio) -> bytes:
        if audio.rate_hz == self.target_rate_hz:
            return audio.pcm
        pcm, self._ratecv_state = audioop.ratecv(
            audio.pcm, 2, 1, audio.rate_hz, self.target_rate_hz, self._ratecv_state
        )
        return pcm

    def _next_noise(self, size: int) -> bytes:
        period = len(self._noise)
        start = self._noise_at % period
        self._noise_at += size
        repeats = (start + size) // period + 1
        return (self._noise * repeats)[start : start + size]


@functools.lru_cache(maxsize=8)
def noise_floor(rate_hz: int, level_rms: float) -> bytes:
    """One period of Gaussian white noise at `level_rms`, always the same."""
    rng = random.Random(NOISE_SEED)
    count = int(rate_hz * NOISE_PERIOD_S)
    return array("h", (max(-32768, min(32767, round(rng.gauss(0.0, level_rms)))) for _ in range(count))).tobytes()

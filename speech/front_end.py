"""Phone audio cleaned before recognition: telephone band-pass, level normalisation, noise suppression.

Whole recordings only (the record path): each step looks at the entire utterance. numpy does the
filtering; noise suppression is noisereduce's spectral gating when that library is installed (it is
optional: without it the step is skipped and `FrontEnd.denoising` says so). Which steps are on by
default is decided by the held-out evaluation (bench/speech_eval.py, docs/speech.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from speech.audio import Audio

FRAME_S = 0.02
TARGET_RMS = 3000.0  # loud speech frames are brought to about -21 dBFS
MAX_GAIN, MIN_GAIN = 8.0, 0.25


@dataclass(frozen=True)
class FrontEnd:
    """Which steps run; `process` returns audio at the same rate and length."""

    band_pass: bool = True
    normalise: bool = True
    denoise: bool = False
    low_hz: float = 300.0
    high_hz: float = 3400.0

    @property
    def denoising(self) -> bool:
        return self.denoise and _noisereduce() is not None

    def process(self, audio: Audio) -> Audio:
        if len(audio.pcm) < 2 or not (self.band_pass or self.normalise or self.denoise):
            return audio
        import numpy as np

        x = np.frombuffer(audio.pcm[: len(audio.pcm) // 2 * 2], dtype="<i2").astype(np.float32)
        if self.band_pass:
            x = band_pass(x, audio.rate_hz, self.low_hz, self.high_hz)
        if self.denoising:
            x = _noisereduce().reduce_noise(y=x, sr=audio.rate_hz, stationary=True, prop_decrease=0.8).astype(np.float32)
        if self.normalise:
            x = normalise(x, audio.rate_hz)
        return Audio(np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes(), audio.rate_hz)


def band_pass(x, rate_hz: int, low_hz: float, high_hz: float):
    """Frequencies outside [low_hz, high_hz] removed (an FFT mask over the whole recording)."""
    import numpy as np

    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1.0 / rate_hz)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0
    return np.fft.irfft(spectrum, len(x)).astype(np.float32)


def normalise(x, rate_hz: int):
    """Loud frames (the 95th percentile of 20 ms RMS) brought to TARGET_RMS, the gain kept within bounds."""
    import numpy as np

    step = max(1, int(rate_hz * FRAME_S))
    frames = x[: len(x) // step * step].reshape(-1, step) if len(x) >= step else x.reshape(1, -1)
    loud = float(np.percentile(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)), 95))
    if loud < 1.0:
        return x
    return x * min(MAX_GAIN, max(MIN_GAIN, TARGET_RMS / loud))


def _noisereduce():
    try:
        import noisereduce
    except ImportError:
        return None
    return noisereduce

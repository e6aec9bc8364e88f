"""What a telephone line does to audio: band-limited to 8 kHz sampling, μ-law coded, optionally with
noise at a given SNR. Used to make synthetic callers (tests, benchmarks, the simulator)."""
from __future__ import annotations

import math
from array import array
import random
import shutil
import subprocess

from speech.audio import TELEPHONE_RATE_HZ, Audio, mix, resample, rms, to_ulaw


def band_limit(audio: Audio, rate_hz: int = TELEPHONE_RATE_HZ) -> Audio:
    """Resample to `rate_hz` with sox's low-pass filter when sox is installed; audioop's plain
    interpolation (which lets some aliasing through) otherwise."""
    if audio.rate_hz == rate_hz or not audio.pcm:
        return Audio(audio.pcm, rate_hz)
    sox = shutil.which("sox")
    return _sox_resample(sox, audio, rate_hz) if sox else resample(audio, rate_hz)


def _sox_resample(sox: str, audio: Audio, rate_hz: int) -> Audio:
    raw = ["-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-L"]
    command = [sox, "-q", *raw, "-r", str(audio.rate_hz), "-", *raw, "-r", str(rate_hz), "-"]
    done = subprocess.run(command, input=audio.pcm, capture_output=True, check=True)
    return Audio(done.stdout, rate_hz)


def white_noise(duration_s: float, level_rms: float, seed: int = 0, rate_hz: int = TELEPHONE_RATE_HZ) -> Audio:
    """Gaussian noise at a given RMS level, the same for the same seed."""
    rng = random.Random(seed)
    count = round(duration_s * rate_hz)
    samples = array("h", (max(-32768, min(32767, round(rng.gauss(0.0, level_rms)))) for _ in range(count)))
    return Audio(samples.tobytes(), rate_hz)


def add_noise(audio: Audio, snr_db: float, seed: int = 0) -> Audio:
    """The audio with white noise `snr_db` below its RMS level."""
    level = rms(audio.pcm) / math.pow(10, snr_db / 20)
    return mix(audio, white_noise(audio.duration_s, level, seed, audio.rate_hz))


def over_the_line(audio: Audio, snr_db: float | None = None, seed: int = 0) -> bytes:
    """μ-law bytes as the IVR would receive them: band-limited, noisy when `snr_db` is given."""
    line = band_limit(audio)
    return to_ulaw(add_noise(line, snr_db, seed) if snr_db is not None else line)


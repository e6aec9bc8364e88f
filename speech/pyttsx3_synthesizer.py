"""Pyttsx3Synthesizer: prompts spoken by espeak-ng through pyttsx3, rendered to 8 kHz mono 16-bit PCM.

pyttsx3 keeps one espeak engine per process whose state (voice, rate, output file) is global, so two
threads rendering at once lose a file: every render holds one lock. Nothing is created on import;
`load()` starts the engine.
"""
from __future__ import annotations

import contextlib
import io
import tempfile
import threading
import time
from pathlib import Path

from speech.audio import TELEPHONE_RATE_HZ, Audio, from_wav
from speech.errors import BadAudio, SynthesisFailed, SynthesisUnavailable
from speech.model import Voice
from speech.telephone_band import band_limit

IDLE_TIMEOUT_S = 5.0


class Pyttsx3Synthesizer:
    """Text to telephone audio with pyttsx3's espeak driver, one render at a time per process."""

    def __init__(self, rate_hz: int = TELEPHONE_RATE_HZ) -> None:
        self.rate_hz = rate_hz
        self._engine = None
        self._espeak = None
        self._lock = threading.Lock()
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._languages: set[str] = set()

    def load(self) -> Pyttsx3Synthesizer:
        """Start the engine and render a warm-up word; SynthesisUnavailable when it cannot speak."""
        with self._lock:
            if self._engine is None:
                self._engine, self._espeak = _start_engine()
                self._languages = _languages(self._engine)
                self._scratch = tempfile.TemporaryDirectory(prefix="ivr-tts-")
        self.render("warm up", Voice("en"))
        return self

    def close(self) -> None:
        """Remove the scratch folder (a command that rendered once is done with it)."""
        with self._lock:
            if self._scratch is not None:
                self._scratch.cleanup()
                self._scratch = None
            self._engine = None

    def __enter__(self) -> Pyttsx3Synthesizer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def render(self, text: str, voice: Voice) -> Audio:
        """The text spoken by `voice` at `rate_hz`. SynthesisFailed for empty text or no audio."""
        if not text.strip():
            raise SynthesisFailed("nothing to say: the prompt text is empty")
        if self._engine is None:
            self.load()
        if voice.language not in self._languages:
            raise SynthesisFailed(f"espeak-ng has no voice for language {voice.language!r}")
        with self._lock:
            audio = self._render_locked(text, voice)
        return band_limit(audio, self.rate_hz)

    def _render_locked(self, text: str, voice: Voice) -> Audio:
        path = Path(self._scratch.name) / "render.wav"
        for _ in range(2):  # pyttsx3 occasionally writes an empty file; once more is enough
            audio = self._save(text, voice, path)
            if audio.pcm:
                return audio
        raise SynthesisFailed(f"espeak-ng produced no audio ({voice.espeak_name})")  # the text may be a secret

    def _save(self, text: str, voice: Voice, path: Path) -> Audio:
        path.unlink(missing_ok=True)
        self._engine.setProperty("voice", voice.espeak_name)
        self._engine.setProperty("rate", voice.rate_wpm)
        self._wait_idle()
        with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved to ..."
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
        return _read(path)

    def _wait_idle(self) -> None:
        # espeak queues the rate and voice changes; pyttsx3's runAndWait cancels whatever is still
        # queued, so without this wait a render silently keeps the previous voice or rate.
        deadline = time.monotonic() + IDLE_TIMEOUT_S
        while self._espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.0005)


def _start_engine():
    try:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        return pyttsx3.init("espeak"), _espeak
    except Exception as exc:  # ImportError, OSError (no libespeak-ng), RuntimeError from espeak itself
        raise SynthesisUnavailable(f"pyttsx3 with espeak-ng cannot start: {exc}") from exc


def _languages(engine) -> set[str]:
    """Language codes espeak-ng speaks ("ko", "en", "en-us" ...), from its voice list."""
    voices = engine.getProperty("voices")
    return {lang for v in voices for lang in v.languages} | {v.id.rsplit("/", 1)[-1] for v in voices}


def _read(path: Path) -> Audio:
    try:
        return from_wav(path.read_bytes())
    except (OSError, BadAudio):
        return Audio(b"", TELEPHONE_RATE_HZ)

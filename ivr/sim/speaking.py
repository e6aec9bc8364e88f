"""What the simulated caller says at a listening menu: `say:배송 조회` (espeak-ng through a telephone line),
`wav:answer.wav` (a file, sent as it is), `dtmf:1` (a key pressed while the menu listens)."""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from speech import BadAudio, SpeechError

LEAD_SILENCE_S = 0.3   # the caller draws breath before speaking
TAIL_SILENCE_S = 1.0   # and stays quiet after it, so an end-of-speech timer can fire
SPOKEN = re.compile(r"^(say|wav|dtmf):(.*)$", re.DOTALL)
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
KEY = re.compile(r"^[0-9*#]$")


@dataclass(frozen=True)
class Spoken:
    """One answer by voice: `kind` say (text), wav (a file path) or dtmf (one key over a media stream)."""

    kind: str
    value: str

    @property
    def item(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def shown(self) -> str:
        return {"say": f"says «{self.value}»", "wav": f"plays {self.value}", "dtmf": f"presses {self.value}"}[self.kind]


def parse_spoken(item: str) -> Spoken | None:
    """`say:TEXT`, `wav:PATH`, `dtmf:KEY`; None for other items; ValueError when one of these is malformed."""
    found = SPOKEN.match(item)
    if found is None:
        return None
    kind, value = found.group(1), found.group(2).strip()
    if not value:
        raise ValueError(f"{item!r}: say:, wav: and dtmf: need something after the colon")
    if kind == "dtmf" and not KEY.match(value):
        raise ValueError(f"{item!r}: dtmf: takes one key, 0-9, * or #")
    return Spoken(kind, value)


def language_of(text: str) -> str:
    """The espeak-ng voice for words the caller says: Korean when they are written in Hangul, else English."""
    return "ko" if HANGUL.search(text) else "en"


class CallerVoice:
    """Turns a Spoken answer into audio: WAV bytes for a <Record>, μ-law for a media stream."""

    def __init__(self, synthesizer=None):
        self._synthesizer = synthesizer
        self._rendered: dict[str, object] = {}
        self._lock = threading.Lock()

    def recording(self, spoken: Spoken, max_length_s: int) -> tuple[bytes, float]:
        """The file Twilio would keep, and its length in seconds: a wav: file goes as it is (even if not audio)."""
        from speech.audio import Audio, from_ulaw, to_wav

        if spoken.kind == "wav":
            blob = _read_file(spoken.value)
            return blob, _duration_s(blob)
        line = from_ulaw(self.line_ulaw(spoken))
        kept = Audio(line.pcm[: max_length_s * line.rate_hz * 2], line.rate_hz)
        return to_wav(kept), kept.duration_s

    def line_ulaw(self, spoken: Spoken) -> bytes:
        """8 kHz μ-law as it reaches the IVR over the phone line. ScriptMismatch-worthy problems raise ValueError."""
        from speech.audio import read_audio, silence, to_ulaw
        from speech.telephone_band import band_limit, over_the_line

        if spoken.kind == "wav":
            try:
                audio = read_audio(_read_file(spoken.value))
            except (BadAudio, ValueError) as exc:
                raise ValueError(f"{spoken.value} is not audio the simulator can stream: {exc}") from None
            return to_ulaw(band_limit(audio))
        audio = silence(LEAD_SILENCE_S) + self._speak(spoken.value) + silence(TAIL_SILENCE_S)
        return over_the_line(audio)

    def _speak(self, text: str):
        with self._lock:
            if text not in self._rendered:
                self._rendered[text] = self._voice().render(text, _voice(text))
            return self._rendered[text]

    def _voice(self):
        if self._synthesizer is None:
            self._synthesizer = shared_synthesizer()
        return self._synthesizer


def _voice(text: str):
    from speech.model import Voice

    return Voice(language_of(text), rate_wpm=175)


def shared_synthesizer():
    """The process's one Pyttsx3Synthesizer (the server's, when it runs in this process): pyttsx3 has one engine
    per process, and only one instance's lock keeps two renders apart. Raises ValueError when espeak-ng is missing."""
    from ..speech_service import process_synthesizer

    try:
        return process_synthesizer()
    except (SpeechError, OSError, RuntimeError) as exc:
        raise ValueError(f"the simulator cannot speak (espeak-ng through pyttsx3): {exc}") from None


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"wav:{path}: {exc.strerror or exc}") from None


def _duration_s(blob: bytes) -> float:
    """Length of a WAV file, or 1 s when it cannot be read (the server will find out)."""
    from speech.audio import read_audio

    try:
        return read_audio(blob).duration_s
    except (BadAudio, ValueError):
        return 1.0


def recorded_seconds(duration_s: float) -> int:
    """RecordingDuration as Twilio reports it: whole seconds, at least 1 for a file that was kept."""
    return max(1, math.ceil(duration_s))

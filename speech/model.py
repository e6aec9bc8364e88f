"""Values the speech ports exchange: transcripts, voices, stream updates. No I/O, no vosk."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Alternative:
    """One hypothesis of the recognizer; `confidence` is its share (0..1) of the n-best list."""

    text: str
    confidence: float


@dataclass(frozen=True)
class Transcript:
    """What was heard: the best text, its confidence (0..1) and the n-best alternatives, best first.

    An empty transcript (text "", confidence 0) means nothing was recognised: silence, noise, bad audio.
    """

    text: str = ""
    confidence: float = 0.0
    alternatives: tuple[Alternative, ...] = ()

    @property
    def texts(self) -> list[str]:
        """The alternatives' texts, best first, as the matcher takes them."""
        return [alt.text for alt in self.alternatives] or ([self.text] if self.text else [])

    @property
    def empty(self) -> bool:
        return not self.text


EMPTY = Transcript()


@dataclass(frozen=True)
class StreamUpdate:
    """What a recognition stream knows after a frame: the partial text so far, and the final transcript
    once the utterance ended (own silence timer, no-input timeout, maximum length) or the stream finished."""

    partial: str = ""
    final: Transcript | None = None
    speech_started: bool = False

    @property
    def done(self) -> bool:
        return self.final is not None


@dataclass(frozen=True)
class Voice:
    """How a prompt is spoken: language (espeak-ng voice, e.g. "ko", "en"), an optional variant
    ("f3", "m3"), and the rate in words per minute."""

    language: str = "ko"
    variant: str = ""
    rate_wpm: int = 175

    @property
    def espeak_name(self) -> str:
        return f"{self.language}+{self.variant}" if self.variant else self.language


@dataclass(frozen=True)
class Prompt:
    """One static prompt of a flow, to be rendered ahead of calls."""

    text: str
    voice: Voice = field(default_factory=Voice)

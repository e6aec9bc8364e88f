"""The ports the IVR talks to: a Recognizer (audio -> transcript), its streaming form, a Synthesizer
(text -> audio). Adapters: VoskRecognizer, Pyttsx3Synthesizer; tests and the simulator may bring fakes."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from speech.audio import Audio
from speech.model import StreamUpdate, Transcript, Voice


class RecognitionStream(Protocol):
    """One utterance heard frame by frame (a Twilio media stream's inbound track)."""

    def feed_ulaw(self, frame: bytes) -> StreamUpdate:
        """Take one frame of 8 kHz μ-law; once `final` is set, further frames are ignored."""

    def finish(self) -> Transcript:
        """The final transcript now (the caller hung up, the stream stopped)."""


class Recognizer(Protocol):
    def transcribe(self, audio: Audio, grammar: Sequence[str] | None = None) -> Transcript:
        """What was said in a whole recording; `grammar` lists the phrases valid at this point."""

    def open_stream(self, grammar: Sequence[str] | None = None) -> RecognitionStream:
        """A stream for one utterance of live 8 kHz μ-law audio."""


class Synthesizer(Protocol):
    def render(self, text: str, voice: Voice) -> Audio:
        """The text spoken by `voice`, as 8 kHz mono 16-bit PCM."""

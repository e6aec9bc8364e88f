"""The production app with a stand-in for vosk that decodes slowly in native code, served by gunicorn in tests:
`--pythonpath tests/server/speech slow_decoding_app:create_app()` (the committed gunicorn.conf.py: gevent).

The stand-in is given through the composition root's `speech` seam, like any fake; everything else is the real
app built from the environment.
"""
from __future__ import annotations

import os

from gevent import monkey

from ivr.speech_service import SpeechService
from ivr.web import create_app as create_ivr_app
from speech.model import EMPTY, Alternative, StreamUpdate, Transcript

DECODE_S = float(os.environ.get("SLOW_DECODE_S", "3"))
FAILING_FRAME = b"\x00"  # a frame starting with this byte fails as vosk fails (μ-law silence is 0xff)
HEARD = Transcript("요금", 0.95, (Alternative("요금", 0.95),))


def native_sleep(seconds: float) -> None:
    """Blocks this OS thread without yielding to gevent, releasing the GIL: what libvosk does while it decodes."""
    monkey.get_original("time", "sleep")(seconds)


class SlowNativeStream:
    """Each frame keeps its thread busy for DECODE_S; the first frame ends the utterance, heard as "요금"."""

    def __init__(self):
        self.final: Transcript | None = None

    def feed_ulaw(self, frame: bytes) -> StreamUpdate:
        if frame.startswith(FAILING_FRAME):
            raise Exception("Failed to process waveform")  # vosk's own words, and its bare Exception
        native_sleep(DECODE_S)
        self.final = HEARD
        return StreamUpdate("", self.final, True)

    def finish(self) -> Transcript:
        return self.final or EMPTY


class SlowNativeRecognizer:
    def open_stream(self, _grammar=None):
        return SlowNativeStream()


def create_app():
    return create_ivr_app(speech=SpeechService(recognizers={"ko": SlowNativeRecognizer()}))

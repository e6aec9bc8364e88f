"""VoskStream: one utterance recognised frame by frame, ended by our own silence timer."""
from __future__ import annotations

from speech.audio import from_ulaw, rms
from speech.endpoint import EndpointSettings, EndReason, SilenceTimer
from speech.front_end import FrontEnd
from speech.model import EMPTY, StreamUpdate, Transcript
from speech.vosk_results import parse_partial, parse_result


class VoskStream:
    """Feed 8 kHz μ-law frames as they arrive; the update carries the final transcript once the
    utterance is over. vosk's own endpoint is honoured too when it fires with words."""

    def __init__(
        self, recognizer, front_end: FrontEnd, endpoint: EndpointSettings | None = None, partials: bool = False
    ) -> None:
        self._recognizer = recognizer
        self._partials = partials
        self._front_end = front_end
        self.timer = SilenceTimer(endpoint)
        self.final: Transcript | None = None
        self.end_reason: EndReason | None = None

    def feed_ulaw(self, frame: bytes) -> StreamUpdate:
        if self.final is None and frame:
            self._feed(frame)
        return StreamUpdate(self._partial(), self.final, self.timer.speech_started)

    def _feed(self, frame: bytes) -> None:
        audio = from_ulaw(frame)
        reason = self.timer.observe(rms(audio.pcm), audio.duration_s)
        if self._recognizer.AcceptWaveform(self._front_end.process(audio)):
            self._vosk_endpoint()
        if reason is not None and self.final is None:
            self.end_reason = reason
            self.finish()

    def _vosk_endpoint(self) -> None:
        segment = parse_result(self._recognizer.Result())
        if not segment.empty:
            self.end_reason = EndReason.SPEECH_ENDED
            self.final = segment

    def finish(self) -> Transcript:
        """The final transcript now; later calls return the same."""
        if self.final is None:
            self.final = parse_result(self._recognizer.FinalResult()) if self.timer.elapsed_s else EMPTY
        return self.final

    def _partial(self) -> str:
        if self.final is not None:
            return self.final.text
        return parse_partial(self._recognizer.PartialResult()) if self._partials else ""

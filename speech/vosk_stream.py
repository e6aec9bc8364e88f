"""VoskStream: one utterance recognised frame by frame, ended by our own silence timer."""
from __future__ import annotations

from speech.audio import from_ulaw, rms
from speech.silence import EndpointSettings, EndReason, SilenceTimer
from speech.upsample import Upsampler
from speech.model import EMPTY, StreamUpdate, Transcript
from speech.vosk_results import joined, parse_partial, parse_result


class VoskStream:
    """Feed 8 kHz μ-law frames as they arrive; the update carries the final transcript once our silence
    timer ends the utterance. Where vosk's own endpoint cuts it earlier (a pause between sentences),
    the segments are kept and joined, so the timer alone decides when the caller has finished."""

    def __init__(
        self, recognizer, upsampler: Upsampler, endpoint: EndpointSettings | None = None, partials: bool = False
    ) -> None:
        self._recognizer = recognizer
        self._partials = partials
        self._upsampler = upsampler
        self.timer = SilenceTimer(endpoint)
        self.final: Transcript | None = None
        self._segments: list[Transcript] = []
        self.end_reason: EndReason | None = None

    def feed_ulaw(self, frame: bytes) -> StreamUpdate:
        if self.final is None and frame:
            self._feed(frame)
        return StreamUpdate(self._partial(), self.final, self.timer.speech_started)

    def _feed(self, frame: bytes) -> None:
        audio = from_ulaw(frame)
        reason = self.timer.observe(rms(audio.pcm), audio.duration_s)
        if self._recognizer.AcceptWaveform(self._upsampler.process(audio)):
            self._segments.append(parse_result(self._recognizer.Result()))
        if reason is not None:
            self.end_reason = reason
            self.finish()

    @property
    def cut_off(self) -> bool:
        """The stream ended while the caller was still speaking: the transcript may be only part of it."""
        return self.timer.cut_off

    @property
    def speech_s(self) -> float:
        """How long the caller spoke (loud frames): the decision checks the heard phrase fits this length."""
        return self.timer.speech_s

    def finish(self) -> Transcript:
        """The final transcript now; later calls return the same."""
        if self.final is None:
            tail = parse_result(self._recognizer.FinalResult()) if self.timer.elapsed_s else EMPTY
            self.final = joined([*self._segments, tail])
        return self.final

    def _partial(self) -> str:
        if self.final is not None:
            return self.final.text
        return parse_partial(self._recognizer.PartialResult()) if self._partials else ""

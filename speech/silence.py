"""Our own end-of-utterance timer for streamed audio, counted in audio time (no clock).

vosk's end-of-speech detection may never fire on 8 kHz synthetic audio, so a stream ends when this
timer says: enough trailing silence after speech, nothing said for too long, or speech too long.
Silence is judged by level against a noise floor tracked from the line itself.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from speech.audio import Audio, rms

FRAME_S = 0.02  # Twilio's media frames; recordings are judged in the same steps


class EndReason(str, enum.Enum):
    SPEECH_ENDED = "speech_ended"
    NO_INPUT = "no_input"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class EndpointSettings:
    silence_s: float = 0.8  # trailing silence that ends an utterance
    no_input_s: float = 5.0  # no speech at all within this time
    max_speech_s: float = 20.0  # an utterance longer than this is cut
    min_speech_s: float = 0.15  # loud audio shorter than this is a click, not speech
    min_rms: int = 300  # never speech below this level (16-bit PCM RMS)
    floor_ratio: float = 3.0  # speech is this much louder than the noise floor (about 10 dB)
    floor_rise: float = 0.01  # how fast the floor follows louder non-speech audio, per frame


class SilenceTimer:
    """Feed it each frame's level and duration; it answers an EndReason once the utterance is over."""

    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self.elapsed_s = 0.0
        self.speech_s = 0.0
        self.trailing_silence_s = 0.0
        self.floor: float | None = None

    @property
    def speech_started(self) -> bool:
        return self.speech_s >= self.settings.min_speech_s

    @property
    def cut_off(self) -> bool:
        """The audio stopped while the caller was still speaking (no end of speech heard), or the caller
        spoke past the longest utterance: what was heard may be only part of what was meant."""
        s = self.settings
        return self.speech_started and (self.speech_s >= s.max_speech_s or self.trailing_silence_s < s.silence_s)

    def observe(self, level_rms: float, duration_s: float) -> EndReason | None:
        loud = level_rms >= self._threshold()
        self._track_floor(level_rms, loud)
        self.elapsed_s += duration_s
        self.speech_s += duration_s if loud else 0.0
        self.trailing_silence_s = 0.0 if loud else self.trailing_silence_s + duration_s
        return self._reason()

    def _threshold(self) -> float:
        floor = self.floor if self.floor is not None else 0.0
        return max(self.settings.min_rms, floor * self.settings.floor_ratio)

    def _track_floor(self, level: float, loud: bool) -> None:
        # Starts no higher than min_rms (a caller may speak from the first frame), drops at once to
        # quieter audio, rises slowly on non-speech and ten times slower on speech (so a noisy line
        # first taken for speech is learned in a few seconds).
        if self.floor is None:
            self.floor = min(level, self.settings.min_rms)
        elif level < self.floor:
            self.floor = level
        else:
            rise = self.settings.floor_rise / (10 if loud else 1)
            self.floor += (level - self.floor) * rise

    def _reason(self) -> EndReason | None:
        s = self.settings
        if self.speech_started and self.trailing_silence_s >= s.silence_s:
            return EndReason.SPEECH_ENDED
        if not self.speech_started and self.elapsed_s >= s.no_input_s:
            return EndReason.NO_INPUT
        if self.speech_s >= s.max_speech_s:
            return EndReason.TOO_LONG
        return None


def recording_cut_off(audio: Audio, settings: EndpointSettings | None = None) -> bool:
    """A whole recording run through the timer: True when it ends before the caller stopped speaking
    (Twilio's maxLength, or a hang-up, cut the words short)."""
    return timed(audio, settings).cut_off


def speech_seconds(audio: Audio, settings: EndpointSettings | None = None) -> float:
    """How long the caller spoke in a whole recording (loud frames above the line's noise floor)."""
    return timed(audio, settings).speech_s


def timed(audio: Audio, settings: EndpointSettings | None = None) -> SilenceTimer:
    """The timer after a whole recording, frame by frame."""
    timer = SilenceTimer(settings)
    step = max(2, int(audio.rate_hz * FRAME_S) * 2)
    for start in range(0, len(audio.pcm) - 1, step):
        chunk = audio.pcm[start:start + step]
        chunk = chunk[: len(chunk) // 2 * 2]
        timer.observe(rms(chunk), len(chunk) / 2 / audio.rate_hz)
    return timer

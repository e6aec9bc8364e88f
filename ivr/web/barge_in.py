"""Barge-in on a bidirectional media stream: play the menu's prompt into the stream, stop it when the caller speaks.

The prompt goes out as 20 ms μ-law `media` messages, kept LEAD_FRAMES ahead of the caller's audio (Twilio
buffers what it is sent and plays it in order; one frame out per frame in keeps that lead without a timer),
then a `mark`. Twilio echoes the mark when the prompt has played: the menu then listens as it always did. The
first sign of the caller — speech by the energy detector, or a key — sends `clear` (Twilio drops what it
buffered) and nothing more of the prompt. The caller's audio of the last PREROLL_FRAMES is kept, so the
recogniser hears the words from their start, not from the moment speech was recognised as speech.
"""
from __future__ import annotations

import base64
import json
import logging
from collections import deque
from pathlib import Path

from speech.audio import from_ulaw, from_wav, rms, to_ulaw, ulaw_frames
from speech.errors import BadAudio
from speech.prompt_cache import PROMPT_NAME
from speech.silence import EndpointSettings, SilenceTimer

log = logging.getLogger(__name__)
LEAD_FRAMES = 25       # 0.5 s of prompt buffered at Twilio ahead of what it has played: rides out network jitter
PREROLL_FRAMES = 25    # the caller's last 0.5 s, handed to the recogniser when they interrupt
SPEECH_RUN_S = 0.12    # this much loud audio in a row is the caller speaking (a click or a pop is shorter)
MARK_NAME = "prompt-end"
MAX_PROMPTS = 8


class PromptUnavailable(Exception):
    """The stream's prompt cannot be played (a bad name, a missing or unreadable file)."""


def prompt_audio(cache_dir: Path, names: str) -> bytes:
    """The μ-law audio of the prompt files named "a.wav,b.wav" in the cache, one after the other."""
    parts = [n for n in (names or "").split(",") if n]
    if not parts or len(parts) > MAX_PROMPTS or not all(PROMPT_NAME.match(n) for n in parts):
        raise PromptUnavailable(f"not prompt names: {names[:120]!r}")
    try:
        return b"".join(to_ulaw(from_wav((cache_dir / n).read_bytes())) for n in parts)
    except (OSError, BadAudio, ValueError) as exc:
        raise PromptUnavailable(f"prompt not readable: {exc}") from None


class VoiceActivity:
    """Energy detector for the caller's voice: the silence timer's level and noise floor, but speech only after a
    run of loud frames, so the odd pop during a long prompt is not taken for the caller speaking."""

    def __init__(self, settings: EndpointSettings | None = None, run_s: float = SPEECH_RUN_S):
        self.timer = SilenceTimer(settings)
        self.run_s, self.loud_s = run_s, 0.0

    def hears(self, pcm: bytes, duration_s: float) -> bool:
        self.timer.observe(rms(pcm), duration_s)
        loud = self.timer.trailing_silence_s == 0.0
        self.loud_s = self.loud_s + duration_s if loud else 0.0
        return self.loud_s >= self.run_s - 1e-9


class PromptPlayback:
    """One prompt played into one stream. `send` takes a JSON-ready dict (the socket's send, in the stream's own
    thread); the state moves playing -> finished (mark echoed) or playing -> interrupted (clear sent)."""

    def __init__(self, send, stream_sid: str, ulaw: bytes, lead_frames: int = LEAD_FRAMES):
        self.send, self.stream_sid = send, stream_sid
        self.frames = ulaw_frames(ulaw)
        self.sent = 0
        self.lead_frames = lead_frames
        self.state = "playing"
        self.interrupted_by: str | None = None
        self.voice = VoiceActivity()
        self.preroll: deque[bytes] = deque(maxlen=PREROLL_FRAMES)
        self._top_up(0)

    @property
    def playing(self) -> bool:
        return self.state == "playing"

    def caller_audio(self, frame: bytes, frames_in: int) -> bool:
        """One frame of the caller while the prompt plays: True when it shows the caller speaking (clear sent)."""
        self.preroll.append(frame)
        audio = from_ulaw(frame)
        if self.voice.hears(audio.pcm, audio.duration_s):
            self.interrupt("speech")
            return True
        self._top_up(frames_in)
        return False

    def interrupt(self, by: str) -> None:
        """Stop the prompt: `clear` empties Twilio's buffer; nothing more of it is sent."""
        if self.playing:
            self.state, self.interrupted_by = "interrupted", by
            self._send({"event": "clear"})
            log.info("stream %s: prompt interrupted by %s after %d of %d frames sent", self.stream_sid, by,
                     self.sent, len(self.frames))

    def marked(self, name: str) -> bool:
        """Twilio echoed a mark: True when it says the whole prompt played (an echo after `clear` is ignored)."""
        if self.playing and name == MARK_NAME and self.sent == len(self.frames):
            self.state = "finished"
            return True
        return False

    def _top_up(self, frames_in: int) -> None:
        target = min(len(self.frames), frames_in + self.lead_frames)
        while self.sent < target:
            payload = base64.b64encode(self.frames[self.sent]).decode("ascii")
            self._send({"event": "media", "media": {"payload": payload}})
            self.sent += 1
            if self.sent == len(self.frames):
                self._send({"event": "mark", "mark": {"name": MARK_NAME}})

    def _send(self, message: dict) -> None:
        self.send(json.dumps({"event": message["event"], "streamSid": self.stream_sid,
                              **{k: v for k, v in message.items() if k != "event"}}))

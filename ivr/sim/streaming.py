"""<Connect><Stream> as Twilio carries it out: a signed WebSocket handshake, `connected` and `start`, the caller's
audio as 20 ms μ-law `media` frames (or a `dtmf` key), then `stop` unless the server closed first. What the server
sends back (a prompt, marks, `clear`) is played to the caller as Twilio would (playout.py); the caller waits for the
prompt to end, or speaks over it `barge_in_after_s` into it."""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from speech.audio import from_ulaw, rms

from .playout import Heard, Playout
from .wire import new_sid

FRAME_BYTES = 160          # 20 ms of 8 kHz μ-law
FRAME_S = 0.02
ULAW_SILENCE = b"\xff"     # μ-law code for zero
TRAILING_SILENCE_S = 7.0   # after the audio, silence until the server's no-input or end-of-speech timer fires
CLOSE_WAIT_S = 10.0        # how long Twilio's side waits for the server to close after the last frame
VOICE_RMS = 300            # a frame this loud is the caller's voice (the server's silence timer uses the same floor)
PROMPT_WAIT_S = 0.3        # after `start`, how long the caller gives the server to begin a prompt
MAX_PROMPT_S = 60.0        # a prompt that never ends (no mark) is waited for no longer than this


@dataclass
class StreamRun:
    """How one media stream went: frames sent, who ended it, and a refused handshake's HTTP status."""

    frames: int = 0
    closed_by_server: bool = False
    refused: int | None = None
    error: str = ""
    heard: Heard | None = None       # the server's prompt, marks and clear as the caller got them
    spoke_at: float | None = None    # time.monotonic() when the caller's answer (or key) began
    voice_at: float | None = None    # time.monotonic() when the first loud frame of the caller's voice went out

    @property
    def audio_s(self) -> float:
        return self.frames * FRAME_S


@dataclass(frozen=True)
class StreamStart:
    """What Twilio puts in `start`: the call, the stream's custom parameters."""

    call_sid: str
    account_sid: str
    parameters: dict


def run_stream(url: str, headers: dict, start: StreamStart, ulaw: bytes = b"", dtmf: str = "",
               pace: float = 0.0, barge_in_after_s: float | None = None) -> StreamRun:
    """Open the socket at `url` and play the caller's side; `pace` 1.0 sends frames at real time, 0 at once. The
    caller speaks (or presses) once the server's prompt has played, or `barge_in_after_s` into it."""
    from simple_websocket import ConnectionClosed
    from simple_websocket import ConnectionError as HandshakeRefused

    run = StreamRun()
    try:
        ws = _client_class().connect(url, headers=headers)
    except HandshakeRefused as exc:
        run.refused = exc.status_code or 0
        return run
    except OSError as exc:
        run.error = f"cannot reach {url}: {exc}"
        return run
    sender = _Sender(ws, start, pace, barge_in_after_s)
    try:
        sender.open()
        sender.play(ulaw, dtmf)
        run.closed_by_server = sender.wait_for_close(CLOSE_WAIT_S)
        if not run.closed_by_server:
            sender.stop()
            sender.wait_for_close(CLOSE_WAIT_S)
    except (ConnectionClosed, OSError):  # the server closed while a frame was going out
        run.closed_by_server = True
    finally:
        _close(ws)
        sender.playout.settle()
        run.frames, run.heard, run.spoke_at, run.voice_at = sender.frames, sender.playout.heard, sender.spoke_at, sender.voice_at
    return run


class _Sender:
    def __init__(self, ws, start: StreamStart, pace: float, barge_in_after_s: float | None = None):
        self.ws, self.start, self.pace, self.barge_in_after_s = ws, start, pace, barge_in_after_s
        self.stream_sid = new_sid("MZ")
        self.sequence = 0
        self.frames = 0
        self.playout = Playout(self.stream_sid)
        self.spoke_at: float | None = None
        self.voice_at: float | None = None

    def open(self) -> None:
        self._send({"event": "connected", "protocol": "Call", "version": "1.0.0"}, numbered=False)
        self._send({"event": "start", "start": {
            "accountSid": self.start.account_sid, "streamSid": self.stream_sid, "callSid": self.start.call_sid,
            "tracks": ["inbound"], "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            "customParameters": dict(self.start.parameters)}, "streamSid": self.stream_sid})
        self.playout.listen(self.ws)

    def play(self, ulaw: bytes, dtmf: str) -> None:
        self.playout.wait_for_first(PROMPT_WAIT_S)
        prompted = self._await_turn()
        self.spoke_at = time.monotonic()
        if dtmf:
            if not prompted:
                self._silence(0.2)
                self.spoke_at = time.monotonic()
            self._send({"event": "dtmf", "streamSid": self.stream_sid, "dtmf": {"track": "inbound_track", "digit": dtmf}})
        for offset in range(0, len(ulaw), FRAME_BYTES):
            if not self.ws.connected:
                return
            self._frame(ulaw[offset:offset + FRAME_BYTES].ljust(FRAME_BYTES, ULAW_SILENCE))
        self._silence(TRAILING_SILENCE_S)

    def _await_turn(self) -> bool:
        """Silence while the server's prompt plays, until the caller's moment; True if a prompt was playing."""
        if not self.playout.started:
            return False
        for _ in range(round(MAX_PROMPT_S / FRAME_S)):
            heard = self.playout.heard
            if not self.ws.connected or (self.playout.idle and heard.marks_echoed):
                break
            if self.barge_in_after_s is not None and heard.played_s >= self.barge_in_after_s:
                break
            self._frame(ULAW_SILENCE * FRAME_BYTES)
        return True

    def stop(self) -> None:
        if self.ws.connected:
            self._send({"event": "stop", "stop": {"accountSid": self.start.account_sid, "callSid": self.start.call_sid},
                        "streamSid": self.stream_sid})

    def wait_for_close(self, limit_s: float) -> bool:
        deadline = time.monotonic() + limit_s
        while self.ws.connected and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.ws.connected

    def _silence(self, seconds: float) -> None:
        for _ in range(round(seconds / FRAME_S)):
            if not self.ws.connected:
                return
            self._frame(ULAW_SILENCE * FRAME_BYTES)

    def _frame(self, frame: bytes) -> None:
        self.frames += 1
        media = {"track": "inbound", "chunk": str(self.frames), "timestamp": str(round((self.frames - 1) * FRAME_S * 1000)),
                 "payload": base64.b64encode(frame).decode("ascii")}
        self._send({"event": "media", "media": media, "streamSid": self.stream_sid})
        if self.voice_at is None and self.spoke_at is not None and rms(from_ulaw(frame).pcm) >= VOICE_RMS:
            self.voice_at = time.monotonic()
        for name in self.playout.tick():
            self._send({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}})
        if self.pace:
            time.sleep(FRAME_S / self.pace)

    def _send(self, message: dict, numbered: bool = True) -> None:
        if numbered:
            self.sequence += 1
            message = {"event": message["event"], "sequenceNumber": str(self.sequence),
                       **{k: v for k, v in message.items() if k != "event"}}
        self.ws.send(json.dumps(message))


def _client_class():
    from simple_websocket import Client

    class HostWithPort(Client):
        """simple_websocket leaves a non-default port out of the Host header; Twilio keeps it, and the server
        checks the signature against the URL it rebuilds from Host."""

        def handshake(self):
            if self.port not in (80, 443):
                self.host = f"{self.host}:{self.port}"
            super().handshake()

    return HostWithPort


def _close(ws) -> None:
    try:
        ws.close()
    except Exception:  # noqa: BLE001 - already closed by the server: nothing left to do
        pass

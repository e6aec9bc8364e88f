"""Twilio's side of a bidirectional stream: what the server sends (`media`, `mark`, `clear`) is buffered and played
to the caller in order, 20 ms per frame; a mark is echoed once the audio queued before it has played, and `clear`
drops the buffer and echoes the pending marks at once."""
from __future__ import annotations

import base64
import binascii
import json
import queue
import threading
import time
from dataclasses import dataclass, field

FRAME_BYTES = 160


@dataclass
class Heard:
    """What the caller heard of the server's audio, and how the server behaved doing it."""

    frames_received: int = 0
    frames_played: int = 0
    audio: bytearray = field(default_factory=bytearray)  # every μ-law byte the server sent, in order
    marks_echoed: list = field(default_factory=list)
    cleared: bool = False
    cleared_at: float | None = None          # time.monotonic() when the clear arrived
    played_s_at_clear: float | None = None   # how much of the prompt the caller had heard by then
    media_after_clear: int = 0
    faults: list = field(default_factory=list)  # messages Twilio would discard or refuse

    @property
    def played_s(self) -> float:
        return self.frames_played * FRAME_BYTES / 8000


class Playout:
    """Feed it the server's messages (from a reader thread); `tick()` plays one frame and says what to echo."""

    def __init__(self, stream_sid: str):
        self.stream_sid = stream_sid
        self.heard = Heard()
        self._buffer: list = []  # bytes of audio, or ("mark", name)
        self._inbox: queue.Queue = queue.Queue()
        self._reader: threading.Thread | None = None

    def listen(self, ws) -> threading.Thread:
        """Read the server's messages on a thread of their own, each stamped with its arrival time."""
        def read():
            from simple_websocket import ConnectionClosed
            try:
                while ws.connected:
                    message = ws.receive(timeout=0.1)
                    if message is not None:
                        self._inbox.put((time.monotonic(), message))
            except ConnectionClosed:
                pass
        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        return self._reader

    def settle(self, limit_s: float = 1.0) -> None:
        """The socket is closed: take in whatever the server sent last (a `clear` just before it closed)."""
        if self._reader is not None:
            self._reader.join(limit_s)
        self._drain()

    def wait_for_first(self, limit_s: float) -> None:
        """Give the server a moment to begin its audio (Twilio's caller hears it from the first frame)."""
        try:
            self._take(*self._inbox.get(timeout=limit_s))
        except queue.Empty:
            pass

    def tick(self) -> list[str]:
        """One 20 ms step: take what arrived, play a frame; the names of marks to echo now."""
        echoes = self._drain()
        if self._buffer and isinstance(self._buffer[0], (bytes, bytearray)):
            frame, rest = self._buffer[0][:FRAME_BYTES], self._buffer[0][FRAME_BYTES:]
            self._buffer[0:1] = [rest] if rest else []
            self.heard.frames_played += len(frame) / FRAME_BYTES
        return echoes + self._due_marks()

    @property
    def idle(self) -> bool:
        """Nothing left to play, every mark echoed, nothing more arrived (as of the last tick)."""
        return not self._buffer and self._inbox.empty()

    @property
    def started(self) -> bool:
        return self.heard.frames_received > 0 or bool(self.heard.marks_echoed) or self.heard.cleared

    def _drain(self) -> list[str]:
        echoes = []
        while True:
            try:
                arrived_at, text = self._inbox.get_nowait()
            except queue.Empty:
                return echoes
            echoes += self._take(arrived_at, text)

    def _due_marks(self) -> list[str]:
        echoes = []
        while self._buffer and isinstance(self._buffer[0], tuple):
            echoes.append(self._buffer.pop(0)[1])
        self.heard.marks_echoed += echoes
        return echoes

    def _take(self, arrived_at: float, text) -> list[str]:
        try:
            message = json.loads(text)
        except (TypeError, ValueError):
            self.heard.faults.append(f"not JSON: {str(text)[:80]}")
            return []
        if message.get("streamSid") != self.stream_sid:
            self.heard.faults.append(f"{message.get('event')} without this stream's streamSid")
            return []
        event = message.get("event")
        if event == "media":
            self._media(message)
        elif event == "mark":
            self._buffer.append(("mark", str((message.get("mark") or {}).get("name", ""))))
        elif event == "clear":
            return self._clear(arrived_at)
        else:
            self.heard.faults.append(f"unknown event {event!r}")
        return []

    def _media(self, message: dict) -> None:
        try:
            audio = base64.b64decode((message.get("media") or {}).get("payload", ""), validate=True)
        except (binascii.Error, ValueError, TypeError):
            self.heard.faults.append("media payload is not base64")
            return
        if self.heard.cleared:
            self.heard.media_after_clear += 1
        self.heard.frames_received += len(audio) / FRAME_BYTES
        self.heard.audio += audio
        self._buffer.append(audio)

    def _clear(self, arrived_at: float) -> list[str]:
        marks = [item[1] for item in self._buffer if isinstance(item, tuple)]
        self._buffer.clear()
        if not self.heard.cleared:
            self.heard.cleared, self.heard.cleared_at, self.heard.played_s_at_clear = True, arrived_at, self.heard.played_s
        self.heard.marks_echoed += marks  # tick() echoes them at once
        return marks

"""Reading a Server-Sent Events answer frame by frame (from Flask's test client or a socket), for the tests."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    id: int | None
    event: str
    data: dict | None
    comment: str = ""
    retry: int | None = None


def parse(block: str) -> Frame:
    fields: dict[str, str] = {}
    comment = ""
    for line in block.split("\n"):
        if line.startswith(":"):
            comment = line[1:].strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            fields[name] = value.lstrip(" ")
    return Frame(int(fields["id"]) if "id" in fields else None, fields.get("event", ""),
                 json.loads(fields["data"]) if "data" in fields else None, comment,
                 int(fields["retry"]) if "retry" in fields else None)


class SseReader:
    """Frames from an iterator of byte chunks; `until` reads until a frame matches (a guard stops a hang)."""

    def __init__(self, chunks):
        self.chunks, self.buffer, self.frames = iter(chunks), "", []

    def next_frame(self) -> Frame:
        while "\n\n" not in self.buffer:
            chunk = next(self.chunks)
            self.buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        block, self.buffer = self.buffer.split("\n\n", 1)
        frame = parse(block)
        self.frames.append(frame)
        return frame

    def until(self, wanted, guard_s: float = 20.0) -> list[Frame]:
        """Frames read up to and with the first one for which `wanted(frame)` is true."""
        seen, deadline = [], time.monotonic() + guard_s
        while time.monotonic() < deadline:
            frame = self.next_frame()
            seen.append(frame)
            if wanted(frame):
                return seen
        raise AssertionError(f"no wanted frame within {guard_s} s; read {seen}")

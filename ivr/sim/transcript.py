"""What happened on a simulated call: readable lines for people, structured entries and requests for tests."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

HTTP = "http"  # request lines: kept, shown only in verbose transcripts


@dataclass(frozen=True)
class Entry:
    """One thing the caller heard or did, or one thing Twilio did: `kind` names it, `line` shows it."""

    kind: str
    line: str
    said: str = ""  # the spoken text of a `say` entry


@dataclass(frozen=True)
class RequestRecord:
    """One request the simulator sent, as Twilio would have sent it (the public URL)."""

    method: str
    url: str
    params: dict
    status: int
    content_type: str


class Transcript:
    """Collects entries; `on_entry` sees each as it happens (the terminal prints them live)."""

    def __init__(self, on_entry: Callable[[Entry], None] | None = None):
        self.entries: list[Entry] = []
        self.on_entry = on_entry

    def add(self, kind: str, line: str, said: str = "") -> None:
        entry = Entry(kind, line, said)
        self.entries.append(entry)
        if self.on_entry is not None:
            self.on_entry(entry)


@dataclass
class CallResult:
    """The outcome of one simulated call."""

    call_sid: str
    entries: list[Entry] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    ended_normally: bool = False
    end_reason: str = ""
    error: str | None = None
    duration_s: int = 0
    script_problem: str | None = None  # the script did not fit the call (a recording where keys were asked)
    recordings: list = field(default_factory=list)  # the Recording of every <Record> that kept audio

    @property
    def lines(self) -> list[str]:
        return [e.line for e in self.entries if e.kind != HTTP]

    @property
    def said_texts(self) -> list[str]:
        return [e.said for e in self.entries if e.kind == "say"]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def to_dict(self) -> dict:
        body = asdict(self)
        body.update(lines=self.lines, said_texts=self.said_texts)
        return body

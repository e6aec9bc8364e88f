"""Events: what Twilio (or the shell) reported about a call, as past-tense facts the engine reacts to."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CallStarted:
    caller: str
    called: str


@dataclass(frozen=True)
class DigitsEntered:
    """Keys the caller pressed (may be junk: the node decides what is valid)."""

    digits: str


@dataclass(frozen=True)
class NoInput:
    """A prompt timed out with no key pressed."""


@dataclass(frozen=True)
class DialEnded:
    """A transfer's dial finished; `status` is Twilio's DialCallStatus."""

    status: str
    duration_s: int = 0


@dataclass(frozen=True)
class HttpFetched:
    """The shell fetched an http node's URL: `ok` with the decoded JSON, or not with a reason."""

    ok: bool
    status: int = 0
    data: Any = None
    reason: str = ""


@dataclass(frozen=True)
class RecordingMade:
    """A voicemail recording finished; `url` is empty when nothing was recorded."""

    url: str
    duration_s: int = 0
    finished_on: str = ""
    sid: str = ""


@dataclass(frozen=True)
class SpeechHeard:
    """What the shell recognised and matched against the phrases the node offered.

    `option` is the key the matched phrase stands for (None: nothing matched); `confident` says the
    match is sure enough to act on without asking the caller to confirm.
    """

    transcript: str
    confidence: float = 0.0
    option: str | None = None
    phrase: str = ""
    score: float = 0.0
    confident: bool = False


@dataclass(frozen=True)
class QueueLeft:
    """The caller left the queue: `assigned` (ring `contact`), `overflowed` or `hangup`."""

    outcome: str
    contact: str = ""
    ring_timeout_s: int = 20
    entry: int = 0


@dataclass(frozen=True)
class CallResumed:
    """Ask the current node to say again what it is waiting for (a stale or repeated request)."""


Event = CallStarted | DigitsEntered | NoInput | DialEnded | HttpFetched | RecordingMade | SpeechHeard | QueueLeft | CallResumed


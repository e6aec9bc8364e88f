"""Events: what Twilio reported about a call, as past-tense facts the engine reacts to."""
from __future__ import annotations

from dataclasses import dataclass


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
class CallResumed:
    """Ask the current node to say again what it is waiting for (a stale or repeated request)."""


Event = CallStarted | DigitsEntered | NoInput | DialEnded | CallResumed

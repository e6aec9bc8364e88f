"""Instructions: what the engine tells the telephony layer to do, as verbs echoing TwiML."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    text: str
    language: str


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Gather:
    """Play `prompts` while collecting keys; the answer comes back as DigitsEntered or NoInput."""

    prompts: tuple[Say | Play, ...]
    timeout_s: float
    num_digits: int | None = None
    finish_on_key: str = "#"


@dataclass(frozen=True)
class Dial:
    """Bridge the caller to `number`; the outcome comes back as DialEnded."""

    number: str
    timeout_s: int
    caller_id: str | None = None


@dataclass(frozen=True)
class Hangup:
    pass


Instruction = Say | Play | Gather | Dial | Hangup

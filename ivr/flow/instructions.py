"""Instructions: what the engine tells the shell to do, as verbs echoing TwiML (plus FetchJson)."""
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
class Listen:
    """The phrases a caller may say instead of pressing a key: option key -> phrases, in `language`."""

    language: str
    options: tuple[tuple[str, tuple[str, ...]], ...]

    def as_dict(self) -> dict[str, list[str]]:
        return {key: list(phrases) for key, phrases in self.options}


@dataclass(frozen=True)
class Gather:
    """Play `prompts` while collecting keys (and speech when `listen` is set).

    The answer comes back as DigitsEntered, SpeechHeard or NoInput.
    """

    prompts: tuple[Say | Play, ...]
    timeout_s: float
    num_digits: int | None = None
    finish_on_key: str = "#"
    listen: Listen | None = None


@dataclass(frozen=True)
class Dial:
    """Bridge the caller to `number`; the outcome comes back as DialEnded."""

    number: str
    timeout_s: int
    caller_id: str | None = None


@dataclass(frozen=True)
class Record:
    """Record the caller (voicemail); the outcome comes back as RecordingMade."""

    max_length_s: int
    silence_timeout_s: int
    finish_on_key: str
    beep: bool


@dataclass(frozen=True)
class FetchJson:
    """Not for Twilio: the shell fetches this now and steps again with HttpFetched."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, str], ...] | None
    timeout_s: float


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class Enqueue:
    """File the caller in `queue` needing `skills` (the shell adds the entry id); QueueLeft comes back."""

    queue: str
    skills: tuple[tuple[str, int], ...]
    priority: int
    variables: tuple[tuple[str, str], ...]
    whisper: str
    language: str
    entry: int | None = None
    callback_at_opening: bool = False  # file a callback due at the queue's next opening, not a caller on hold


@dataclass(frozen=True)
class DialAgent:
    """Ring the agent assigned to queue entry `entry`; the outcome comes back as DialEnded."""

    contact: str
    timeout_s: int
    entry: int
    record: str = ""  # "agent_leg": record the bridged call (dual channel); set by the shell from the policy


@dataclass(frozen=True)
class StartRecording:
    """Start recording the whole call now (dual channel); the shell adds it when the recording policy says so."""


Instruction = Say | Play | Gather | Dial | Record | FetchJson | Hangup | Enqueue | DialAgent | StartRecording

"""Nodes that reach outside the flow: a phone number, a call queue, a web service, a recording, a survey."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..base import Prompt, Strict, check_variable_name, check_variable_names


class TransferNode(Strict):
    """Dial a number (variables allowed) and bridge the caller to it."""

    kind: Literal["transfer"]
    number: str
    prompt: Prompt | None = None
    timeout_s: int = Field(30, ge=5, le=600)
    caller_id: str | None = None
    on_failure: str | None = None
    next: str | None = None


class EnqueueNode(Strict):
    """Wait in a call queue for an agent with the skills; `next` after the agent's call, `on_overflow` when none came."""

    kind: Literal["enqueue"]
    queue: str
    skills: dict[str, int] = Field(default_factory=dict)
    priority: int = Field(0, ge=0, le=100)
    carry: list[str] = Field(default_factory=list)
    prompt: Prompt | None = None
    whisper: Prompt | None = None
    next: str | None = None
    on_overflow: str | None = None
    record: Literal["none", "agent_leg", "whole_call"] | None = None  # None: the queue's `record` (queues.yaml)
    callback_at_opening: bool = False  # closed: the caller confirms a number and is called back at the next opening

    @field_validator("skills")
    @classmethod
    def levels_in_range(cls, skills: dict) -> dict:
        for skill, level in skills.items():
            if not 1 <= level <= 10:
                raise ValueError(f"skill {skill!r}: level {level} is out of range (1 to 10)")
        return skills

    @field_validator("carry")
    @classmethod
    def names_ok(cls, names: list) -> list:
        for name in names:
            check_variable_name(name)
        return names

    @model_validator(mode="after")
    def callback_ends_the_call(self):
        """A callback at opening ends the call once the number is confirmed: nothing after it is ever reached."""
        unused = [name for name in ("next", "on_overflow", "record") if getattr(self, name) is not None]
        if self.callback_at_opening and unused:
            raise ValueError(f"callback_at_opening: the caller hangs up once the callback is filed, so "
                             f"{', '.join(unused)} would never be used; leave {'them' if len(unused) > 1 else 'it'} out")
        return self


class HttpNode(Strict):
    """Fetch JSON from a URL and map fields to variables; `on_failure` when it fails."""

    kind: Literal["http"]
    url: str
    method: Literal["GET", "POST"] = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, str] | None = None
    timeout_s: float = Field(3, gt=0, le=8)
    map: dict[str, str] = Field(default_factory=dict)
    prompt: Prompt | None = None
    next: str
    on_failure: str

    _names = field_validator("map")(classmethod(lambda cls, v: check_variable_names(v)))


class VoicemailNode(Strict):
    """Record a message, kept with the call for later handling."""

    kind: Literal["voicemail"]
    prompt: Prompt | None = None
    max_length_s: int = Field(120, ge=5, le=3600)
    silence_timeout_s: int = Field(5, ge=1, le=60)
    finish_on_key: str = "#"
    beep: bool = True
    next: str | None = None
    on_empty: str | None = None  # where to go when nothing was recorded (default: next)


class Question(Strict):
    id: str
    prompt: Prompt
    type: Literal["scale", "yes_no"] = "scale"


class SurveyNode(Strict):
    """After-call questions answered 1-5 or yes (1) / no (2), stored per call."""

    kind: Literal["survey"]
    name: str
    questions: list[Question] = Field(min_length=1)
    intro: Prompt | None = None
    invalid_prompt: Prompt | None = None
    timeout_s: float = Field(5, gt=0, le=30)
    next: str | None = None

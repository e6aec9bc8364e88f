"""The node kinds a flow is made of, each with its fields and defaults (see docs/flows.md)."""
from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator

from .base import DTMF_KEYS, Prompt, Strict, check_timezone, check_variable_name
from .queueing import EnqueueNode
from .schedule import Closure, Holiday, Weekly, parse_days, parse_intervals


def _variable_names(mapping: dict) -> dict:
    """A mapping whose keys become call variables: each key must be a variable name."""
    for name in mapping:
        check_variable_name(name)
    return mapping


class SayNode(Strict):
    """Speak a text or play an audio URL, then go on to `next` (or end the call)."""

    kind: Literal["say"]
    text: Prompt | None = None
    play: Prompt | None = None
    next: str | None = None


class MenuOption(Strict):
    """Where a key (or a phrase the caller says) leads; `language` switches the caller's language."""

    to: str
    language: str | None = None
    phrases: dict[str, list[str]] = Field(default_factory=dict)  # language -> what a caller may say


class MenuNode(Strict):
    """Ask for a key (or a short key sequence) and branch on it."""

    kind: Literal["menu"]
    prompt: Prompt
    short_prompt: Prompt | None = None
    options: dict[str, Union[str, MenuOption]]
    timeout_s: float = Field(5, gt=0, le=60)
    digit_timeout_s: float = Field(3, gt=0, le=30)
    max_invalid: int = Field(3, ge=1, le=10)
    max_no_input: int = Field(3, ge=1, le=10)
    invalid_prompt: Prompt | None = None
    no_input_prompt: Prompt | None = None
    fallback: str | None = None
    back: bool = True
    repeat: bool = True
    speech: bool = True  # listen for the options' phrases too (when the server has a speech model)

    @field_validator("options")
    @classmethod
    def keys_are_dtmf(cls, options: dict) -> dict:
        if not options:
            raise ValueError("a menu needs at least one option")
        for key in options:
            if not DTMF_KEYS.match(key):
                raise ValueError(f"option key {key!r} is not made of keypad keys (0-9, * and #)")
        return options

    def target(self, key: str) -> MenuOption | None:
        option = self.options.get(key)
        return MenuOption(to=option) if isinstance(option, str) else option

    @property
    def longest_key(self) -> int:
        return max(map(len, self.options))

    def phrases(self, language: str) -> dict[str, list[str]]:
        """Option key -> the phrases that choose it in `language` (empty when the menu takes keys only)."""
        if not self.speech:
            return {}
        found = {key: self.target(key).phrases.get(language, []) for key in self.options}
        return {key: phrases for key, phrases in found.items() if phrases}


class GatherNode(Strict):
    """Collect digits into a variable: a fixed count, or up to `finish_on_key`."""

    kind: Literal["gather"]
    prompt: Prompt
    variable: str
    next: str
    num_digits: int | None = Field(None, ge=1, le=64)
    max_digits: int = Field(32, ge=1, le=64)
    finish_on_key: Literal["#", "*", ""] = "#"
    pattern: str | None = None
    timeout_s: float = Field(5, gt=0, le=60)
    max_tries: int = Field(3, ge=1, le=10)
    invalid_prompt: Prompt | None = None
    no_input_prompt: Prompt | None = None
    fallback: str | None = None
    sensitive: bool = False

    @field_validator("pattern")
    @classmethod
    def pattern_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return pattern

    _variable = field_validator("variable")(classmethod(lambda cls, v: check_variable_name(v)))


class GotoNode(Strict):
    """Jump to another node."""

    kind: Literal["goto"]
    to: str


class TransferNode(Strict):
    """Dial a number (variables allowed) and bridge the caller to it."""

    kind: Literal["transfer"]
    number: str
    prompt: Prompt | None = None
    timeout_s: int = Field(30, ge=5, le=600)
    caller_id: str | None = None
    on_failure: str | None = None
    next: str | None = None


class HangupNode(Strict):
    """Say goodbye (optional) and end the call."""

    kind: Literal["hangup"]
    prompt: Prompt | None = None


class HoursNode(Strict):
    """Branch on business hours: a weekly schedule in a time zone, holidays and special closures."""

    kind: Literal["hours"]
    timezone: str | None = None
    weekly: Weekly
    holidays: list[Holiday] = Field(default_factory=list)
    closures: list[Closure] = Field(default_factory=list)
    open: str
    closed: str

    _tz = field_validator("timezone")(classmethod(lambda cls, v: check_timezone(v)))


class Condition(Strict):
    """A switch case's test; every field given must hold."""

    variable: str | None = None
    equals: str | None = None
    not_equals: str | None = None
    one_of: list[str] | None = None
    matches: str | None = None
    present: bool | None = None
    caller_in: str | list[str] | None = None
    language: str | None = None
    between: str | None = None
    weekdays: list[str] | None = None

    @field_validator("between")
    @classmethod
    def between_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_intervals(value)
        return value

    @field_validator("weekdays")
    @classmethod
    def weekdays_parse(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:
            parse_days(name)
        return value

    @field_validator("matches")
    @classmethod
    def matches_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"matches is not a valid regular expression: {exc}") from None
        return pattern


class Case(Strict):
    when: Condition
    to: str


class SwitchNode(Strict):
    """Go to the first case whose condition holds, else `default`."""

    kind: Literal["switch"]
    cases: list[Case] = Field(min_length=1)
    default: str


class SetNode(Strict):
    """Assign variables (templates allowed), then go on."""

    kind: Literal["set"]
    values: dict[str, str]
    next: str

    _names = field_validator("values")(classmethod(lambda cls, v: _variable_names(v)))


class SubflowNode(Strict):
    """Run another flow's nodes (a reusable part); its `return` node comes back to `next`."""

    kind: Literal["subflow"]
    flow: str
    next: str | None = None


class ReturnNode(Strict):
    """End a subflow: continue at the calling subflow node's `next`."""

    kind: Literal["return"]


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

    _names = field_validator("map")(classmethod(lambda cls, v: _variable_names(v)))


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


Node = Annotated[
    Union[SayNode, MenuNode, GatherNode, GotoNode, TransferNode, HangupNode, HoursNode, SwitchNode,
          SetNode, SubflowNode, ReturnNode, HttpNode, VoicemailNode, SurveyNode, EnqueueNode],
    Field(discriminator="kind"),
]

NODE_KINDS = ("say", "menu", "gather", "goto", "transfer", "hangup", "hours", "switch", "set", "subflow",
              "return", "http", "voicemail", "survey", "enqueue")

"""Typed flow models: what a supervisor writes in a flow YAML file, checked field by field."""
from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

DTMF_KEYS = re.compile(r"^[0-9*#]+$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

# A prompt is one text for every language, or a text per language code.
Prompt = Union[str, dict[str, str]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SayNode(Strict):
    """Speak a text or play an audio URL, then go on to `next` (or end the call)."""

    kind: Literal["say"]
    text: Prompt | None = None
    play: Prompt | None = None
    next: str | None = None


class MenuOption(Strict):
    """Where a key leads; `language` switches the caller's language on the way."""

    to: str
    language: str | None = None


class MenuNode(Strict):
    """Ask for one key (or a short key sequence) and branch on it."""

    kind: Literal["menu"]
    prompt: Prompt
    options: dict[str, Union[str, MenuOption]]
    timeout_s: float = Field(5, gt=0, le=60)
    max_invalid: int = Field(3, ge=1, le=10)
    max_no_input: int = Field(3, ge=1, le=10)
    invalid_prompt: Prompt | None = None
    no_input_prompt: Prompt | None = None
    fallback: str | None = None

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
        if isinstance(option, str):
            return MenuOption(to=option)
        return option


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

    @field_validator("variable")
    @classmethod
    def variable_is_a_name(cls, variable: str) -> str:
        if not NAME.match(variable):
            raise ValueError(f"variable name {variable!r} must be letters, digits, _ or - and not start with a digit")
        return variable


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


Node = Annotated[
    Union[SayNode, MenuNode, GatherNode, GotoNode, TransferNode, HangupNode],
    Field(discriminator="kind"),
]

NODE_KINDS = ("say", "menu", "gather", "goto", "transfer", "hangup")


class Flow(Strict):
    """A whole call flow: its nodes, where it starts, which numbers and languages it serves."""

    name: str
    start: str
    nodes: dict[str, Node]
    languages: list[str] = Field(default_factory=lambda: ["ko"], min_length=1)
    numbers: list[str] = Field(default_factory=list)
    default: bool = False
    variables: dict[str, str] = Field(default_factory=dict)
    version: str = ""
    path: str = ""

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def node(self, name: str):
        return self.nodes[name]

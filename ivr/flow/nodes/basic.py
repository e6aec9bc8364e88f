"""Nodes that speak, collect digits, set variables, jump or end the call."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from ..base import Prompt, Strict, check_variable_name, check_variable_names


class SayNode(Strict):
    """Speak a text or play an audio URL, then go on to `next` (or end the call)."""

    kind: Literal["say"]
    text: Prompt | None = None
    play: Prompt | None = None
    next: str | None = None


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


class HangupNode(Strict):
    """Say goodbye (optional) and end the call."""

    kind: Literal["hangup"]
    prompt: Prompt | None = None


class SetNode(Strict):
    """Assign variables (templates allowed), then go on."""

    kind: Literal["set"]
    values: dict[str, str]
    next: str

    _names = field_validator("values")(classmethod(lambda cls, v: check_variable_names(v)))

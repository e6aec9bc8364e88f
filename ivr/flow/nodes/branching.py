"""Nodes that choose the way without asking the caller: business hours, switch cases, subflows."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from callqueue.configfiles.checks import check_timezone

from ..base import Strict
from ..schedule import Closure, Holiday, Weekly, parse_days, parse_intervals


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


class SubflowNode(Strict):
    """Run another flow's nodes (a reusable part); its `return` node comes back to `next`."""

    kind: Literal["subflow"]
    flow: str
    next: str | None = None


class ReturnNode(Strict):
    """End a subflow: continue at the calling subflow node's `next`."""

    kind: Literal["return"]

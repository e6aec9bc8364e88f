"""The flow test file: cases a supervisor writes beside the flows (flows/tests/*.yaml), as strict models."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, model_validator

from ..flow.base import Strict
from ..sim.caller import check_item

DialStatus = Literal["completed", "answered", "busy", "no-answer", "failed", "canceled"]
Scalar = Union[str, bool, int, float]
AT_EXAMPLE = "2026-03-02T10:00:00+09:00"


def _press_item(value: Any) -> str:
    """One keypad answer or recording; a lone digit read by YAML as a number is fine, longer numbers are not."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9:
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} was read as a number, which loses leading zeros; put it in quotes")
    check_item(value.strip())
    return value.strip()


def _moment(value: Any) -> datetime:
    """An aware datetime from YAML's own timestamp or an ISO string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time like {AT_EXAMPLE}") from None
    if not isinstance(value, datetime):
        raise ValueError(f"needs a date, a time and a UTC offset, like {AT_EXAMPLE}")
    if value.tzinfo is None:
        raise ValueError(f"needs a UTC offset, like {AT_EXAMPLE}")
    return value


Press = Annotated[str, BeforeValidator(_press_item)]
Phrase = Annotated[str, Field(min_length=1)]
Moment = Annotated[datetime, BeforeValidator(_moment)]


class CannedAnswer(Strict):
    """What an http node gets instead of calling the URL: JSON with a status, or a network `error`."""

    status: int = Field(200, ge=100, le=599)
    body: Any = Field(None, alias="json")
    error: str | None = None


class Defaults(Strict):
    """Values every case of the file starts with."""

    from_number: str | None = Field(None, alias="from")
    to: str | None = None
    at: Moment | None = None
    dial_status: DialStatus | None = None


class Case(Strict):
    """One scripted call and what must be true of it."""

    name: str = Field(min_length=1)
    from_number: str | None = Field(None, alias="from")
    to: str | None = None
    at: Moment | None = None
    press: list[Press] = Field(default_factory=list)
    dial_status: DialStatus | None = None
    http: dict[str, CannedAnswer] = Field(default_factory=dict)
    hears: list[Phrase] = Field(default_factory=list)
    not_hears: list[Phrase] = Field(default_factory=list)
    ends_at: str | None = None
    variables: dict[str, Scalar] = Field(default_factory=dict)
    voicemail_s: int | None = Field(None, ge=0)
    survey: dict[str, Scalar | None] | None = None
    agents_free_after_s: int | None = Field(None, ge=0)  # agents offline until this long after the caller hung up
    agent_hears: list[Phrase] = Field(default_factory=list)  # what an agent hears (a callback's whisper), in order

    @model_validator(mode="after")
    def checks_something(self) -> "Case":
        checks = (self.hears, self.not_hears, self.ends_at, self.variables, self.voicemail_s, self.survey,
                  self.agent_hears)
        if all(check is None or check == [] or check == {} for check in checks):
            raise ValueError("a case needs something to check: hears, not_hears, ends_at, variables, "
                             "voicemail_s, survey or agent_hears")
        return self


class TestFile(Strict):
    """A file of cases; `flow` names the flow they are about (its first number is dialed unless `to` says)."""

    __test__ = False  # not a pytest class

    flow: str | None = None
    defaults: Defaults = Defaults()
    cases: list[Case] = Field(min_length=1)

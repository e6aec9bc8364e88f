"""Queue settings: what a supervisor writes in queues.yaml, checked field by field."""
from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from callqueue.configfiles.checks import check_timezone

SKILL_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


def _level(value: int) -> int:
    if not 1 <= value <= 10:
        raise ValueError(f"level {value} is out of range: a skill level is from 1 to 10")
    return value


def _skill_name(name: str) -> str:
    if not SKILL_NAME.match(name):
        raise ValueError(f"skill name {name!r} must be lowercase letters, digits, '-' or '_' (say billing, ko)")
    return name


Level = Annotated[int, Field(strict=True), AfterValidator(_level)]
SkillName = Annotated[str, AfterValidator(_skill_name)]
Skills = dict[SkillName, Level]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Strategy(StrEnum):
    """How the router picks among agents who have every required skill."""

    LONGEST_IDLE = "longest_idle"
    FEWEST_CALLS = "fewest_calls"
    HIGHEST_SKILL = "highest_skill"
    ROUND_ROBIN = "round_robin"


class Escalation(Strict):
    """After `after_s` seconds of waiting: lower minimum levels, drop skills, or add other queues' agents.

    Steps add up: a caller who waited past the second step has both steps' widening.
    """

    after_s: float = Field(gt=0)
    min_levels: Skills = Field(default_factory=dict)
    drop_skills: list[SkillName] = Field(default_factory=list)
    add_queues: list[str] = Field(default_factory=list)


CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _code(value: str) -> str:
    if not CODE.match(value):
        raise ValueError(f"code {value!r} must be 1 to 32 lowercase letters, digits, '-' or '_', starting with a letter")
    return value


def _labels(value: dict[str, str]) -> dict[str, str]:
    if not value:
        raise ValueError("give a label in at least one language, say {ko: 식사, en: lunch}")
    empty = [lang for lang, text in value.items() if not text.strip()]
    if empty:
        raise ValueError(f"the {', '.join(empty)} label is empty")
    return value


class Labelled(Strict):
    """A code the database keeps, with what people read in each language (ko, en ...)."""

    code: Annotated[str, AfterValidator(_code)]
    labels: Annotated[dict[SkillName, str], AfterValidator(_labels)]

    def label(self, language: str) -> str:
        """The label in `language`, else English, else any."""
        return self.labels.get(language) or self.labels.get("en") or next(iter(self.labels.values()))


def _unique(items: list[Labelled]) -> list[Labelled]:
    codes = [item.code for item in items]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ValueError(f"code {', '.join(twice)} is listed more than once")
    return items


Codes = Annotated[list[Labelled], AfterValidator(_unique)]
DEFAULT_BREAK_REASONS = (
    Labelled(code="lunch", labels={"ko": "식사", "en": "Lunch"}),
    Labelled(code="training", labels={"ko": "교육", "en": "Training"}),
    Labelled(code="meeting", labels={"ko": "회의", "en": "Meeting"}),
    Labelled(code="rest", labels={"ko": "휴식", "en": "Rest"}),
)
DEFAULT_DISPOSITIONS = (
    Labelled(code="resolved", labels={"ko": "해결됨", "en": "Resolved"}),
    Labelled(code="follow_up", labels={"ko": "재문의 필요", "en": "Follow-up needed"}),
    Labelled(code="complaint", labels={"ko": "불만 접수", "en": "Complaint"}),
    Labelled(code="refund", labels={"ko": "환불 처리", "en": "Refund"}),
)


class CallbackMode(StrEnum):
    """Who is called first when a callback's turn comes: the agent (who hears the context), or the caller."""

    AGENT_FIRST = "agent_first"
    CALLER_FIRST = "caller_first"


class Callback(Strict):
    """A queue's callback offer ("virtual hold"): the caller keeps its place and is called back in its turn.

    Offered once the caller waited `offer_after_s`, or at once when the announced estimate is `min_estimate_s`
    or more; `digit` takes it. An unanswered callback is tried again after `retry_gap_s`, `max_attempts` in all.
    """

    offer_after_s: float = Field(60, ge=0)
    min_estimate_s: float | None = Field(None, ge=0)
    digit: str = Field("1", pattern=r"^[0-9*#]$")
    max_attempts: int = Field(3, ge=1, le=10)
    retry_gap_s: float = Field(300, ge=10, le=86400)
    mode: CallbackMode = CallbackMode.AGENT_FIRST
    ring_timeout_s: float = Field(25, ge=5, le=120)


class Queue(Strict):
    """One queue: which agents may take its calls, how one is picked, and how long callers wait."""

    name: str
    skills: Skills = Field(default_factory=dict)
    strategy: Strategy = Strategy.LONGEST_IDLE
    service_level_s: float = Field(20, gt=0)
    service_level_pct: float = Field(80, gt=0, le=100)
    hold_prompts: dict[str, str] = Field(default_factory=dict)
    hold_music: str | None = None
    hold_music_s: float = Field(60, gt=0, le=1800)  # how long one play of hold_music lasts (a wait segment)
    max_wait_s: float | None = Field(None, gt=0)
    overflow_to: str | None = None
    wrap_up_s: float = Field(0, ge=0, le=3600)
    ring_timeout_s: float = Field(20, gt=0, le=120)
    escalations: list[Escalation] = Field(default_factory=list)
    dispositions: Codes = Field(default_factory=lambda: list(DEFAULT_DISPOSITIONS), min_length=1)  # wrap-up codes
    record: Literal["none", "agent_leg", "whole_call"] = "none"  # call recording once an agent is connected
    callback: Callback | None = None  # None: no callback offer
    resume_within_s: float | None = Field(None, gt=0, le=86400)  # a caller who hung up and calls again keeps its place
    abandon_ignore_s: float | None = Field(None, ge=0, le=3600)  # service level: shorter abandons not counted (None: the target)


class Announcement(Strict):
    """What a waiting caller hears in one language, by the callers ahead of it, then the expected wait.

    `ahead` fills in `{ahead}` (2 or more callers); `estimate` fills in `{minutes}`; `estimate_one`, when
    given, is said instead for about one minute (for languages with a singular: "about 1 minute").
    """

    next: str = "You are next in line."
    one_ahead: str = "There is 1 caller ahead of you."
    ahead: str = "There are {ahead} callers ahead of you."
    estimate: str = "Your expected wait is about {minutes} minutes."
    estimate_one: str | None = None
    callback_offer: str = "Press {digit} to keep your place and be called back."
    welcome_back: str = "Welcome back, you keep your place."
    callback_number: str = "We will call you back at {number}. Press 1 to confirm, or 2 to enter another number."
    callback_enter: str = "Enter the number to call, then press the pound key."
    callback_invalid: str = "That number is not valid."
    callback_when: str = "Press 1 to be called back as soon as possible, or 2 to choose a time."
    callback_slot: str = "Press {key} for {time}."
    callback_done: str = "Thank you. We will call you back at {number} {when}, keeping your place. Goodbye."
    callback_asap: str = "as soon as it is your turn"
    callback_at: str = "from {time}"
    callback_connecting: str = "This is your callback. Connecting you to {queue}."
    callback_whisper: str = "Callback. {context}"
    callback_time: str = "%A %H:%M"  # how a slot is said (strftime, in the center's time zone)

    @model_validator(mode="before")
    @classmethod
    def _no_position(cls, data):
        if isinstance(data, dict) and "position" in data:
            raise ValueError("'position' is replaced by next, one_ahead and ahead ({ahead}): callers are told "
                             "how many are ahead of them, not their number in line")
        return data

    def news(self, ahead: int, estimate_s: float | None) -> list[str]:
        """The sentences for a caller with `ahead` callers before it, and the wait expected (None: not said)."""
        said = [self.next if ahead <= 0 else self.one_ahead if ahead == 1 else self.ahead.format(ahead=ahead)]
        if estimate_s is not None:
            minutes = max(1, math.ceil(estimate_s / 60))
            one = minutes == 1 and self.estimate_one is not None
            said.append(self.estimate_one if one else self.estimate.format(minutes=minutes))
        return said


class QueueConfig(Strict):
    """Every queue, the language codes (which are also skill names) callers can choose, and the wait announcements.

    `timezone` is the center's (an IANA name): reports, call-back lists and agents' days use it (UTC when unset).
    `break_reasons` are what an agent on break may give as the reason (a default list when none is written).
    """

    languages: list[SkillName] = Field(default_factory=list)
    announcements: dict[SkillName, Announcement] = Field(default_factory=dict)
    timezone: Annotated[str, AfterValidator(check_timezone)] = "UTC"
    queues: dict[str, Queue]
    break_reasons: Codes = Field(default_factory=lambda: list(DEFAULT_BREAK_REASONS), min_length=1)
    callback_queue: str | None = None  # where a voicemail's call-back waits for an agent (the first queue when unset)

    @model_validator(mode="after")
    def callback_queue_known(self):
        if self.callback_queue is not None and self.callback_queue not in self.queues:
            raise ValueError(f"callback_queue {self.callback_queue!r} is not one of the queues ({', '.join(self.queues)})")
        return self

    def dispositions(self, queue: str) -> list[Labelled]:
        """The wrap-up codes of `queue` (the default list for a queue queues.yaml does not define)."""
        known = self.queues.get(queue)
        return list(known.dispositions) if known is not None else list(DEFAULT_DISPOSITIONS)

    def break_reason(self, code: str) -> Labelled | None:
        return next((reason for reason in self.break_reasons if reason.code == code), None)

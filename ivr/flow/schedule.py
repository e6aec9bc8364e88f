"""Business hours: weekly opening times in a time zone, holidays and special closures (pure)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

from .base import Strict

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_days(key: str) -> list[int]:
    """'mon-fri' -> [0..4]; 'sat' -> [5]; 'sat,sun' -> [5, 6]."""
    days: list[int] = []
    for part in key.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"{key!r} is not a day or a range of days (mon, tue, … sun; mon-fri)")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days += list(range(start, end + 1)) if start <= end else [*range(start, 7), *range(0, end + 1)]
    return days


def parse_intervals(text: str) -> list[tuple[time, time]]:
    """'09:00-12:00, 13:00-18:00' -> [(9:00, 12:00), (13:00, 18:00)]; 'closed' -> []."""
    if text.strip().lower() == "closed":
        return []
    intervals = []
    for part in text.split(","):
        match = INTERVAL.match(part)
        if not match:
            raise ValueError(f"{part.strip()!r} is not a time range like 09:00-18:00")
        h1, m1, h2, m2 = map(int, match.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
            raise ValueError(f"{part.strip()!r} has an impossible time")
        intervals.append((_time(h1, m1), _time(h2, m2)))
    return intervals


def _time(hour: int, minute: int) -> time:
    return time.max if hour == 24 else time(hour, minute)


def _weekly(value: dict[str, str]) -> dict[str, str]:
    for key, hours in value.items():
        parse_days(key)
        parse_intervals(hours)
    return value


Weekly = Annotated[dict[str, str], AfterValidator(_weekly)]
Hours = Annotated[str, AfterValidator(lambda v: (parse_intervals(v), v)[1])]


class Holiday(Strict):
    """A date the center is closed all day."""

    date: date
    name: str = ""


class Closure(Strict):
    """A date with special hours (`hours`), or closed all day when `hours` is left out."""

    date: date
    hours: Hours = "closed"
    name: str = ""


def within(intervals: list[tuple[time, time]], moment: time) -> bool:
    """True when `moment` falls in one interval; an interval ending before it starts runs past midnight."""
    for start, end in intervals:
        if start <= end and start <= moment < end:
            return True
        if start > end and (moment >= start or moment < end):
            return True
    return False


def is_open(weekly: dict[str, str], holidays: list[Holiday], closures: list[Closure], tz: str, now: datetime) -> bool:
    """Whether the center is open at `now` (an aware datetime) by its local clock in `tz`."""
    local = now.astimezone(ZoneInfo(tz))
    today, moment = local.date(), local.time()
    if any(h.date == today for h in holidays):
        return False
    special = [c for c in closures if c.date == today]
    if special:
        return any(within(parse_intervals(c.hours), moment) for c in special)
    return within(_hours_on(weekly, local.weekday()), moment)


def _hours_on(weekly: dict[str, str], weekday: int) -> list[tuple[time, time]]:
    hours: list[tuple[time, time]] = []
    for key, text in weekly.items():
        if weekday in parse_days(key):
            hours = parse_intervals(text)  # a later, more specific line wins (e.g. 'fri' after 'mon-fri')
    return hours


def day_name(moment: datetime, tz: str) -> str:
    return DAYS[moment.astimezone(ZoneInfo(tz)).weekday()]


def next_open(weekly: dict[str, str], holidays: list[Holiday], closures: list[Closure], tz: str, now: datetime,
              step_minutes: int = 5, horizon_days: int = 14) -> datetime | None:
    """The first moment at or after `now` the center is open (checked every `step_minutes` on the local clock,
    so openings on the quarter hour are found exactly); None when it stays closed for `horizon_days`."""
    if is_open(weekly, holidays, closures, tz, now):
        return now
    moment = now.replace(second=0, microsecond=0)
    moment += timedelta(minutes=step_minutes - moment.minute % step_minutes)
    for _ in range(horizon_days * 24 * 60 // step_minutes):
        if is_open(weekly, holidays, closures, tz, moment):
            return moment
        moment += timedelta(minutes=step_minutes)
    return None

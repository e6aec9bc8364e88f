"""Periods a supervisor asks for (a day, a week, a range of dates in the center's time zone) as UTC instants."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .errors import BadRequest

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """From the start of `first` to the end of `last` (whole days in `zone`), as UTC instants [start, end)."""

    first: date
    last: date
    zone: str
    start: datetime
    end: datetime

    def json(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "timezone": self.zone,
                "start": self.start.isoformat(), "end": self.end.isoformat()}


def day_of(moment: datetime, zone: str) -> date:
    """The date `moment` falls on in `zone`."""
    return moment.astimezone(ZoneInfo(zone)).date()


def period(first: date, last: date, zone: str) -> Period:
    if last < first:
        raise BadRequest(f"to ({last}) is before from ({first})")
    if (last - first).days >= MAX_DAYS:
        raise BadRequest(f"a period is at most {MAX_DAYS} days")
    return Period(first, last, zone, _midnight(first, zone), _midnight(last + timedelta(days=1), zone))


def parse(raw_from: str | None, raw_to: str | None, zone: str, today: date, default_days: int = 1) -> Period:
    """`from`/`to` as YYYY-MM-DD (both optional): a missing `to` is `from` (or today), a missing `from` is
    `default_days` - 1 days before `to`."""
    last = _date("to", raw_to) if raw_to else (_date("from", raw_from) if raw_from else today)
    first = _date("from", raw_from) if raw_from else last - timedelta(days=default_days - 1)
    return period(first, last, zone)


def week_of(day: date, zone: str) -> Period:
    """Monday to Sunday around `day`."""
    monday = day - timedelta(days=day.weekday())
    return period(monday, monday + timedelta(days=6), zone)


def _date(name: str, raw: str) -> date:
    if not DATE.fullmatch(raw):
        raise BadRequest(f"{name} must be a date like 2026-03-02, not {raw[:20]!r}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} {raw!r} is not a calendar date") from None


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(timezone.utc)

"""Clocks: the only place that reads the wall clock, so tests and simulations can move time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that stands still until told to move (by default: a Monday, 10:00 in Seoul)."""

    def __init__(self, start: datetime | None = None):
        self.current = start or datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)

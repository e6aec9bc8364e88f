"""An agent's day from their status log and their calls: time in each status (and each break reason), calls
handled, average talk and handle time. Pure: rows in, figures out; the day's bounds are passed in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

STATUSES = ("offline", "available", "break", "reserved", "busy", "wrap_up", "missed")


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    status: str
    reason: str | None = None


def day_bounds(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """Midnight of `now`'s day in the center's time zone, and `now` (both aware, UTC-comparable)."""
    local = now.astimezone(ZoneInfo(timezone))
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo), now


def time_in_states(before: StatusChange | None, changes: list[StatusChange], start: datetime,
                   end: datetime) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds in each status between `start` and `end`, and on break per reason. `before` is the last change at or
    before `start` (None: offline, as every agent starts); `changes` are those after it, in order."""
    by_status = dict.fromkeys(STATUSES, 0.0)
    by_reason: dict[str, float] = {}
    current = before or StatusChange(start, "offline")
    moments = [c for c in changes if start < c.at <= end] + [StatusChange(end, "")]
    at = start
    for change in moments:
        seconds = (max(change.at, at) - at).total_seconds()
        by_status[current.status] = by_status.get(current.status, 0.0) + seconds
        if current.status == "break":
            key = current.reason or ""
            by_reason[key] = by_reason.get(key, 0.0) + seconds
        at, current = max(change.at, at), change
    return {k: round(v, 3) for k, v in by_status.items()}, {k: round(v, 3) for k, v in by_reason.items()}


def figures(handle_s: list[float], answered: int, wrap_up_s: float) -> dict:
    """Calls handled (answered today), average talk time (answer to hang-up) and average handle time
    (talk plus after-call work, per completed call), rounded to 0.1 s; None without a completed call."""
    done = len(handle_s)
    talk = sum(handle_s)
    return {"calls_handled": answered, "calls_completed": done,
            "average_talk_s": round(talk / done, 1) if done else None,
            "average_handle_s": round((talk + wrap_up_s) / done, 1) if done else None}


__all__ = ["STATUSES", "StatusChange", "day_bounds", "figures", "time_in_states"]

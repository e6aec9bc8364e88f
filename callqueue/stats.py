"""Queue statistics from recorded entries, and the expected wait announced to a caller at a position.

Definitions, per queue and interval (by the time callers entered the queue):
offered: callers who entered; answered, abandoned, overflowed, waiting: where they are now;
abandonment rate: abandoned / offered; average speed of answer: mean wait of answered callers;
longest wait: the longest wait of any caller (still waiting ones up to `now`); service level:
answered within the target / offered; estimate error: mean |announced − actual| wait over answered
callers who were told an estimate (bias: mean announced − actual, negative when we under-promise).
Callbacks: a caller who took the callback stays one offered caller; answered by callback counts among
answered (its wait runs from the original enqueue time to the moment both legs are connected, so service
level treats it like any caller), callback failed is counted apart (not abandoned), pending callbacks
count as waiting. A stay abandoned and then resumed by the returning caller is left out of offered and
abandoned and counted as resumed: the returning stay is the one that counts.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Mapping, Sequence

from .model import EntryStatus, QueueEntry

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ANSWERED = frozenset({EntryStatus.ANSWERED, EntryStatus.COMPLETED})


@dataclass(frozen=True)
class QueueStats:
    """One queue over one interval (seconds are floats; None where nothing was there to measure)."""

    queue: str
    interval_start: datetime
    interval_s: float
    offered: int
    answered: int
    abandoned: int
    overflowed: int
    waiting: int
    abandonment_rate: float | None
    average_speed_of_answer_s: float | None
    longest_wait_s: float | None
    service_level_s: float
    service_level: float | None
    estimates: int
    estimate_error_s: float | None
    estimate_bias_s: float | None
    callbacks_answered: int = 0
    callbacks_failed: int = 0
    resumed: int = 0


def queue_stats(entries: Iterable[QueueEntry], service_level_s: Mapping[str, float] | float,
                interval_s: float = 1800, now: datetime | None = None) -> list[QueueStats]:
    """Statistics per queue and per interval of `interval_s` (aligned to midnight UTC), in time order.

    `service_level_s` is one target for every queue or a target per queue name (default 20 s).
    """
    groups: dict[tuple[str, datetime], list[QueueEntry]] = defaultdict(list)
    for entry in entries:
        groups[entry.queue, _interval(entry.enqueued_at, interval_s)].append(entry)
    return [summarize(group, queue, _target(service_level_s, queue), start, interval_s, now)
            for (queue, start), group in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0]))]


def summarize(entries: Sequence[QueueEntry], queue: str, service_level_s: float, interval_start: datetime,
              interval_s: float, now: datetime | None = None) -> QueueStats:
    """Statistics of `entries`, all taken as one queue and one interval."""
    resumed = sum(1 for e in entries if e.resumed_by is not None)
    entries = [e for e in entries if e.resumed_by is None]
    answered = [e for e in entries if e.status in ANSWERED]
    abandoned = _count(entries, EntryStatus.ABANDONED)
    waits = [w for w in (_wait(e, now) for e in entries) if w is not None]
    answer_waits = [e.wait_seconds for e in answered]
    errors = [e.estimate_s - e.wait_seconds for e in answered if e.estimate_s is not None]
    within = sum(1 for w in answer_waits if w <= service_level_s)
    return QueueStats(
        queue, interval_start, interval_s, len(entries), len(answered), abandoned,
        _count(entries, EntryStatus.OVERFLOWED), sum(1 for e in entries if _is_waiting(e)),
        _share(abandoned, len(entries)), _mean(answer_waits), max(waits, default=None),
        service_level_s, _share(within, len(entries)),
        len(errors), _mean([abs(e) for e in errors]), _mean(errors),
        sum(1 for e in answered if e.callback_number), _count(entries, EntryStatus.CALLBACK_FAILED), resumed)


def expected_wait_s(position: int, agents_staffed: int, recent_handle_s: Sequence[float],
                    default_handle_s: float = 180, wrap_up_s: float = 0) -> float:
    """Expected wait of the caller at `position` (1: next in line) when every staffed agent is busy.

    Each of the `agents_staffed` agents frees up after a handle time plus wrap-up; with exponential
    handle times of mean h (the mean of `recent_handle_s`, say the last 100 calls, or
    `default_handle_s` before there are any) the whole floor frees one agent every (h + wrap)/c
    seconds on average, and the caller needs `position` of them: position·(h + wrap)/c. This is
    the exact conditional wait of M/M/c under first-come first-served; the simulator checks it.
    Returns infinity when no agent is staffed.
    """
    if agents_staffed <= 0:
        return math.inf
    handle = statistics.fmean(recent_handle_s) if recent_handle_s else default_handle_s
    return position * (handle + wrap_up_s) / agents_staffed


def _interval(moment: datetime, interval_s: float) -> datetime:
    seconds = (moment - EPOCH).total_seconds()
    return EPOCH + timedelta(seconds=seconds - seconds % interval_s)


def _target(service_level_s: Mapping[str, float] | float, queue: str) -> float:
    return service_level_s.get(queue, 20) if isinstance(service_level_s, Mapping) else service_level_s


def _is_waiting(entry: QueueEntry) -> bool:
    return entry.status in (EntryStatus.WAITING, EntryStatus.OFFERED, EntryStatus.CALLBACK)


def _wait(entry: QueueEntry, now: datetime | None) -> float | None:
    if _is_waiting(entry):
        return None if now is None else (now - entry.enqueued_at).total_seconds()
    return entry.wait_seconds


def _count(entries: Sequence[QueueEntry], status: EntryStatus) -> int:
    return sum(1 for e in entries if e.status is status)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None

"""Queue reports from the rows: live counts, measured figures per queue and interval, Erlang C beside them."""
from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from . import erlang
from .matching import misfit
from .model import ANSWERED_STATUSES, SEATED, AgentStatus, EntryStatus, QueueEntry
from .queues import Queue, QueueConfig
from .stats import QueueStats, queue_stats, summarize
from .views import SqlAlchemyQueueViews

DEFAULT_HANDLE_S = 180


def overview(views: SqlAlchemyQueueViews, config: QueueConfig) -> list[dict]:
    """Every configured queue with its callers in line and its agents by status."""
    counts = views.counts_by_queue()
    agents = views.agents()
    return [{"name": name, "waiting": counts.get((name, "waiting"), 0), "offered_now": counts.get((name, "offered"), 0),
             "on_call": counts.get((name, "answered"), 0), **_staff(agents, queue), "strategy": queue.strategy.value,
             "service_level_s": queue.service_level_s, "max_wait_s": queue.max_wait_s, "overflow_to": queue.overflow_to}
            for name, queue in config.queues.items()]


def report(views: SqlAlchemyQueueViews, config: QueueConfig, name: str, now: datetime, hours: float,
           interval_s: float) -> dict:
    """Measured figures for the last `hours` (and per interval), the live line, and what Erlang C predicts."""
    queue = config.queues[name]
    since = now - timedelta(hours=hours)
    entries = views.entries_since(since, name)
    total = summarize(entries, name, queue.service_level_s, since, hours * 3600, now)
    handles = [e.handle_seconds for e in entries if e.handle_seconds is not None]
    staff = _staff(views.agents(), queue)
    live = views.counts_by_queue()
    return {"queue": name, "since": since.isoformat(), "hours": hours, **_figures(total),
            "waiting": live.get((name, "waiting"), 0), **staff,
            "avg_handle_seconds": _round(statistics.fmean(handles)) if handles else None,
            "erlang_c": _erlang(total, hours * 3600, handles, staff["agents_staffed"], queue),
            "intervals": [_figures(s) for s in queue_stats(entries, queue.service_level_s, interval_s, now)]}


def abandoned(views: SqlAlchemyQueueViews, names: list[str], now: datetime, hours: float) -> list[dict]:
    """Callers to call back: who hung up while waiting in one of `names` in the last `hours`, each caller once.

    A caller (by number, or by call for a hidden number) is listed at their latest hang-up, with how
    many times they hung up; one who got through to an agent afterwards needs no call back.
    """
    entries = views.entries_since(now - timedelta(hours=hours))
    latest: dict[str, tuple[QueueEntry, int]] = {}
    for entry in entries:
        if entry.status is EntryStatus.ABANDONED and entry.queue in names and entry.resumed_by is None:
            key = entry.from_number or entry.call_sid
            before, count = latest.get(key, (None, 0))
            latest[key] = (entry if before is None or entry.ended_at >= before.ended_at else before, count + 1)
    reached = _reached(entries)
    return [{"number": e.from_number, "call_sid": e.call_sid, "queue": e.queue, "at": e.ended_at.isoformat(),
             "wait_seconds": _round(e.wait_seconds), "abandoned_calls": count}
            for key, (e, count) in sorted(latest.items(), key=lambda item: item[1][0].ended_at)
            if reached.get(key) is None or reached[key] < e.ended_at]


def _reached(entries: list[QueueEntry]) -> dict[str, datetime]:
    """When each caller last reached an agent."""
    reached: dict[str, datetime] = {}
    for entry in entries:
        if entry.status in ANSWERED_STATUSES:
            key = entry.from_number or entry.call_sid
            reached[key] = max(reached.get(key, entry.answered_at), entry.answered_at)
    return reached


def _figures(stats: QueueStats) -> dict:
    return {"interval_start": stats.interval_start.isoformat(), "offered": stats.offered, "answered": stats.answered,
            "abandoned": stats.abandoned, "overflowed": stats.overflowed,
            "abandonment_rate": _round(stats.abandonment_rate, 3),
            "avg_wait_seconds": _round(stats.average_speed_of_answer_s), "longest_wait_seconds": _round(stats.longest_wait_s),
            "service_level": _round(stats.service_level, 3), "service_level_s": stats.service_level_s,
            "estimates": stats.estimates, "estimate_error_seconds": _round(stats.estimate_error_s),
            "estimate_bias_seconds": _round(stats.estimate_bias_s), "callbacks_answered": stats.callbacks_answered,
            "callbacks_failed": stats.callbacks_failed, "resumed": stats.resumed}


def _staff(agents, queue: Queue) -> dict:
    needs = tuple(sorted(queue.skills.items()))
    able = [a for a in agents if misfit(a, needs, frozenset()) is None]
    return {"agents_available": sum(a.status is AgentStatus.AVAILABLE for a in able),
            "agents_staffed": sum(a.status in SEATED for a in able),
            "agents_total": len(able)}


def _erlang(total: QueueStats, period_s: float, handles: list[float], agents: int, queue: Queue) -> dict:
    """Erlang C for the load measured: arrivals per second over the period, the mean handle time, the agents staffed now."""
    rate = total.offered / period_s if period_s > 0 else 0.0
    handle = statistics.fmean(handles) if handles else DEFAULT_HANDLE_S
    if agents <= 0 or rate <= 0:
        return {"arrivals_per_hour": _round(rate * 3600), "handle_seconds": _round(handle), "agents": agents,
                "traffic_erlangs": _round(rate * handle, 3), "probability_of_waiting": None, "avg_wait_seconds": None,
                "service_level": None, "agents_needed": None}
    return {"arrivals_per_hour": _round(rate * 3600), "handle_seconds": _round(handle), "agents": agents,
            "traffic_erlangs": _round(rate * handle, 3),
            "probability_of_waiting": _round(erlang.probability_of_waiting(agents, rate, handle), 3),
            "avg_wait_seconds": _round(erlang.average_speed_of_answer_s(agents, rate, handle)),
            "service_level": _round(erlang.service_level(agents, rate, handle, queue.service_level_s), 3),
            "agents_needed": erlang.agents_needed(rate, handle, queue.service_level_s, queue.service_level_pct / 100)}


def _round(value: float | None, digits: int = 1) -> float | None:
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value, digits)

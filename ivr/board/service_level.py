"""Service level as contact centers define it, once for the wallboard, its series, the reports and the CSV.

    service level = answered within T / (answered + abandoned after the ignore threshold
                                         + overflowed out after T + still waiting longer than T)

T is the queue's `service_level_s`. A caller still waiting for less than T has not met or missed the target yet
and is not counted; a caller who hung up within `abandon_ignore_s` (per queue; default T, so abandons within the
target do not count) is not counted either — a short abandon says more about the caller than about the queue.
With `abandon_ignore_s: 5` an abandon after 5 s counts as a miss even before T. A caller the queue sent on after
waiting longer than T (max wait without `overflow_to`) counts as a miss. Callbacks follow docs/queue.md: a
callback answered counts as answered with its wait from the original enqueue time; a pending callback is waiting;
a stay abandoned and then resumed by the returning caller is left out (the returning stay counts).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, literal, or_
from sqlalchemy.sql import ColumnElement

from callqueue.tables import QueueEntryRow as E

DEFAULT_TARGET_S = 20.0
WAITING = ("waiting", "offered", "callback")
ANSWERED = ("answered", "completed")


@dataclass(frozen=True)
class Rule:
    """One queue's target T and its abandon threshold (seconds)."""

    target_s: float = DEFAULT_TARGET_S
    abandon_ignore_s: float = DEFAULT_TARGET_S


def rules_of(config) -> dict[str, Rule]:
    """Each configured queue's rule (abandon_ignore_s unset: the target)."""
    return {name: Rule(q.service_level_s, q.service_level_s if q.abandon_ignore_s is None else q.abandon_ignore_s)
            for name, q in config.queues.items()}


def classify(status: str, wait_s: float | None, enqueued_at: datetime, resumed: bool, rule: Rule,
             now: datetime) -> str:
    """`within` (answered within T), `missed` (counted, not within T) or `` (not counted) for one stay."""
    if status in ANSWERED:
        return "within" if wait_s is not None and wait_s <= rule.target_s else "missed"
    if status == "abandoned":
        return "missed" if not resumed and wait_s is not None and wait_s > rule.abandon_ignore_s else ""
    if status == "overflowed":
        return "missed" if wait_s is not None and wait_s > rule.target_s else ""
    if status in WAITING:
        return "missed" if (now - enqueued_at).total_seconds() > rule.target_s else ""
    return ""


def within(rules: dict[str, Rule]) -> ColumnElement:
    """Answered within its own queue's T (the numerator)."""
    return and_(E.status.in_(ANSWERED), E.wait_seconds <= _per_queue(rules, "target_s"))


def counted(rules: dict[str, Rule], now: datetime) -> ColumnElement:
    """Counted in the denominator, as of `now` (see the module's definition)."""
    target, ignore = _per_queue(rules, "target_s"), _per_queue(rules, "abandon_ignore_s")
    return or_(E.status.in_(ANSWERED),
               and_(E.status == "abandoned", E.resumed_by.is_(None), E.wait_seconds > ignore),
               and_(E.status == "overflowed", E.wait_seconds > target),
               and_(E.status.in_(WAITING), _waited_past_target(rules, now)))


def _per_queue(rules: dict[str, Rule], field: str) -> ColumnElement:
    if not rules:
        return literal(DEFAULT_TARGET_S)
    return case(*((E.queue == name, literal(float(getattr(r, field)))) for name, r in rules.items()),
                else_=literal(DEFAULT_TARGET_S))


def _waited_past_target(rules: dict[str, Rule], now: datetime) -> ColumnElement:
    """Entered before now - T of its queue (bound as datetimes, so it works the same on SQLite and PostgreSQL)."""
    known = [and_(E.queue == name, E.enqueued_at < now - timedelta(seconds=r.target_s)) for name, r in rules.items()]
    other = E.enqueued_at < now - timedelta(seconds=DEFAULT_TARGET_S)
    return or_(*known, and_(E.queue.not_in(list(rules)), other)) if rules else other

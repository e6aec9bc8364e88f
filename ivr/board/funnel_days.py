"""The IVR funnel's per-day summaries, so a month answers from about 30 rows per node and exit.

Each finished day of a flow (a day of the center's time zone that is over, every call started in it ended) is
summed once, by the very rules of funnel_sql (its per-visit rows), into:
- funnel_days: per node and exit, the visits, menu choices (of which by voice), confidences heard;
- funnel_spans: per node, how many timed visits fall in each duration bucket (`bucket`, monotone in seconds);
- funnel_times: each timed visit's seconds (but 0 s), read only for the bucket that holds a node's median;
- funnel_summarised: that the day is complete, for which time zone and which version of the rules (`RULES`).
The median stays exact: the bucket counts locate the middle visit(s), and only that bucket's seconds are sorted.
Days not summarised (today, a day with a call still going, a day summarised under another time zone or rules)
are computed live from the event log. `rebuild` redoes a flow's days from the log (idempotent).
"""
from __future__ import annotations

import logging
import math
import time as monotonic_time
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select

from ..tables import CallRow
from .funnel_sql import TERMINAL, started_in, visits_query
from .tables import FunnelDayRow, FunnelSpanRow, FunnelSummarisedRow, FunnelTimeRow

log = logging.getLogger(__name__)

RULES = 1  # raise when funnel_sql's rules change: days summarised under older rules are then redone
QUIET_S = 86_400  # a call without a final status and no change for a day counts as over (its status was lost)
JOB_EVERY_S = 60.0  # the timer job looks for unsummarised days at most this often
DAYS_PER_RUN = 2  # and summarises at most this many days per run (the timer loop is not held long)


def bucket(seconds: float) -> int:
    """The duration bucket of a visit, monotone in seconds: 0 holds exactly 0 s (its values are never stored or
    read), then about 8 buckets per doubling from a millisecond up; clock skew (negative) is -1."""
    if seconds <= 0:
        return -1 if seconds < 0 else 0
    return 1 + int(8 * math.log2(1 + seconds * 1000))


def day_range(day: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a whole day in time zone `zone`."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tz).astimezone(timezone.utc)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(timezone.utc)


def ranges_of(days: list[date], zone: str) -> list[tuple[datetime, datetime]]:
    """The days as few [start, end) UTC ranges as they allow (consecutive days joined)."""
    ranges: list[tuple[datetime, datetime]] = []
    for day in sorted(days):
        start, end = day_range(day, zone)
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


@dataclass
class NodeTally:
    """One node's sums over a period, summarised days and live days together."""

    exits: dict[str, int] = field(default_factory=dict)
    chose: int = 0
    speech: int = 0
    heard: int = 0
    confidence: float = 0.0
    buckets: dict[int, int] = field(default_factory=dict)  # timed visits per bucket, summarised days
    live_seconds: list[float] = field(default_factory=list)  # timed visits of the live days

    def add(self, exit_: str, visits: int, chose: int, speech: int, heard: int, confidence: float) -> None:
        self.exits[exit_] = self.exits.get(exit_, 0) + visits
        self.chose, self.speech, self.heard = self.chose + chose, self.speech + speech, self.heard + heard
        self.confidence += confidence


class FunnelDays:
    """Summarises finished days of a flow and reads a period back (see the module's docstring)."""

    def __init__(self, uow, clock, timezone_name: str):
        self._uow, self._clock, self.timezone = uow, clock, timezone_name
        self._last_run = float("-inf")

    # -- reading -------------------------------------------------------------------------------------------
    def summarised(self, session, flow: str, first: date, last: date) -> set[date]:
        """The days of first..last whose summaries are complete under this time zone and these rules."""
        rows = session.scalars(select(FunnelSummarisedRow.day).where(
            FunnelSummarisedRow.flow == flow, FunnelSummarisedRow.day >= first.isoformat(),
            FunnelSummarisedRow.day <= last.isoformat(), FunnelSummarisedRow.timezone == self.timezone,
            FunnelSummarisedRow.rules == RULES))
        return {date.fromisoformat(day) for day in rows}

    def tallies(self, session, flow: str, summarised: set[date], live: list[date]) -> dict[str, NodeTally]:
        """Per node: the summarised days' sums and bucket counts, plus the live days' visits by the log's rules."""
        nodes: dict[str, NodeTally] = {}
        days = sorted(day.isoformat() for day in summarised)
        for row in session.execute(
                select(FunnelDayRow.node, FunnelDayRow.exit, func.sum(FunnelDayRow.visits), func.sum(FunnelDayRow.chose),
                       func.sum(FunnelDayRow.speech), func.sum(FunnelDayRow.heard), func.sum(FunnelDayRow.confidence_sum))
                .where(FunnelDayRow.flow == flow, FunnelDayRow.day.in_(days))
                .group_by(FunnelDayRow.node, FunnelDayRow.exit)):
            nodes.setdefault(row[0], NodeTally()).add(row[1], int(row[2]), int(row[3]), int(row[4]), int(row[5]),
                                                      float(row[6] or 0))
        for node, number, visits in session.execute(
                select(FunnelSpanRow.node, FunnelSpanRow.bucket, func.sum(FunnelSpanRow.visits))
                .where(FunnelSpanRow.flow == flow, FunnelSpanRow.day.in_(days))
                .group_by(FunnelSpanRow.node, FunnelSpanRow.bucket)):
            nodes.setdefault(node, NodeTally()).buckets[int(number)] = int(visits)
        if live:
            for row in session.execute(visits_query(flow, ranges_of(live, self.timezone))):
                tally = nodes.setdefault(row.node, NodeTally())
                tally.add(row.exit, 1, int(row.chose or 0), int(row.speech or 0), int(row.heard or 0),
                          float(row.confidence_sum or 0))
                if row.seconds is not None:
                    tally.live_seconds.append(float(row.seconds))
        return nodes

    def median(self, session, flow: str, node: str, tally: NodeTally, summarised: set[date]) -> float | None:
        """The exact median of the node's timed visits: the middle one, or the mean of the middle two."""
        live: dict[int, list[float]] = {}
        for seconds in tally.live_seconds:
            live.setdefault(bucket(seconds), []).append(seconds)
        counts = {number: tally.buckets.get(number, 0) + len(live.get(number, ())) for number in {*tally.buckets, *live}}
        total = sum(counts.values())
        if not total:
            return None
        wanted = sorted({(total + 1) // 2, (total + 2) // 2})  # 1-based ranks, as funnel_sql's row_number
        days, picked, before, cache = sorted(day.isoformat() for day in summarised), [], 0, {}
        for number in sorted(counts):
            for rank in wanted:
                if before < rank <= before + counts[number]:
                    if number == 0:
                        cache[number] = [0.0] * counts[number]
                    if number not in cache:
                        stored = session.scalars(select(FunnelTimeRow.seconds).where(
                            FunnelTimeRow.flow == flow, FunnelTimeRow.node == node, FunnelTimeRow.bucket == number,
                            FunnelTimeRow.day.in_(days))).all() if tally.buckets.get(number) else []
                        cache[number] = sorted([float(s) for s in stored] + live.get(number, []))
                    picked.append(cache[number][rank - before - 1])
            before += counts[number]
        return sum(picked) / len(picked)

    # -- summarising ---------------------------------------------------------------------------------------
    def finished(self, session, flow: str, day: date) -> int | None:
        """How many calls of the flow started on `day` when the day is over and all of them ended; else None."""
        start, end = day_range(day, self.timezone)
        now = self._clock.now()
        if end > now:
            return None
        in_day = (CallRow.flow_name == flow, started_in([(start, end)]))
        going = session.scalar(select(func.count()).select_from(CallRow).where(
            *in_day, CallRow.status.not_in(TERMINAL), CallRow.updated_at > now - timedelta(seconds=QUIET_S)))
        if going:
            return None
        return session.scalar(select(func.count()).select_from(CallRow).where(*in_day))

    def summarise(self, flow: str, day: date) -> bool:
        """Sum one finished day of the flow (replacing what was there); False when the day is not finished."""
        with self._uow() as uow:
            session = uow.session
            calls = self.finished(session, flow, day)
            if calls is None:
                return False
            self._forget(session, flow, [day])
            totals, spans, times = {}, {}, []
            text = day.isoformat()
            for row in session.execute(visits_query(flow, [day_range(day, self.timezone)])):
                key = (row.node, row.exit)
                visits, chose, speech, heard, confidence = totals.get(key, (0, 0, 0, 0, 0.0))
                totals[key] = (visits + 1, chose + int(row.chose or 0), speech + int(row.speech or 0),
                               heard + int(row.heard or 0), confidence + float(row.confidence_sum or 0))
                if row.seconds is not None:
                    seconds = float(row.seconds)
                    spans[(row.node, bucket(seconds))] = spans.get((row.node, bucket(seconds)), 0) + 1
                    if seconds != 0:
                        times.append({"flow": flow, "day": text, "node": row.node, "bucket": bucket(seconds),
                                      "seconds": seconds})
            if totals:
                session.execute(insert(FunnelDayRow), [
                    {"flow": flow, "day": text, "node": node, "exit": exit_, "visits": v, "chose": c, "speech": s,
                     "heard": h, "confidence_sum": conf} for (node, exit_), (v, c, s, h, conf) in totals.items()])
            if spans:
                session.execute(insert(FunnelSpanRow), [{"flow": flow, "day": text, "node": node, "bucket": number,
                                                         "visits": n} for (node, number), n in spans.items()])
            if times:
                session.execute(insert(FunnelTimeRow), times)
            session.add(FunnelSummarisedRow(flow=flow, day=text, timezone=self.timezone, rules=RULES, calls=calls,
                                            summarised_at=self._clock.now()))
            uow.commit()
        return True

    def _forget(self, session, flow: str, days: list[date]) -> None:
        texts = [day.isoformat() for day in days]
        for table in (FunnelDayRow, FunnelSpanRow, FunnelTimeRow, FunnelSummarisedRow):
            session.execute(delete(table).where(table.flow == flow, table.day.in_(texts)))

    def pending(self, flow: str) -> list[date]:
        """The days from the flow's first call to yesterday that are not summarised (oldest first)."""
        with self._uow() as uow:
            first = uow.session.scalar(select(func.min(CallRow.started_at)).where(CallRow.flow_name == flow))
            if first is None:
                return []
            zone = ZoneInfo(self.timezone)
            first_day = _aware(first).astimezone(zone).date()
            yesterday = self._clock.now().astimezone(zone).date() - timedelta(days=1)
            if yesterday < first_day:
                return []
            done = self.summarised(uow.session, flow, first_day, yesterday)
        return [day for day in _days(first_day, yesterday) if day not in done]

    def rebuild(self, flow: str, first: date | None = None, last: date | None = None) -> tuple[int, int]:
        """Forget the flow's summaries of first..last (every day when not given) and summarise again each
        finished day from the event log; (days summarised, days left live). Running it twice gives the same."""
        with self._uow() as uow:
            session = uow.session
            if first is None or last is None:
                bounds = session.execute(select(func.min(CallRow.started_at), func.max(CallRow.started_at))
                                         .where(CallRow.flow_name == flow)).one()
                zone = ZoneInfo(self.timezone)
                first = first or (_aware(bounds[0]).astimezone(zone).date() if bounds[0] else None)
                last = last or (_aware(bounds[1]).astimezone(zone).date() if bounds[1] else None)
            stored = session.scalars(select(FunnelSummarisedRow.day).where(FunnelSummarisedRow.flow == flow)).all()
            days = list(_days(first, last)) if first and last else []
            days += [date.fromisoformat(d) for d in stored if (first is None or d >= first.isoformat())
                     and (last is None or d <= last.isoformat()) and date.fromisoformat(d) not in days]
            self._forget(session, flow, days)
            uow.commit()
        done = sum(1 for day in days if self.summarise(flow, day))
        return done, len(days) - done

    def job(self, flows) -> None:
        """For the timer loop: at most every JOB_EVERY_S, summarise up to DAYS_PER_RUN finished days of `flows()`."""
        if monotonic_time.monotonic() - self._last_run < JOB_EVERY_S:
            return
        self._last_run = monotonic_time.monotonic()
        budget = DAYS_PER_RUN
        for flow in flows():
            for day in self.pending(flow):
                if budget <= 0:
                    return
                if self.summarise(flow, day):  # a day with a call still going is looked at again next run
                    budget -= 1
                    log.info("funnel: summarised %s of flow %s", day, flow)


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

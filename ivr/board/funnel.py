"""The IVR funnel: for each node of a flow over a period, how many callers came, how they left, how long they
stayed, and how often they spoke. `FunnelService.funnel` is what the API, the CLI and the board page show."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import text

from ..clock import SystemClock
from .funnel_days import FunnelDays, NodeTally
from .funnel_sql import funnel_query

log = logging.getLogger(__name__)

MAX_DAYS = 366  # one funnel covers at most a year
STATEMENT_TIMEOUT_MS = 120_000  # a report, not a webhook: a month of a busy center takes longer than the 5 s default


class FunnelError(ValueError):
    """A request the funnel cannot answer (bad dates, unknown flow); the message is for the person asking."""


@dataclass(frozen=True)
class Period:
    """Whole days [first, last] in the center's time zone, and the UTC instants [start, end) they cover."""

    first: date
    last: date
    start: datetime
    end: datetime


def parse_period(first: str | None, last: str | None, zone: str) -> Period:
    """The period from two YYYY-MM-DD dates (both days included) in time zone `zone`; FunnelError if wrong."""
    day_from, day_to = _day(first, "from", "시작일"), _day(last, "to", "종료일")
    if day_to < day_from:
        raise FunnelError(f"'to' ({day_to}) is before 'from' ({day_from}) / 종료일이 시작일보다 앞섭니다")
    if (day_to - day_from).days >= MAX_DAYS:
        raise FunnelError(f"the period is longer than {MAX_DAYS} days / 기간은 {MAX_DAYS}일을 넘을 수 없습니다")
    tz = ZoneInfo(zone)
    start = datetime.combine(day_from, time(0), tz).astimezone(timezone.utc)
    end = datetime.combine(day_to + timedelta(days=1), time(0), tz).astimezone(timezone.utc)
    return Period(day_from, day_to, start, end)


def _day(text: str | None, name: str, korean: str) -> date:
    if not text:
        raise FunnelError(f"'{name}' is missing: give a date YYYY-MM-DD / {korean}({name})를 YYYY-MM-DD 형식으로 주세요")
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad(text, name, korean)
    except ValueError:
        return _bad(text, name, korean)


def _bad(text: str, name: str, korean: str):
    raise FunnelError(f"'{name}' must be a date YYYY-MM-DD, not {text[:40]!r} / {korean}({name})는 YYYY-MM-DD 형식이어야 합니다")


class FunnelService:
    """Computes funnels on the database for the flows of a catalog, dates in `timezone`: finished days from their
    summaries (funnel_days), the others from the event log (funnel_sql), by the same rules."""

    def __init__(self, uow, catalog, timezone_name: str = "UTC", clock=None):
        self._uow, self._catalog, self.timezone = uow, catalog, timezone_name
        self.days = FunnelDays(uow, clock or SystemClock(), timezone_name)

    def flow_names(self) -> list[str]:
        """The names of the flows now in service."""
        return sorted({loaded.flow.name for loaded in self._catalog.current.values()})

    def job(self) -> None:
        """For the timer loop: summarise a few finished days of the flows in service (see funnel_days)."""
        self.days.job(self.flow_names)

    def rebuild(self, name: str, first: str | None = None, last: str | None = None) -> tuple[int, int]:
        """Summarise the flow's finished days again from the event log (all days, or first..last);
        (days summarised, days left to the live query)."""
        flow = self.flow(name)
        period = parse_period(first, last, self.timezone) if first or last else None
        return self.days.rebuild(flow.name, period and period.first, period and period.last)

    def flow(self, name: str):
        """The flow now in service by that name (subflows inlined); FunnelError when there is none."""
        for loaded in self._catalog.current.values():
            if loaded.flow.name == name:
                return loaded.flow
        known = ", ".join(sorted(lf.flow.name for lf in self._catalog.current.values())) or "none"
        raise FunnelError(f"no flow named {name[:80]!r} (flows: {known}) / 그런 이름의 흐름이 없습니다")

    def funnel(self, name: str, first: str | None, last: str | None) -> dict:
        """`{"flow", "from", "to", "nodes": {NODE: {"entries", "exits", "drop_off", "median_s", "speech_share",
        "avg_confidence"}}}` for the calls of flow `name` that started on the days first..last (both included)."""
        flow = self.flow(name)
        period = parse_period(first, last, self.timezone)
        nodes = {node: _empty() for node in flow.nodes}
        with self._uow() as uow:
            session = uow.session
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            summarised = self.days.summarised(session, flow.name, period.first, period.last)
            if summarised:
                live = [day for day in _days(period.first, period.last) if day not in summarised]
                for node, tally in self.days.tallies(session, flow.name, summarised, live).items():
                    nodes[node] = _tallied(tally, self.days.median(session, flow.name, node, tally, summarised))
            else:
                for node, group in _by_node(session.execute(funnel_query(flow.name, period.start, period.end))).items():
                    nodes[node] = _figures(group)
        return {"flow": flow.name, "from": period.first.isoformat(), "to": period.last.isoformat(), "nodes": nodes}

    def funnel_live(self, name: str, first: str | None, last: str | None) -> dict:
        """The same figures from the event log alone, summaries unread (the reference the tests compare with)."""
        flow = self.flow(name)
        period = parse_period(first, last, self.timezone)
        nodes = {node: _empty() for node in flow.nodes}
        with self._uow() as uow:
            for node, group in _by_node(uow.session.execute(funnel_query(flow.name, period.start, period.end))).items():
                nodes[node] = _figures(group)
        return {"flow": flow.name, "from": period.first.isoformat(), "to": period.last.isoformat(), "nodes": nodes}


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _by_node(rows) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.node, []).append(row)
    return grouped


def _empty() -> dict:
    return {"entries": 0, "exits": {}, "drop_off": None, "median_s": None, "speech_share": None, "avg_confidence": None}


def _figures(group: list) -> dict:
    # PostgreSQL sums integers as numeric: every figure is made a plain int or float here
    entries = sum(int(r.visits) for r in group)
    exits = {r.exit: int(r.visits) for r in sorted(group, key=lambda r: r.exit)}
    chose, speech, heard, middle = (sum(int(getattr(r, name) or 0) for r in group)
                                    for name in ("chose", "speech", "heard", "mid_count"))
    confidence, mid_seconds = (sum(float(getattr(r, name) or 0) for r in group) for name in ("confidence_sum", "mid_sum"))
    return _shown(entries, exits, mid_seconds / middle if middle else None, chose, speech, heard, confidence)


def _tallied(tally: NodeTally, median: float | None) -> dict:
    exits = dict(sorted(tally.exits.items()))
    return _shown(sum(exits.values()), exits, median, tally.chose, tally.speech, tally.heard, tally.confidence)


def _shown(entries: int, exits: dict, median: float | None, chose: int, speech: int, heard: int, confidence: float) -> dict:
    return {
        "entries": entries, "exits": exits, "drop_off": round(exits.get("hangup", 0) / entries, 4),
        "median_s": round(median, 3) if median is not None else None,
        "speech_share": round(speech / chose, 4) if chose else None,
        "avg_confidence": round(confidence / heard, 3) if heard else None,
    }

"""CSV exports of calls, queue entries and survey answers for a period, streamed row by row.

Each export is a generator: it opens its own read session (no writer lock: SQLite readers do not block the
webhooks' writer), reads with `yield_per` (a server-side cursor on PostgreSQL), and yields one encoded line at a
time, so a month of 100,000 calls never sits in memory. The first chunk is a UTF-8 byte order mark, so Excel reads
Korean text correctly. Cells beginning with = + - @ (or a tab or carriage return) get a leading ' so a spreadsheet
never runs them as formulas. Sealed values (sensitive gathers) are written as ****, never opened.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqueue.tables import QueueEntryRow as E

from ..tables import CallRow, SurveyAnswerRow
from . import service_level as sl
from .abandoned import masked
from .periods import Period

BOM = "\ufeff".encode("utf-8")
BATCH = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CALL_COLUMNS = ("call_sid", "from", "to", "direction", "flow", "flow_version", "status", "started_at", "ended_at",
                "duration_s", "last_node", "language", "flow_ended", "variables")
ENTRY_COLUMNS = ("call_sid", "entry_id", "from", "queue", "first_queue", "overflowed_from", "priority", "status",
                 "outcome", "agent", "enqueued_at", "offered_at", "answered_at", "ended_at", "wait_s", "handle_s",
                 "estimate_announced_s", "position_announced", "offers", "missed", "language", "disposition",
                 "service_level")
SURVEY_COLUMNS = ("call_sid", "survey", "question", "type", "answer", "answered_at", "queue", "agent")


def safe(value) -> str:
    """A cell as text, with formulas defused."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def stream(sessions: Callable[[], Session], kind: str, span: Period, hidden: set[str], rules: dict[str, sl.Rule],
           now: datetime) -> Iterator[bytes]:
    """The CSV of `kind` (calls, queue_entries, surveys) for `span`: BOM, header, rows. A queue entry's
    `service_level` is `within`, `missed` or empty (not counted), by service_level.py's rules as of `now`."""
    columns, query, row_of = _kinds(span, hidden, rules, now)[kind]
    yield BOM
    yield _line(columns)
    with sessions() as session:
        for row in session.execute(query.execution_options(yield_per=BATCH)):
            yield _line(row_of(row))


def _line(cells) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([safe(c) for c in cells])
    return out.getvalue().encode("utf-8")


def _kinds(span: Period, hidden: set[str], rules: dict[str, sl.Rule], now: datetime) -> dict:
    entry_cols = [E.call_sid, E.id, E.from_number, E.queue, E.first_queue, E.overflowed_from, E.priority, E.status,
                  E.outcome, E.agent_id, E.enqueued_at, E.offered_at, E.answered_at, E.ended_at, E.wait_seconds,
                  E.handle_seconds, E.estimate_announced_s, E.position_announced, E.offers, E.missed, E.language,
                  E.disposition, E.resumed_by]

    def entry_row(r) -> tuple:
        counted = sl.classify(r.status, r.wait_seconds, r.enqueued_at, r.resumed_by is not None,
                              rules.get(r.queue, sl.Rule()), now)
        return (*r[:22], counted)

    entries = select(*entry_cols).where(
        E.enqueued_at >= span.start, E.enqueued_at < span.end).order_by(E.enqueued_at, E.id)
    calls = select(CallRow.call_sid, CallRow.from_number, CallRow.to_number, CallRow.direction, CallRow.flow_name,
                   CallRow.flow_version, CallRow.status, CallRow.started_at, CallRow.ended_at, CallRow.duration_seconds,
                   CallRow.node, CallRow.language, CallRow.flow_ended, CallRow.variables).where(
        CallRow.started_at >= span.start, CallRow.started_at < span.end).order_by(CallRow.started_at, CallRow.id)
    surveys = select(SurveyAnswerRow.call_sid, SurveyAnswerRow.survey, SurveyAnswerRow.question, SurveyAnswerRow.kind,
                     SurveyAnswerRow.answer, SurveyAnswerRow.answered_at, E.queue, E.agent_id).outerjoin(
        E, (E.call_sid == SurveyAnswerRow.call_sid) & E.status.in_(("answered", "completed"))).where(
        SurveyAnswerRow.answered_at >= span.start, SurveyAnswerRow.answered_at < span.end).order_by(
        SurveyAnswerRow.answered_at, SurveyAnswerRow.id)
    return {
        "calls": (CALL_COLUMNS, calls, lambda r: (*r[:13], json.dumps(masked(r[13], hidden), ensure_ascii=False))),
        "queue_entries": (ENTRY_COLUMNS, entries, entry_row),
        "surveys": (SURVEY_COLUMNS, surveys, tuple),
    }


KINDS = ("calls", "queue_entries", "surveys")

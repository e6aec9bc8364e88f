"""The funnel's one query: every visit to a node, and how it was left, computed in the database.

The event log is read with window functions (SQLite >= 3.25 and PostgreSQL): a running count of
`node_entered` events splits each call's events into visits; the last deciding event of a visit says how the
caller left it; LEAD gives the time the next visit began. Only one row per (node, exit) comes back to Python.
The rules are written out in docs/flows.md, section "Funnel".
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, and_, case, func, literal, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..tables import CallEventRow, CallRow

TERMINAL = ("completed", "busy", "no-answer", "failed", "canceled")  # a status callback that ends the call
ANSWERED = ("completed", "answered")  # a Dial outcome that means the other side picked up
RETRY = "retry"  # a deciding event that leaves the caller in the node (a wrong key, a repeat, an unsure match)


class seconds_between(FunctionElement):
    """The seconds from the first datetime to the second, in the engine's own arithmetic."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _sqlite_seconds(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


@compiles(seconds_between)
def _seconds(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


def _detail(key: str):
    return CallEventRow.detail[key]


def _reason():
    """What one event says about how the caller leaves the node (NULL: nothing; RETRY: they stay)."""
    kind, text = CallEventRow.kind, (lambda key: _detail(key).as_string())
    return case(
        (kind == "digits_entered", case(
            (and_(_detail("valid").as_boolean(), text("variable").is_(None)), text("digits")),
            (_detail("valid").as_boolean(), null()), else_=literal(RETRY))),
        (kind == "speech_heard", case(
            (and_(_detail("confident").as_boolean(), text("option").isnot(None)), text("option")), else_=literal(RETRY))),
        (kind == "speech_confirmed", case((text("answer") == "1", text("option")), else_=literal(RETRY))),
        (kind.in_(("invalid", "no_input", "menu_repeated")), literal(RETRY)),
        (kind == "tries_exhausted", text("reason")),
        (kind == "menu_back", literal("back")),
        (kind == "queue_left", case((text("outcome") == "overflowed", literal("overflow")),
                                    (text("outcome") == "hangup", literal("hangup")), else_=null())),
        (kind == "agent_dial_ended", case((text("status").in_(ANSWERED), literal("queue")), else_=literal(RETRY))),
        (kind == "dial_ended", case((text("status").in_(ANSWERED), literal("transfer")), else_=literal("failed"))),
        (kind == "http_fetched", case((_detail("ok").as_boolean(), literal("next")), else_=literal("failed"))),
        (kind == "voicemail_recorded", literal("recorded")),
        (kind == "voicemail_empty", literal("empty")),
        (kind == "hours_checked", case((_detail("open").as_boolean(), literal("open")), else_=literal("closed"))),
        else_=null(),
    )


def _chosen():
    """1 when the event picks a menu option (by key: `key`; by voice: `speech`), else 0."""
    kind, text = CallEventRow.kind, (lambda key: _detail(key).as_string())
    by_key = and_(kind == "digits_entered", _detail("valid").as_boolean(), text("variable").is_(None))
    by_speech = case(
        (kind == "speech_heard", and_(_detail("confident").as_boolean(), text("option").isnot(None))),
        (kind == "speech_confirmed", text("answer") == "1"), else_=False)
    return case((by_key, 1), else_=0), case((by_speech, 1), else_=0)


Ranges = list[tuple[datetime, datetime]]


def _events(flow_name: str, ranges: Ranges):
    """The events of the flow's calls that started in one of the [start, end) ranges, each with its visit number
    and verdicts."""
    e = CallEventRow
    by_key, by_speech = _chosen()
    entered = case((e.kind == "node_entered", 1), else_=0)
    visit = func.sum(entered).over(partition_by=e.call_id, order_by=e.id, rows=(None, 0))
    confidence = case((e.kind == "speech_heard", _detail("confidence").as_float()), else_=null())
    ended = case((and_(e.kind == "status", _detail("status").as_string().in_(TERMINAL)), 1), else_=0)
    return (select(e.id, e.call_id, e.at, e.kind, e.node, visit.label("visit"), _reason().label("reason"),
                   (by_key + by_speech).label("chose"), by_speech.label("speech"), confidence.label("confidence"),
                   ended.label("hung_up"))
            .join(CallRow, CallRow.id == e.call_id)
            .where(CallRow.flow_name == flow_name, started_in(ranges))
            .cte("ev"))


def started_in(ranges: Ranges):
    """Calls that started in one of the [start, end) ranges."""
    return or_(*(and_(CallRow.started_at >= start, CallRow.started_at < end) for start, end in ranges))


def funnel_query(flow_name: str, start: datetime, end: datetime):
    """Rows (node, exit, visits, chose, speech, confidence_sum, heard, mid_sum, mid_count); see `_summed`."""
    return _summed(_left(_visits(_deciding(_events(flow_name, [(start, end)])))))


def visits_query(flow_name: str, ranges: Ranges):
    """One row per visit of the calls started in `ranges`: (node, exit, seconds, chose, speech, confidence_sum,
    heard), the rows `funnel_query` sums; the per-day summaries (funnel_days.py) are made of them."""
    left = _left(_visits(_deciding(_events(flow_name, ranges))))
    return select(left.c.node, left.c.exit, left.c.seconds, left.c.chose, left.c.speech, left.c.confidence_sum,
                  left.c.heard)


def _deciding(ev):
    """Each event with the verdict of its visit's last deciding event (a window: no join, one pass)."""
    last_first = (case((ev.c.reason.is_(None), 1), else_=0), ev.c.id.desc())
    window = {"partition_by": (ev.c.call_id, ev.c.visit), "order_by": last_first}
    return (select(ev, func.first_value(ev.c.reason).over(**window).label("last_reason"),
                   func.first_value(ev.c.chose).over(**window).label("last_chose"),
                   func.first_value(ev.c.speech).over(**window).label("last_speech"))
            .where(ev.c.visit > 0).cte("deciding"))


def _visits(d):
    """One row per visit: its node, first and last instants, whether the flow or the caller ended the call, its
    deciding verdict, its utterances, and (LEAD) when the next visit of the call began."""
    entered_at = func.min(d.c.at)
    return (select(d.c.call_id, d.c.visit, func.max(case((d.c.kind == "node_entered", d.c.node))).label("node"),
                   entered_at.label("entered_at"), func.max(d.c.at).label("last_at"),
                   func.max(case((d.c.kind == "call_ended", 1), else_=0)).label("ended"),
                   func.max(d.c.hung_up).label("hung_up"), func.max(d.c.last_reason).label("reason"),
                   func.max(d.c.last_chose).label("chose"), func.max(d.c.last_speech).label("speech"),
                   func.sum(d.c.confidence).label("confidence_sum"), func.count(d.c.confidence).label("heard"),
                   func.lead(entered_at).over(partition_by=d.c.call_id, order_by=d.c.visit).label("next_at"))
            .group_by(d.c.call_id, d.c.visit).cte("visits"))


def _left(visits):
    """One row per visit: its node, how it was left, the seconds spent (NULL while the caller is still there)."""
    v = visits.c
    decided = and_(v.reason.isnot(None), v.reason != RETRY)
    exit_ = case((decided, v.reason), (v.ended == 1, literal("end")), (v.next_at.isnot(None), literal("next")),
                 (v.hung_up == 1, literal("hangup")), else_=literal("active"))
    seconds = case((v.next_at.isnot(None), seconds_between(v.entered_at, v.next_at)),
                   (exit_ != "active", seconds_between(v.entered_at, v.last_at)), else_=null())
    return (select(v.node, exit_.label("exit"), seconds.label("seconds"), case((decided, v.chose), else_=0).label("chose"),
                   case((decided, v.speech), else_=0).label("speech"), v.confidence_sum, v.heard)
            .cte("left_by"))


def _summed(left):
    """Per (node, exit): counts and sums; the middle one or two timed visits of each node for its median."""
    timed = left.c.seconds.isnot(None)
    order = func.row_number().over(partition_by=left.c.node, order_by=(case((timed, 0), else_=1), left.c.seconds))
    total = func.count(left.c.seconds).over(partition_by=left.c.node)
    ranked = select(left, order.label("rn"), total.label("n")).subquery("ranked")
    r = ranked.c
    middle = and_(r.seconds.isnot(None), r.rn.in_(((r.n + 1) // 2, (r.n + 2) // 2)))
    return (select(r.node, r.exit, func.count().label("visits"), func.sum(r.chose).label("chose"),
                   func.sum(r.speech).label("speech"), func.sum(r.confidence_sum).label("confidence_sum"),
                   func.sum(r.heard).label("heard"), func.sum(case((middle, r.seconds), else_=0.0)).label("mid_sum"),
                   func.sum(case((middle, 1), else_=0)).label("mid_count"))
            .group_by(r.node, r.exit))

"""Time the IVR funnel of a month on 1,000,000 call events: the per-day summaries, the event-log query, and a naive
load-everything-into-Python version.

    .venv/bin/python bench/funnel_bench.py [--events 1000000] [--engines sqlite,postgresql] [--repeats 3]

Generates calls walking the sample flow `main` as the engine journals them (welcome, the language part, hours,
the main menu by key or by voice with wrong keys and silences, order numbers, queues, hang-ups anywhere), about
nineteen events a call (about 52,000 calls for a million events), spread over 2026-02-26 .. 2026-03-31 (Seoul), bulk inserted (SQLite executemany in one
transaction, PostgreSQL COPY). Then summarises every finished day (`rebuild`, timed) and times, for March: the
funnel from the summaries (all days summarised; and with March 31 still live, as on that day), the event-log
query alone (`funnel_live`, the pre-summary path), and the naive version (every event of March's calls loaded
into Python and walked there). Checks the summaries give exactly the log query's JSON, and the naive version
the same entries and exits.
PostgreSQL: IVR_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), schema ivr_funnel_bench.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from ivr.board.funnel import FunnelService, parse_period  # noqa: E402
from ivr.catalog import FlowCatalog  # noqa: E402
from ivr.clock import FakeClock  # noqa: E402
from ivr.db import DbLimits, make_engine, upgrade  # noqa: E402
from ivr.repository import SqlAlchemyUnitOfWork  # noqa: E402
from ivr.tables import CallEventRow, CallRow  # noqa: E402

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SCHEMA = "ivr_funnel_bench"
FIRST = datetime(2026, 2, 26, 0, 0, tzinfo=timezone(timedelta(hours=9)))
DAYS = 34
UNBOUNDED = DbLimits(statement_timeout_s=0)  # the bulk load runs longer than a webhook's statement bound


# -- generating calls ---------------------------------------------------------------------------------------
def walk(rng: random.Random) -> list[tuple[float, str, str, dict]]:
    """One call's events (seconds after the start, kind, node, detail) as the engine would journal them."""
    t, out = 0.0, [(0.0, "call_started", "", {"flow": "main"})]

    def note(kind, node, **detail):
        out.append((t, kind, node, detail))

    def enter(node, kind):
        note("node_entered", node, node_kind=kind)

    enter("welcome", "say"); enter("language", "subflow"); note("subflow_called", "language", flow="choose_language")
    enter("choose_language/choose", "menu")
    t += rng.uniform(1, 4)
    if rng.random() < 0.03:
        return out + [(t, "status", "choose_language/choose", {"status": "completed"})]
    note("digits_entered", "choose_language/choose", digits="1", valid=True)
    enter("choose_language/done", "return"); note("returned", "choose_language/done", to="office_hours")
    enter("office_hours", "hours")
    if rng.random() < 0.15:
        note("hours_checked", "office_hours", open=False, timezone="Asia/Seoul")
        enter("after_hours", "say"); enter("voicemail", "voicemail")
        t += rng.uniform(5, 60)
        if rng.random() < 0.5:
            note("voicemail_recorded", "voicemail", url="u", duration_s=20, sid="RE1"); enter("voicemail_thanks", "hangup")
            note("call_ended", "voicemail_thanks")
        return out + [(t + 2, "status", out[-1][2], {"status": "completed"})]
    note("hours_checked", "office_hours", open=True, timezone="Asia/Seoul")
    enter("vip_check", "switch"); note("switch_matched", "vip_check", case="default"); enter("main_menu", "menu")
    for _ in range(3):
        t += rng.uniform(2, 12)
        roll = rng.random()
        if roll < 0.08:
            return out + [(t, "status", "main_menu", {"status": "completed"})]
        if roll < 0.16:
            note("digits_entered", "main_menu", digits="7", valid=False); note("invalid", "main_menu", count=1, limit=3)
            continue
        if roll < 0.35:
            confidence = round(rng.uniform(0.5, 1.0), 3)
            note("speech_heard", "main_menu", transcript="배송", confidence=confidence, option="1", phrase="배송",
                 score=confidence, confident=True)
            key = "1"
        else:
            key = rng.choice("1230")
            note("digits_entered", "main_menu", digits=key, valid=True)
        return out + _after_menu(rng, t, key)
    note("tries_exhausted", "main_menu", reason="invalid")
    return out + _queue(rng, t, "agent")


def _after_menu(rng: random.Random, t: float, key: str) -> list:
    if key != "1":
        return _queue(rng, t, {"2": "billing", "3": "support", "0": "agent"}[key])
    t += rng.uniform(4, 15)
    events = [(t - 15, "node_entered", "order_number", {"node_kind": "gather"})]
    if rng.random() < 0.2:
        return events + [(t, "status", "order_number", {"status": "completed"})]
    events += [(t, "digits_entered", "order_number", {"digits": "12345", "valid": True, "variable": "order_number"}),
               (t, "node_entered", "order_lookup", {"node_kind": "http"}),
               (t + 1, "http_fetched", "order_lookup", {"ok": True, "status": 200, "reason": ""}),
               (t + 1, "node_entered", "order_status", {"node_kind": "switch"}),
               (t + 1, "node_entered", "order_in_transit", {"node_kind": "say"}),
               (t + 1, "node_entered", "anything_else", {"node_kind": "menu"}),
               (t + 8, "digits_entered", "anything_else", {"digits": "2", "valid": True}),
               (t + 8, "node_entered", "goodbye", {"node_kind": "hangup"}), (t + 8, "call_ended", "goodbye", {}),
               (t + 12, "status", "goodbye", {"status": "completed"})]
    return events


def _queue(rng: random.Random, t: float, node: str) -> list:
    events = [(t, "node_entered", node, {"node_kind": "enqueue"}), (t, "enqueued", node, {"queue": node, "priority": 0})]
    t += rng.uniform(10, 300)
    if rng.random() < 0.3:
        return events + [(t, "queue_left", node, {"outcome": "hangup", "entry": 1}), (t, "call_ended", node, {}),
                         (t, "status", node, {"status": "completed"})]
    return events + [(t, "queue_left", node, {"outcome": "assigned", "entry": 1}),
                     (t + 200, "agent_dial_ended", node, {"status": "completed", "duration_s": 190}),
                     (t + 200, "node_entered", "survey", {"node_kind": "survey"}),
                     (t + 210, "status", "survey", {"status": "completed"})]


def generate(wanted_events: int, seed: int = 7):
    """(call rows, event rows) as plain tuples, calls until `wanted_events` events: both engines get the same data."""
    rng, call_rows, event_rows, event_id, call_id = random.Random(seed), [], [], 0, 0
    while event_id < wanted_events:
        call_id += 1
        started = (FIRST + timedelta(seconds=rng.uniform(0, DAYS * 86400))).astimezone(timezone.utc)
        call_rows.append((call_id, f"CA{call_id:032x}", started))
        for offset, kind, node, detail in walk(rng):
            event_id += 1
            event_rows.append((event_id, call_id, started + timedelta(seconds=offset), kind, node, json.dumps(detail)))
    return call_rows, event_rows


# -- loading ------------------------------------------------------------------------------------------------
CALL_COLUMNS = "id, call_sid, account_sid, from_number, to_number, direction, flow_name, flow_version, node, language, " \
               "variables, invalid_count, no_input_count, flow_ended, extras, status, started_at, updated_at"
EVENT_COLUMNS = "id, call_id, at, kind, node, flow_version, detail"


def _sqlite_time(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(engine, call_rows, event_rows) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        cur.executemany(f"INSERT INTO calls ({CALL_COLUMNS}) VALUES (?,?,'','','','inbound','main','v1','',"
                        "'ko','{}',0,0,1,'{}','completed',?,?)",
                        ((i, sid, _sqlite_time(at), _sqlite_time(at)) for i, sid, at in call_rows))
        cur.executemany(f"INSERT INTO call_events ({EVENT_COLUMNS}) VALUES (?,?,?,?,?,'v1',?)",
                        ((i, c, _sqlite_time(at), k, n, d) for i, c, at, k, n, d in event_rows))
        raw.commit()
        cur.execute("ANALYZE")
    finally:
        raw.close()


def load_postgresql(engine, call_rows, event_rows) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY calls ({CALL_COLUMNS}) FROM STDIN") as copy:
            for i, sid, at in call_rows:
                copy.write_row((i, sid, "", "", "", "inbound", "main", "v1", "", "ko", "{}", 0, 0, True, "{}",
                                "completed", at, at))
        with cur.copy(f"COPY call_events ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for row in event_rows:
                i, c, at, k, n, d = row
                copy.write_row((i, c, at, k, n, "v1", d))
        raw.commit()
        cur.execute("ANALYZE calls"); cur.execute("ANALYZE call_events")
        raw.commit()
    finally:
        raw.close()


# -- the naive version --------------------------------------------------------------------------------------
def naive_funnel(session, start: datetime, end: datetime) -> dict:
    """Every event of the period's calls into Python, walked call by call: entries and exits per node."""
    rows = session.execute(select(CallEventRow.call_id, CallEventRow.at, CallEventRow.kind, CallEventRow.node,
                                  CallEventRow.detail).join(CallRow, CallRow.id == CallEventRow.call_id)
                           .where(CallRow.flow_name == "main", CallRow.started_at >= start, CallRow.started_at < end)
                           .order_by(CallEventRow.call_id, CallEventRow.id)).all()
    nodes: dict[str, dict] = {}
    visit = None
    for call_id, at, kind, node, detail in rows:
        if kind == "node_entered" or (visit is not None and visit["call"] != call_id):
            _close(nodes, visit, at if visit is not None and visit["call"] == call_id else None)
            visit = {"call": call_id, "node": node, "reason": None, "ended": False, "hung": False} if kind == "node_entered" else None
            continue
        if visit is None:
            continue
        visit["ended"] |= kind == "call_ended"
        visit["hung"] |= kind == "status" and detail.get("status") == "completed"
        reason = _naive_reason(kind, detail)
        if reason is not None:
            visit["reason"] = reason
    _close(nodes, visit, None)
    return nodes


def _naive_reason(kind: str, detail: dict):
    if kind == "digits_entered":
        return detail["digits"] if detail.get("valid") and "variable" not in detail else (None if detail.get("valid") else "retry")
    if kind == "speech_heard":
        return detail["option"] if detail.get("confident") and detail.get("option") else "retry"
    if kind in ("invalid", "no_input"):
        return "retry"
    if kind == "tries_exhausted":
        return detail["reason"]
    if kind == "queue_left":
        return {"hangup": "hangup", "overflowed": "overflow"}.get(detail["outcome"])
    if kind == "agent_dial_ended":
        return "queue" if detail["status"] in ("completed", "answered") else "retry"
    if kind == "http_fetched":
        return "next" if detail["ok"] else "failed"
    if kind == "voicemail_recorded":
        return "recorded"
    if kind == "hours_checked":
        return "open" if detail["open"] else "closed"
    return None


def _close(nodes: dict, visit: dict | None, next_at) -> None:
    if visit is None:
        return
    reason = visit["reason"]
    if reason in (None, "retry"):
        reason = "end" if visit["ended"] else "next" if next_at is not None else "hangup" if visit["hung"] else "active"
    tally = nodes.setdefault(visit["node"], {"entries": 0, "exits": {}})
    tally["entries"] += 1
    tally["exits"][reason] = tally["exits"].get(reason, 0) + 1


# -- timing -------------------------------------------------------------------------------------------------
def _engine(name: str, folder: Path):
    if name == "sqlite":
        return make_engine(f"sqlite:///{folder}/funnel.db", UNBOUNDED)
    import psycopg

    url = __import__("os").environ.get("IVR_BENCH_POSTGRES_URL", PG_URL)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'); conn.execute(f'CREATE SCHEMA "{SCHEMA}"')
    # the naive walk holds its transaction open while Python works: no idle-in-transaction bound here
    return make_engine(f"{url}?options=-csearch_path%3D{SCHEMA}%20-cidle_in_transaction_session_timeout%3D0", UNBOUNDED)


def run(name: str, calls, events, repeats: int, folder: Path) -> dict:
    engine = _engine(name, folder)
    upgrade(engine)
    began = time.perf_counter()
    (load_sqlite if name == "sqlite" else load_postgresql)(engine, calls, events)
    loaded_s = time.perf_counter() - began
    catalog = FlowCatalog(ROOT / "flows")
    catalog.load()
    uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False))
    clock = FakeClock(datetime(2026, 4, 1, 3, 0, tzinfo=timezone.utc))  # April 1st, noon in Seoul: March is over
    service = FunnelService(uow, catalog, "Asia/Seoul", clock)
    began = time.perf_counter()
    summarised, _live = service.rebuild("main")
    rebuild_s = time.perf_counter() - began
    on_the_31st = FunnelService(uow, catalog, "Asia/Seoul", FakeClock(datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)))
    period = parse_period("2026-03-01", "2026-03-31", "Asia/Seoul")
    times: dict[str, list[float]] = {"summary": [], "today": [], "log": [], "naive": []}
    for _ in range(repeats):
        found = _timed(times["summary"], service.funnel, "main", "2026-03-01", "2026-03-31")
        partly = _timed(times["today"], on_the_31st.funnel, "main", "2026-03-01", "2026-03-31")
        logged = _timed(times["log"], service.funnel_live, "main", "2026-03-01", "2026-03-31")
        with uow() as work:
            naive = _timed(times["naive"], naive_funnel, work.session, period.start, period.end)
    same = all(found["nodes"][n]["entries"] == v["entries"] and found["nodes"][n]["exits"] == v["exits"] for n, v in naive.items())
    engine.dispose()
    return {"engine": name, "load_s": loaded_s, "rebuild_s": rebuild_s, "days": summarised,
            **{f"{k}_s": statistics.median(v) for k, v in times.items()},
            "exact": found == logged and partly == logged, "same": same, "entries": found["nodes"]["welcome"]["entries"]}


def _timed(into: list, function, *args):
    began = time.perf_counter()
    result = function(*args)
    into.append(time.perf_counter() - began)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    began = time.perf_counter()
    calls, events = generate(args.events)
    print(f"generated {len(calls):,} calls, {len(events):,} events in {time.perf_counter() - began:.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for name in args.engines.split(","):
            r = run(name, calls, events, args.repeats, Path(folder))
            print(f"{r['engine']:<11} load {r['load_s']:6.1f} s | rebuild {r['days']} days {r['rebuild_s']:6.1f} s | "
                  f"March ({r['entries']:,} calls): summaries {r['summary_s'] * 1000:7.1f} ms, with the 31st live "
                  f"{r['today_s'] * 1000:7.1f} ms, log query {r['log_s']:6.2f} s, naive {r['naive_s']:6.2f} s | "
                  f"summaries = log query exactly: {r['exact']} | naive same entries and exits: {r['same']}", flush=True)


if __name__ == "__main__":
    main()

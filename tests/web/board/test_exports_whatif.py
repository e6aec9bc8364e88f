"""CSV exports (parse, hold the call, formulas defused, sealed values never opened) and what-if staffing against
known Erlang C values, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

SEOUL_MIDNIGHT = datetime(2026, 3, 1, 15, 0, tzinfo=timezone.utc)  # 2026-03-02 00:00 in Seoul


def read_csv(reply) -> list[dict]:
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    body = reply.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_calls_csv_parses_has_the_call_and_defuses_formulas(day, clock):
    clock.current = SEOUL_MIDNIGHT + timedelta(hours=3)
    sid = "CA" + "a" * 32
    day.call(sid, SEOUL_MIDNIGHT + timedelta(hours=1), number="=HYPERLINK(\"x\")",
             variables={"pin": "sealed:v1:gAAAAsecret", "name": "김민지", "note": "@SUM(1)"})
    day.call("CA" + "b" * 32, SEOUL_MIDNIGHT - timedelta(hours=1))  # the day before: not in this day's export
    rows = read_csv(day.api.get("/api/reports/calls.csv?from=2026-03-02&to=2026-03-02"))
    assert [r["call_sid"] for r in rows] == [sid]
    assert rows[0]["from"] == "'=HYPERLINK(\"x\")"
    assert "secret" not in rows[0]["variables"] and '"pin": "****"' in rows[0]["variables"]
    assert '"name": "김민지"' in rows[0]["variables"]


def test_queue_entries_and_surveys_csv_have_a_header_and_the_rows_of_the_range(day, clock):
    clock.current = SEOUL_MIDNIGHT + timedelta(hours=3)
    sid = day.entry("billing", SEOUL_MIDNIGHT + timedelta(minutes=5), "completed", 12, 90, "kim", number="-1")
    day.survey(sid, "overall", "4", SEOUL_MIDNIGHT + timedelta(minutes=10))
    entries = read_csv(day.api.get("/api/reports/queue_entries.csv?from=2026-03-02"))
    assert len(entries) == 1 and entries[0]["call_sid"] == sid and entries[0]["from"] == "'-1"
    assert (entries[0]["queue"], entries[0]["status"], float(entries[0]["wait_s"]), entries[0]["agent"]) == ("billing", "completed", 12, "kim")
    surveys = read_csv(day.api.get("/api/reports/surveys.csv?from=2026-03-02"))
    assert [(r["call_sid"], r["answer"], r["queue"], r["agent"]) for r in surveys] == [(sid, "4", "billing", "kim")]
    assert read_csv(day.api.get("/api/reports/surveys.csv?from=2026-03-03")) == []
    assert day.api.get("/api/reports/nothing.csv").status_code == 404
    assert day.api.get("/api/reports/calls.csv?from=03/02/2026").status_code == 400


def erlang_c(agents: int, traffic: float) -> float:
    """The textbook formula with factorials (independent of callqueue/erlang.py's recursion)."""
    head = sum(traffic ** k / math.factorial(k) for k in range(agents))
    tail = traffic ** agents / math.factorial(agents) * agents / (agents - traffic)
    return tail / (head + tail)


@pytest.fixture
def ten_erlangs(day, clock):
    """100 billing calls in the first 30 minutes of the day, 180 s each: 1/18 call per second, 10 Erlangs."""
    clock.current = SEOUL_MIDNIGHT + timedelta(minutes=30)
    for i in range(100):
        day.entry("billing", SEOUL_MIDNIGHT + timedelta(seconds=18 * i), "completed", 0, 180, "kim")


def test_whatif_with_n_agents_gives_erlang_c_and_the_simulation_beside_it(day, ten_erlangs):
    body = day.api.get("/api/queues/billing/whatif?agents=12").get_json()
    assert (body["arrivals_per_hour"], body["handle_s"], body["traffic_erlangs"]) == (200, 180, 10)
    waiting = erlang_c(12, 10)
    assert round(waiting, 4) == 0.4494  # the Erlang C table's value for 10 Erlangs on 12 agents
    assert body["erlang_c"]["probability_of_waiting"] == round(waiting, 3)
    assert body["erlang_c"]["service_level"] == round(1 - waiting * math.exp(-2 * 20 / 180), 3)  # 0.640
    assert body["erlang_c"]["asa_s"] == round(waiting * 180 / 2, 1)  # 40.4 s
    assert abs(body["simulation"]["service_level"] - body["erlang_c"]["service_level"]) < 0.1
    assert body["staffed_now"] == 0 and body["offered_today"] == 100


def test_whatif_for_a_target_gives_the_fewest_agents_that_reach_it(day, ten_erlangs):
    body = day.api.get("/api/queues/billing/whatif?target_pct=80&target_s=20").get_json()
    levels = {n: 1 - erlang_c(n, 10) * math.exp(-(n - 10) * 20 / 180) for n in (13, 14)}
    assert levels[13] < 0.8 <= levels[14] and body["agents_needed"] == 14 and body["agents"] == 14
    assert body["erlang_c"]["service_level"] == round(levels[14], 3)
    assert day.api.get("/api/queues/billing/whatif?target_pct=90&target_s=20").get_json()["agents_needed"] > 14


@pytest.mark.parametrize("query, status", [("target_pct=120", 400), ("target_s=-3", 400), ("agents=x", 400),
                                           ("agents=100000", 400), ("target_pct=nan", 400)])
def test_whatif_bad_figures_are_400(day, ten_erlangs, query, status):
    assert day.api.get(f"/api/queues/billing/whatif?{query}").status_code == status


def test_whatif_for_an_unknown_queue_is_404_and_a_quiet_day_says_so(day):
    assert day.api.get("/api/queues/nope/whatif").status_code == 404
    body = day.api.get("/api/queues/billing/whatif").get_json()
    assert body["agents_needed"] is None and "no calls today" in body["note"]


def test_whatif_reads_only_its_queue_not_the_whole_board(day, ten_erlangs):
    """Its queue's totals and callers in line (filtered by queue) and the agents: not the board's series or
    wait buckets, nor any other queue's figures."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = day.services.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert day.api.get("/api/queues/billing/whatif?agents=12").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    entries = [(s, p) for s, p in seen if "queue_entries" in s]
    assert len(entries) == 3  # totals and callers in line of billing, and the call each agent is on
    aggregates = [(s, p) for s, p in entries if "GROUP BY" in s.upper()]
    assert len(aggregates) == 2 and all("billing" in str(p) for _, p in aggregates)

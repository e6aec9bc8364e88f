"""The wallboard and the reports on a scripted day: every figure checked against numbers worked out here from the
script, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

SEOUL_MIDNIGHT = datetime(2026, 3, 1, 15, 0, tzinfo=timezone.utc)  # 2026-03-02 00:00 in Seoul
# (minutes after midnight, status, wait s, handle s, agent, estimate s) in billing (target 80 % in 20 s)
SCRIPT = [
    (1, "completed", 5, 100, "kim", None),
    (3, "completed", 25, 200, "kim", 30),
    (14, "abandoned", 40, None, None, None),
    (16, "completed", 10, 300, "park", 20),
    (20, "abandoned", 70, None, None, None),
    (31, "completed", 18, 60, "kim", 10),
    (44, "overflowed", 300, None, None, None),
]


@pytest.fixture
def scripted(day, clock):
    clock.current = SEOUL_MIDNIGHT + timedelta(minutes=50)
    sids = [day.entry("billing", SEOUL_MIDNIGHT + timedelta(minutes=m), status, wait, handle, agent, estimate_s=est)
            for m, status, wait, handle, agent, est in SCRIPT]
    day.entry("support", SEOUL_MIDNIGHT - timedelta(minutes=5), "completed", 1, 50, "lee")  # yesterday: not counted
    return sids


def expected_billing() -> dict:
    answered = [s for s in SCRIPT if s[1] == "completed"]
    return {"offered": len(SCRIPT), "answered": len(answered), "abandoned": sum(s[1] == "abandoned" for s in SCRIPT),
            "overflowed": sum(s[1] == "overflowed" for s in SCRIPT),
            "within": sum(s[2] <= 20 for s in answered),
            "asa": sum(s[2] for s in answered) / len(answered), "aht": sum(s[3] for s in answered) / len(answered)}


def test_the_wallboard_tile_has_todays_figures_and_the_service_level_colour(day, scripted):
    board = day.api.get("/api/board").get_json()
    tile = next(t for t in board["queues"] if t["name"] == "billing")
    want = expected_billing()
    assert (tile["offered"], tile["answered"], tile["abandoned"], tile["overflowed"]) == (
        want["offered"], want["answered"], want["abandoned"], want["overflowed"])
    assert tile["service_level"] == round(want["within"] / want["offered"], 3)  # 3 of 7: 0.429
    assert tile["service_level_colour"] == "red"  # 42.9 % is more than 10 points under 80 %
    assert tile["asa_s"] == round(want["asa"], 1) and tile["aht_s"] == round(want["aht"], 1)
    assert (tile["service_level_s"], tile["service_level_pct"]) == (20, 80)
    support = next(t for t in board["queues"] if t["name"] == "support")
    assert support["offered"] == 0 and support["service_level_colour"] == "none"


def test_the_series_counts_each_quarter_hour_from_midnight_to_now(day, scripted):
    series = day.api.get("/api/board").get_json()["series"]
    assert len(series["slots"]) == 4  # 00:00, 00:15, 00:30, 00:45 (now is 00:50)
    line = series["queues"]["billing"]
    slots = [m // 15 for m, *_ in SCRIPT]
    assert line["offered"] == [slots.count(i) for i in range(4)]
    assert line["abandoned"] == [sum(1 for (m, st, *_) in SCRIPT if m // 15 == i and st == "abandoned") for i in range(4)]
    within = [sum(1 for (m, st, w, *_) in SCRIPT if m // 15 == i and st == "completed" and w <= 20) for i in range(4)]
    # every caller of this script counts for the service level (answered, or gone after more than 20 s)
    assert line["sl_counted"] == line["offered"]
    assert line["service_level"] == [round(w / o, 3) if o else None for w, o in zip(within, line["offered"])]
    assert line["service_level_so_far"][-1] == round(sum(within) / len(SCRIPT), 3)
    told = [(m, w, est) for m, st, w, h, a, est in SCRIPT if est is not None]
    assert line["estimate_s"][0] == 30 and line["actual_wait_s"][0] == 25  # the 00:03 caller: told 30, waited 25
    assert line["estimate_error_s"][2] == abs(told[2][2] - told[2][1])


def test_wait_buckets_put_each_caller_by_its_wait(day, scripted):
    buckets = day.api.get("/api/board").get_json()["wait_buckets"]
    edges = buckets["edges_s"]
    billing = buckets["queues"]["billing"]

    def index(wait):
        return max(i for i, low in enumerate(edges) if wait >= low)
    assert billing["answered"] == [sum(1 for s in SCRIPT if s[1] == "completed" and index(s[2]) == i) for i in range(len(edges))]
    assert billing["abandoned"] == [sum(1 for s in SCRIPT if s[1] == "abandoned" and index(s[2]) == i) for i in range(len(edges))]


def test_the_queue_report_for_the_day_matches_the_wallboard_and_adds_occupancy_and_surveys(day, scripted, clock):
    day.survey(scripted[0], "overall", "5", clock.now())
    day.survey(scripted[1], "overall", "2", clock.now())
    day.survey(scripted[1], "agent", None, clock.now())  # skipped: not averaged
    report = day.api.get("/api/reports/queues?from=2026-03-02&to=2026-03-02").get_json()
    billing = next(q for q in report["queues"] if q["queue"] == "billing")
    want = expected_billing()
    assert (billing["offered"], billing["answered"], billing["answered_within"]) == (want["offered"], want["answered"], want["within"])
    assert billing["surveys"] == {"satisfaction": {"overall": {"average": 3.5, "answers": 2}}}
    assert billing["occupancy"] is None  # no status log in this script (test_service_level_occupancy.py has one)
    assert billing["dispositions"] == {}
    yesterday = day.api.get("/api/reports/queues?from=2026-03-01").get_json()
    assert next(q for q in yesterday["queues"] if q["queue"] == "support")["offered"] == 1


def test_the_agent_report_gives_each_agent_its_calls_and_handle_time(day, scripted):
    agents = {a["agent"]: a for a in day.api.get("/api/reports/agents?from=2026-03-02").get_json()["agents"]}
    kim = [s for s in SCRIPT if s[4] == "kim"]
    assert agents["kim"]["answered"] == len(kim)
    assert agents["kim"]["aht_s"] == round(sum(s[3] for s in kim) / len(kim), 1)
    assert agents["park"]["answered"] == 1 and agents["smith"]["answered"] == 0
    assert agents["kim"]["queues"] == ["billing"]


@pytest.mark.parametrize("query, message", [
    ("from=2026-13-01", "not a calendar date"), ("from=yesterday", "must be a date"),
    ("from=2026-03-05&to=2026-03-01", "is before from"), ("from=2024-01-01&to=2026-01-01", "at most 366 days"),
])
def test_a_bad_period_is_a_clear_400(day, query, message):
    reply = day.api.get(f"/api/reports/queues?{query}")
    assert reply.status_code == 400 and message in reply.get_json()["error"]


def test_the_board_needs_the_token(board_app):
    assert board_app.test_client().get("/api/board").status_code == 401

"""Service level as contact centers count it (answered within T over answered, abandoned after the threshold,
overflowed after T and still waiting past T) and occupancy from the agents' status log, on the wallboard, the
series, the reports and the CSV — expected numbers worked out here from the script, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from callqueue.tables import QueueEntryRow

MIDNIGHT = datetime(2026, 3, 1, 15, 0, tzinfo=timezone.utc)  # 2026-03-02 00:00 in Seoul
NOW = MIDNIGHT + timedelta(minutes=50)
TARGET_S = 20  # billing in flows/queues.yaml
# (seconds after midnight it entered, status, wait s, resumed) in billing; waiting callers wait until NOW
SCRIPT = [
    (60, "completed", 5, False),     # within the target
    (120, "completed", 30, False),   # answered late
    (300, "abandoned", 3, False),    # hung up within the threshold: not counted
    (420, "abandoned", 45, False),   # hung up after it: a miss
    (600, "abandoned", 60, True),    # resumed by a returning caller: its returning stay counts instead
    (700, "overflowed", 300, False),  # sent on after waiting past T: a miss
    (2990, "waiting", None, False),  # waiting 10 s: not decided yet
    (2960, "waiting", None, False),  # waiting 40 s: already a miss
]


def counts(script, target_s: float, ignore_s: float) -> tuple[int, int]:
    within = sum(1 for _, st, w, _ in script if st == "completed" and w <= target_s)
    answered = sum(1 for _, st, *_ in script if st == "completed")
    abandoned = sum(1 for _, st, w, resumed in script if st == "abandoned" and not resumed and w > ignore_s)
    overflowed = sum(1 for _, st, w, _ in script if st == "overflowed" and w > target_s)
    waiting = sum(1 for at, st, *_ in script if st == "waiting" and (NOW - MIDNIGHT).total_seconds() - at > target_s)
    return within, answered + abandoned + overflowed + waiting


def play(day, script) -> list[str]:
    day.clock.current = NOW
    sids = []
    for at, status, wait, resumed in script:
        sid = day.entry("billing", MIDNIGHT + timedelta(seconds=at), status, wait, 100 if status == "completed" else None,
                        "kim" if status == "completed" else None)
        sids.append(sid)
        if resumed:
            with day.services.uow() as uow:
                uow.session.query(QueueEntryRow).filter_by(call_sid=sid).update({"resumed_by": 999})
                uow.commit()
    return sids


def billing_tile(day) -> dict:
    return next(t for t in day.api.get("/api/board").get_json()["queues"] if t["name"] == "billing")


def test_one_caller_waiting_one_second_and_nobody_answered_is_no_service_level_yet(day, clock):
    clock.current = NOW
    day.entry("billing", NOW - timedelta(seconds=1), "waiting")
    tile = billing_tile(day)
    assert (tile["offered"], tile["waiting"], tile["service_level_counted"]) == (1, 1, 0)
    assert tile["service_level"] is None and tile["service_level_colour"] == "none"


def test_the_service_level_counts_answered_late_abandons_overflows_and_long_waiters_only(day):
    sids = play(day, SCRIPT)
    within, counted = counts(SCRIPT, TARGET_S, TARGET_S)
    assert (within, counted) == (1, 5)  # worked out by hand as well: 1 of 5
    tile = billing_tile(day)
    assert (tile["answered_within"], tile["service_level_counted"]) == (within, counted)
    assert tile["service_level"] == round(within / counted, 3) and tile["service_level_colour"] == "red"
    assert tile["offered"] == len(SCRIPT)

    line = day.api.get("/api/board").get_json()["series"]["queues"]["billing"]
    assert sum(line["sl_counted"]) == counted and line["service_level_so_far"][-1] == round(within / counted, 3)
    last = [s for s in SCRIPT if s[0] >= 2700]  # the 00:45 slot: the two waiting callers
    assert line["sl_counted"][3] == counts(last, TARGET_S, TARGET_S)[1] == 1

    report = day.api.get("/api/reports/queues?from=2026-03-02").get_json()
    billing = next(q for q in report["queues"] if q["queue"] == "billing")
    assert (billing["answered_within"], billing["service_level_counted"], billing["service_level"]) == (
        within, counted, round(within / counted, 3))

    body = day.api.get("/api/reports/queue_entries.csv?from=2026-03-02").data.decode("utf-8-sig")
    rows = {r["call_sid"]: r["service_level"] for r in csv.DictReader(io.StringIO(body))}
    assert [rows[sid] for sid in sids] == ["within", "missed", "", "missed", "", "missed", "", "missed"]
    assert sum(v == "within" for v in rows.values()) == within and sum(v != "" for v in rows.values()) == counted


def changes_seconds(changes: list[tuple[int, str]], end_s: int) -> dict[str, float]:
    """Seconds in each status from midnight to `end_s`, for changes at seconds after midnight (negative: before)."""
    out: dict[str, float] = {}
    for (at, status), (nxt, _) in zip(changes, changes[1:] + [(end_s, "")]):
        begins, ends = max(at, 0), min(nxt, end_s)
        if ends > begins:
            out[status] = out.get(status, 0) + ends - begins
    return out


KIM = [(0, "available"), (60, "reserved"), (65, "busy"), (165, "wrap_up"), (195, "available"), (600, "break"),
       (900, "available"), (1200, "offline")]
PARK = [(-600, "available"), (960, "busy"), (1260, "wrap_up"), (1290, "available")]


def occupancy(*agents: dict[str, float]) -> float:
    busy = sum(a.get(s, 0) for a in agents for s in ("busy", "wrap_up"))
    staffed = sum(a.get(s, 0) for a in agents for s in ("available", "reserved", "busy", "wrap_up"))
    return round(busy / staffed, 3)


def test_occupancy_is_busy_and_wrap_up_over_staffed_time_from_the_status_log(day, clock):
    clock.current = NOW
    end_s = int((NOW - MIDNIGHT).total_seconds())
    day.statuses("kim", [(MIDNIGHT + timedelta(seconds=at), st) for at, st in KIM])
    day.statuses("park", [(MIDNIGHT + timedelta(seconds=at), st) for at, st in PARK])
    day.entry("billing", MIDNIGHT + timedelta(seconds=55), "completed", 10, 100, "kim")
    day.entry("billing", MIDNIGHT + timedelta(seconds=950), "completed", 10, 300, "park")
    kim, park = changes_seconds(KIM, end_s), changes_seconds(PARK, end_s)
    assert kim == {"available": 60 + 405 + 300, "reserved": 5, "busy": 100, "wrap_up": 30, "break": 300,
                   "offline": end_s - 1200}

    agents = {a["agent"]: a for a in day.api.get("/api/reports/agents?from=2026-03-02").get_json()["agents"]}
    assert agents["kim"]["status_s"] == kim and agents["park"]["status_s"] == park
    assert agents["kim"]["occupancy"] == occupancy(kim) and agents["park"]["occupancy"] == occupancy(park)
    assert agents["kim"]["staffed_s"] == 60 + 405 + 300 + 5 + 100 + 30
    report = day.api.get("/api/reports/queues?from=2026-03-02").get_json()
    billing = next(q for q in report["queues"] if q["queue"] == "billing")
    assert billing["occupancy"] == occupancy(kim, park)  # the agents who answered billing's calls, pooled
    support = next(q for q in report["queues"] if q["queue"] == "support")
    assert support["occupancy"] is None

    yesterday = {a["agent"]: a for a in day.api.get("/api/reports/agents?from=2026-03-01").get_json()["agents"]}
    assert yesterday["park"]["status_s"] == {"available": 600.0} and yesterday["park"]["occupancy"] == 0.0

"""The wallboard's snapshot: each queue now and today, agents by state, today's series per 15 minutes.

Pages fetch it again on each live-feed nudge; every figure is an SQL aggregate (see queries.py), so the snapshot
costs the same with 10 or 100,000 calls today. Erlang C is fed today's measured load: arrivals per second since the
day began, and today's mean handle time (180 s before any call ended).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from callqueue.matching import misfit
from callqueue.model import Agent
from callqueue.queues import Queue, QueueConfig

from .figures import AMBER_BAND_PCT, DEFAULT_HANDLE_S, erlang_c, queue_figures, rounded, share
from .periods import day_of, period
from .queries import WAIT_EDGES_S, BoardQueries
from .service_level import rules_of

INTERVAL_S = 900
STATES = {"available": "available", "reserved": "on_call", "busy": "on_call", "wrap_up": "wrap_up",
          "break": "break", "missed": "break", "offline": "offline"}


def snapshot(queries: BoardQueries, config: QueueConfig, now: datetime) -> dict:
    """Everything the wallboard shows, as of `now` (see docs/board.md for every key)."""
    today = period(day_of(now, config.timezone), day_of(now, config.timezone), config.timezone)
    rules = rules_of(config)
    agents = queries.agents_now()
    totals, live = queries.queue_totals(today.start, today.end, rules, now), queries.waiting_now()
    elapsed_s = max(1.0, (now - today.start).total_seconds())
    return {"at": now.isoformat(), "day": today.first.isoformat(), "timezone": config.timezone,
            "interval_s": INTERVAL_S, "amber_band_pct": AMBER_BAND_PCT,
            "queues": [_tile(name, q, totals.get(name), live.get(name), agents, now, elapsed_s)
                       for name, q in config.queues.items()],
            "agents": [_agent(a, config, now) for a in agents],
            "series": _series(queries, config, today.start, now, rules),
            "wait_buckets": _buckets(queries.wait_buckets(today.start, today.end), config)}


def _tile(name: str, queue: Queue, totals: dict | None, live: dict | None, agents: list[dict], now: datetime,
          elapsed_s: float) -> dict:
    figures = queue_figures(totals, queue.service_level_s, queue.service_level_pct)
    staff = _staff([a for a in agents if _able(a, queue)])
    oldest = (live or {}).get("oldest_at")
    handle = figures["aht_s"] or DEFAULT_HANDLE_S
    return {"name": name, "waiting": int((live or {}).get("waiting") or 0),
            "longest_wait_now_s": rounded((now - oldest).total_seconds()) if oldest else None,
            **staff, **figures,
            "erlang_c": erlang_c(figures["offered"] / elapsed_s, handle, staff["agents_staffed"],
                                 queue.service_level_s, queue.service_level_pct)}


def _able(agent: dict, queue: Queue) -> bool:
    needs = tuple(sorted(queue.skills.items()))
    return misfit(Agent(agent["id"], agent["name"], "", dict(agent["skills"] or {})), needs, frozenset()) is None


def _staff(agents: list[dict]) -> dict:
    states = [STATES.get(a["status"], "offline") for a in agents]
    return {"agents_total": len(agents), "agents_staffed": sum(s != "offline" and s != "break" for s in states),
            "agents_available": states.count("available"), "agents_on_call": states.count("on_call"),
            "agents_wrap_up": states.count("wrap_up"), "agents_break": states.count("break")}


def _agent(row: dict, config: QueueConfig, now: datetime) -> dict:
    since = row["status_since"]
    call = None
    if row["entry_id"] is not None and row["call_sid"]:
        call = {"entry_id": row["entry_id"], "call_sid": row["call_sid"], "queue": row["queue"], "from": row["from_number"],
                "talking_s": rounded((now - row["answered_at"]).total_seconds()) if row["answered_at"] else None}
    return {"id": row["id"], "name": row["name"], "status": row["status"], "state": STATES.get(row["status"], "offline"),
            "since": since.isoformat() if since else None,
            "in_state_s": rounded((now - since).total_seconds()) if since else None, "calls_today": row["calls_today"],
            "queues": [n for n, q in config.queues.items() if _able(row, q)], "call": call}


def tile(queries: BoardQueries, config: QueueConfig, name: str, now: datetime) -> dict:
    """One queue's tile alone (what-if staffing reads it): that queue's aggregates only."""
    today = period(day_of(now, config.timezone), day_of(now, config.timezone), config.timezone)
    totals = queries.queue_totals(today.start, today.end, rules_of(config), now, queue=name)
    live = queries.waiting_now(queue=name)
    return _tile(name, config.queues[name], totals.get(name), live.get(name), queries.agents_now(), now,
                 max(1.0, (now - today.start).total_seconds()))


def _series(queries: BoardQueries, config: QueueConfig, start: datetime, now: datetime, rules: dict) -> dict:
    """Per queue, one value per 15-minute slot from midnight to now (later slots are left out)."""
    slots = int((now - start).total_seconds() // INTERVAL_S) + 1
    counts = ("offered", "answered", "abandoned", "answered_within", "sl_counted")
    empty = {k: [0] * slots for k in counts}
    by_queue = {name: {**{k: list(v) for k, v in empty.items()}, "estimate_s": [None] * slots,
                       "actual_wait_s": [None] * slots, "estimate_error_s": [None] * slots} for name in config.queues}
    for row in queries.series(start, now + timedelta(seconds=1), INTERVAL_S, rules, now):
        line = by_queue.get(row["queue"])
        if line is None or not 0 <= row["slot"] < slots:
            continue
        for key in counts:
            line[key][row["slot"]] = int(row[key])
        for key in ("estimate_s", "actual_wait_s", "estimate_error_s"):
            line[key][row["slot"]] = rounded(row[key])
    for line in by_queue.values():
        _levels(line)
    return {"slots": [(start + timedelta(seconds=i * INTERVAL_S)).isoformat() for i in range(slots)], "queues": by_queue}


def _levels(line: dict) -> None:
    """Service level per slot, and so far today after each slot (the curve the board draws)."""
    line["service_level"] = [rounded(share(w, c), 3) for w, c in zip(line["answered_within"], line["sl_counted"])]
    within = counted = 0
    line["service_level_so_far"] = []
    for w, c in zip(line["answered_within"], line["sl_counted"]):
        within, counted = within + w, counted + c
        line["service_level_so_far"].append(rounded(share(within, counted), 3))


def _buckets(rows: list[dict], config: QueueConfig) -> dict:
    size = len(WAIT_EDGES_S)
    queues = {name: {"answered": [0] * size, "abandoned": [0] * size, "service_level_s": q.service_level_s}
              for name, q in config.queues.items()}
    for row in rows:
        if row["queue"] in queues:
            queues[row["queue"]]["answered"][row["bucket"]] = int(row["answered"])
            queues[row["queue"]]["abandoned"][row["bucket"]] = int(row["abandoned"])
    return {"edges_s": list(WAIT_EDGES_S), "queues": queues}


"""Figures from the aggregates: service level with its colour, rates, Erlang C for a load, rounding for JSON.

Service level is defined once in service_level.py (answered within T over the callers counted). Its colour:
green at or above the queue's `service_level_pct`; amber below it by at most AMBER_BAND_PCT percentage points
(80 % target: amber from 70 % up to 80 %); red further below; `none` while nobody counts yet.
"""
from __future__ import annotations

import math

from callqueue import erlang

AMBER_BAND_PCT = 10.0
DEFAULT_HANDLE_S = 180.0


def colour(level: float | None, target_pct: float) -> str:
    if level is None:
        return "none"
    pct = level * 100
    if pct >= target_pct:
        return "green"
    return "amber" if pct >= target_pct - AMBER_BAND_PCT else "red"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rounded(value, digits: int = 1):
    if value is None:
        return None
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return None
    return round(value, digits)


def queue_figures(totals: dict | None, target_s: float, target_pct: float) -> dict:
    """offered ... service level and its colour, from one row of `BoardQueries.queue_totals` (None: no callers)."""
    t = totals or {}
    offered, answered = int(t.get("offered") or 0), int(t.get("answered") or 0)
    counted = int(t.get("sl_counted") or 0)
    level = share(int(t.get("answered_within") or 0), counted)
    return {"offered": offered, "answered": answered, "abandoned": int(t.get("abandoned") or 0),
            "overflowed": int(t.get("overflowed") or 0), "answered_within": int(t.get("answered_within") or 0),
            "service_level_counted": counted,
            "abandonment_rate": rounded(share(int(t.get("abandoned") or 0), offered), 3),
            "service_level": rounded(level, 3), "service_level_s": target_s, "service_level_pct": target_pct,
            "service_level_colour": colour(level, target_pct), "asa_s": rounded(t.get("asa_s")),
            "aht_s": rounded(t.get("aht_s")), "longest_wait_s": rounded(t.get("longest_wait_s"))}


def erlang_c(arrivals_per_s: float, handle_s: float, agents: int, target_s: float, target_pct: float) -> dict:
    """What Erlang C predicts for `agents` at this load, and how many agents the target needs."""
    traffic = arrivals_per_s * handle_s
    body = {"arrivals_per_hour": rounded(arrivals_per_s * 3600), "handle_s": rounded(handle_s), "agents": agents,
            "traffic_erlangs": rounded(traffic, 3), "probability_of_waiting": None, "asa_s": None,
            "service_level": None, "agents_needed": None, "occupancy": None}
    if arrivals_per_s <= 0 or handle_s <= 0:
        return body
    body["agents_needed"] = erlang.agents_needed(arrivals_per_s, handle_s, target_s, min(target_pct, 99.9) / 100)
    if agents > 0:
        body.update(probability_of_waiting=rounded(erlang.probability_of_waiting(agents, arrivals_per_s, handle_s), 3),
                    asa_s=rounded(erlang.average_speed_of_answer_s(agents, arrivals_per_s, handle_s)),
                    service_level=rounded(erlang.service_level(agents, arrivals_per_s, handle_s, target_s), 3),
                    occupancy=rounded(min(1.0, traffic / agents), 3))
    return body

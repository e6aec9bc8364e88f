"""Reports for a period (a day, a week, a range): per queue and per agent, from SQL aggregates.

Occupancy is read from the agents' status log (`agent_status_log`): time busy or in wrap-up over time staffed
(available, reserved, busy or in wrap-up) in the period up to now; break, missed and offline are not staffed. A
queue's occupancy pools the agents who answered its calls in the period (an agent serving two queues counts in
both, with all of its time).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from callqueue.queues import QueueConfig

from .figures import queue_figures, rounded, share
from .periods import Period
from .queries import BoardQueries
from .service_level import rules_of


STAFFED = ("available", "reserved", "busy", "wrap_up")
WORKING = ("busy", "wrap_up")


def queues_report(queries: BoardQueries, config: QueueConfig, span: Period, now: datetime) -> dict:
    """Per configured queue (and any other queue callers reached in the period): figures, occupancy, dispositions,
    survey averages."""
    totals = queries.queue_totals(span.start, span.end, rules_of(config), now)
    agents = _by_agent(queries.status_seconds(span.start, min(span.end, now)))
    served = defaultdict(set)
    for row in queries.agent_work(span.start, span.end):
        if int(row["answered"] or 0):
            served[row["queue"]].add(row["agent_id"])
    work = {queue: _occupancy([agents.get(a, {}) for a in ids]) for queue, ids in served.items()}
    dispositions, surveys = _by_key(queries.dispositions(span.start, span.end, "queue")), _surveys(
        queries.survey_averages(span.start, span.end, "queue"))
    names = list(config.queues) + sorted(set(totals) - set(config.queues))
    rows = []
    for name in names:
        queue = config.queues.get(name)
        target_s, target_pct = (queue.service_level_s, queue.service_level_pct) if queue else (20.0, 80.0)
        rows.append({"queue": name, **queue_figures(totals.get(name), target_s, target_pct), **work.get(name, _idle()),
                     "dispositions": dispositions.get(name, {}), "surveys": surveys.get(name, {})})
    return {**span.json(), "queues": rows}


def agents_report(queries: BoardQueries, config: QueueConfig, span: Period, names: dict[str, str],
                  now: datetime) -> dict:
    """Per agent who was offered a call in the period (and every known agent, with zeros): answered, AHT, ASA of
    its callers, time in each status, occupancy, dispositions, survey averages."""
    raw = queries.agent_work(span.start, span.end)
    agents = _by_agent(queries.status_seconds(span.start, min(span.end, now)))
    answered, handle = defaultdict(int), defaultdict(float)
    for row in raw:
        answered[row["agent_id"]] += int(row["answered"] or 0)
        handle[row["agent_id"]] += float(row["handle_total_s"] or 0)
    dispositions, surveys = _by_key(queries.dispositions(span.start, span.end, "agent")), _surveys(
        queries.survey_averages(span.start, span.end, "agent"))
    ids = sorted(set(names) | set(answered) | set(agents))
    return {**span.json(), "agents": [
        {"agent": agent, "name": names.get(agent, agent), "answered": answered[agent],
         "handle_total_s": rounded(handle[agent]), "aht_s": rounded(share(handle[agent], answered[agent])),
         "queues": sorted({r["queue"] for r in raw if r["agent_id"] == agent}),
         "status_s": {k: rounded(v) for k, v in sorted(agents.get(agent, {}).items())},
         **_occupancy([agents.get(agent, {})]),
         "dispositions": dispositions.get(agent, {}), "surveys": surveys.get(agent, {})} for agent in ids]}


def _by_agent(rows: list[dict]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        out[row["agent_id"]][row["status"]] = float(row["seconds"] or 0)
    return out


def _occupancy(agents: list[dict[str, float]]) -> dict:
    """(busy + wrap-up) / staffed, pooled over `agents` (each: seconds per status)."""
    busy = sum(a.get(s, 0.0) for a in agents for s in WORKING)
    staffed = sum(a.get(s, 0.0) for a in agents for s in STAFFED)
    return {"busy_s": rounded(busy), "staffed_s": rounded(staffed), "occupancy": rounded(share(busy, staffed), 3)}


def _idle() -> dict:
    return {"busy_s": 0.0, "staffed_s": 0.0, "occupancy": None}


def _by_key(rows: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[row["key"]][row["disposition"]] = int(row["calls"])
    return out


def _surveys(rows: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        out[row["key"]][row["survey"]][row["question"]] = {"average": rounded(row["average"], 2),
                                                             "answers": int(row["answers"])}
    return {key: {s: dict(q) for s, q in surveys.items()} for key, surveys in out.items()}

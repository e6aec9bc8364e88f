"""Reports for a period (a day, a week, a range): per queue and per agent, from SQL aggregates.

Occupancy has no status history to read (the agents table holds only the status now), so it is measured from the
calls: busy time (handle time plus the queue's wrap-up per call answered) over the agent's working span in the
period, from its first offer to the end of its last call. A queue's occupancy sums both over its agents.
"""
from __future__ import annotations

from collections import defaultdict

from callqueue.queues import QueueConfig

from .figures import queue_figures, rounded, share
from .periods import Period
from .queries import BoardQueries


def queues_report(queries: BoardQueries, config: QueueConfig, span: Period) -> dict:
    """Per configured queue (and any other queue callers reached in the period): figures, occupancy, dispositions,
    survey averages."""
    targets = {name: q.service_level_s for name, q in config.queues.items()}
    totals = queries.queue_totals(span.start, span.end, targets)
    work = _occupancy(queries.agent_work(span.start, span.end), config, "queue")
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


def agents_report(queries: BoardQueries, config: QueueConfig, span: Period, names: dict[str, str]) -> dict:
    """Per agent who was offered a call in the period (and every known agent, with zeros): answered, AHT, ASA of
    its callers, occupancy, dispositions, survey averages."""
    raw = queries.agent_work(span.start, span.end)
    work = _occupancy(raw, config, "agent")
    answered, handle = defaultdict(int), defaultdict(float)
    for row in raw:
        answered[row["agent_id"]] += int(row["answered"] or 0)
        handle[row["agent_id"]] += float(row["handle_total_s"] or 0)
    dispositions, surveys = _by_key(queries.dispositions(span.start, span.end, "agent")), _surveys(
        queries.survey_averages(span.start, span.end, "agent"))
    ids = sorted(set(names) | set(answered))
    return {**span.json(), "agents": [
        {"agent": agent, "name": names.get(agent, agent), "answered": answered[agent],
         "handle_total_s": rounded(handle[agent]), "aht_s": rounded(share(handle[agent], answered[agent])),
         "queues": sorted({r["queue"] for r in raw if r["agent_id"] == agent}), **work.get(agent, _idle()),
         "dispositions": dispositions.get(agent, {}), "surveys": surveys.get(agent, {})} for agent in ids]}


def _occupancy(rows: list[dict], config: QueueConfig, by: str) -> dict[str, dict]:
    busy, span = defaultdict(float), defaultdict(float)
    for row in rows:
        key = row["queue"] if by == "queue" else row["agent_id"]
        queue = config.queues.get(row["queue"])
        wrap = (queue.wrap_up_s if queue else 0) * int(row["answered"] or 0)
        busy[key] += float(row["handle_total_s"] or 0) + wrap
        if row["first_at"] is not None and row["last_at"] is not None:
            span[key] += max(0.0, (row["last_at"] - row["first_at"]).total_seconds()) + wrap
    return {key: {"busy_s": rounded(busy[key]), "working_span_s": rounded(span[key]),
                  "occupancy": rounded(min(1.0, busy[key] / span[key]), 3) if span[key] else None} for key in busy}


def _idle() -> dict:
    return {"busy_s": 0.0, "working_span_s": 0.0, "occupancy": None}


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

"""Figures read from the database at scrape time: calls in progress, callers waiting, agents by state.

They come through the repositories, like the JSON API's, so every worker reports the same numbers
whichever one is scraped. A database that cannot be read is reported as `ivr_database_up 0`, never as
a failed scrape: the process's own counters still come through.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prometheus_client.core import GaugeMetricFamily

from callqueue.model import AgentStatus
from callqueue.timer_lease import last_pass

log = logging.getLogger(__name__)
LONGEST_CALL = timedelta(hours=4)  # Twilio ends calls at 4 h: an older call without a final status is not live


@dataclass(frozen=True)
class Floor:
    """The live figures of the call center at one moment."""

    at: datetime
    calls_in_progress: int
    waiting: dict[str, int] = field(default_factory=dict)
    oldest_waiting_at: dict[str, datetime] = field(default_factory=dict)
    agents: dict[str, int] = field(default_factory=dict)
    timer_last_pass_at: datetime | None = None  # any process's, from the timer lease row


def read_floor(services) -> Floor:
    """One read-only unit of work over the calls and the queue rows."""
    now = services.clock.now()
    seen = last_pass(services.uow)
    with services.uow() as uow:
        views = uow.queue_views
        counts = views.counts_by_queue()
        return Floor(at=now, calls_in_progress=uow.calls.in_progress(now - LONGEST_CALL),
                     waiting={queue: n for (queue, status), n in counts.items() if status == "waiting"},
                     oldest_waiting_at=views.oldest_waiting(),
                     agents=dict(Counter(agent.status.value for agent in views.agents())),
                     timer_last_pass_at=seen.at if seen else None)


class DatabaseCollector:
    """A prometheus_client collector over `services` (the app's composition root)."""

    def __init__(self, services):
        self.services = services

    def collect(self):
        try:
            floor = read_floor(self.services)
        except Exception as exc:  # noqa: BLE001 - a scrape reports the database as down, it does not fail
            log.warning("metrics: the database could not be read: %s: %s", type(exc).__name__, exc)
            yield _gauge("ivr_database_up", "1 when the database answered this scrape, else 0.", 0)
            return
        yield _gauge("ivr_database_up", "1 when the database answered this scrape, else 0.", 1)
        yield _gauge("ivr_calls_in_progress", "Calls started and not yet ended.", floor.calls_in_progress)
        yield from self._queues(floor)
        if floor.timer_last_pass_at is not None:
            yield _gauge("ivr_timer_last_pass_timestamp_seconds", "When any process last finished a pass of the "
                         "queue's timers (Unix time, from the database).", floor.timer_last_pass_at.timestamp())
        yield _labelled("ivr_agents", "Agents by state.", "state",
                        {state.value: floor.agents.get(state.value, 0) for state in AgentStatus} | floor.agents)

    def _queues(self, floor: Floor):
        queues = self.services.queues
        config = queues.config.queues if queues is not None else {}
        names = sorted(set(config) | set(floor.waiting))
        yield _labelled("ivr_queue_callers_waiting", "Callers waiting in each queue.", "queue",
                        {name: floor.waiting.get(name, 0) for name in names})
        yield _labelled("ivr_queue_oldest_wait_seconds", "How long the caller waiting longest has waited (0: nobody).",
                        "queue", {name: _age(floor, name) for name in names})
        yield _labelled("ivr_queue_service_level_seconds", "Each queue's service-level target (queues.yaml).", "queue",
                        {name: queue.service_level_s for name, queue in sorted(config.items())})


def _age(floor: Floor, queue: str) -> float:
    since = floor.oldest_waiting_at.get(queue)
    return 0.0 if since is None else max(0.0, (floor.at - since).total_seconds())


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _labelled(name: str, documentation: str, label: str, values: dict) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in values.items():
        family.add_metric([key], value)
    return family

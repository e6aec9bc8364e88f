"""The time-driven loop: wrap-ups that end, offers nobody answered, callers past the max wait, escalations.

Each pass is `QueueService.tick` (one transaction with row locks), so any number of these loops, in any
number of processes, can run at once; a crash loses nothing because the work is read from due times.
"""
from __future__ import annotations

import logging
import threading
import time

from ivr.observability.metrics import timer_passed

log = logging.getLogger(__name__)


def run_forever(queues, interval_s: float = 1.0, stop: threading.Event | None = None, passes: int | None = None) -> int:
    """Tick every `interval_s` until `stop` is set (or `passes` have run); how many callers were offered."""
    stop, offered, done = stop or threading.Event(), 0, 0
    while not stop.is_set() and (passes is None or done < passes):
        try:
            offered += len(queues.tick())
            timer_passed(queues.clock.now())
        except Exception:  # noqa: BLE001 - a database hiccup must not end the loop; the next pass retries
            log.exception("queue worker pass failed; retrying in %s s", interval_s)
        done += 1
        stop.wait(interval_s)
    return offered


def start_in_background(queues, interval_s: float = 1.0) -> threading.Event:
    """Development: the server runs the loop in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(queues, interval_s, stop), name="queue-worker", daemon=True).start()
    return stop

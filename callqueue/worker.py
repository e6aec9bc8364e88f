"""The time-driven loop: wrap-ups that end, offers nobody answered, callers past the max wait, escalations.

Each pass is `QueueService.tick` (one transaction with row locks), so any number of these loops, in any
number of processes, can run at once; a crash loses nothing because the work is read from due times. With a
`TimerLease`, only the loop that holds the lease ticks; the others look every `standby_s` whether it has
lapsed, so four server workers do not all tick every second.
"""
from __future__ import annotations

import logging
import threading


log = logging.getLogger(__name__)
STANDBY_S = 5.0  # how often a loop without the lease checks whether it lapsed


def run_forever(queues, interval_s: float = 1.0, stop: threading.Event | None = None, passes: int | None = None,
                lease=None, standby_s: float = STANDBY_S, jobs: tuple = ()) -> int:
    """Tick every `interval_s` until `stop` is set (or `passes` have run); how many callers were offered.

    With a `lease`, a pass ticks only while this loop holds it, and each finished pass is recorded on it.
    `jobs` are other callables run after each tick by the loop holding the lease (pruning old rows, say);
    one that fails is logged and does not stop the tick."""
    stop, offered, done = stop or threading.Event(), 0, 0
    while not stop.is_set() and (passes is None or done < passes):
        holding = True
        try:
            holding = lease is None or lease.claim()
            if holding:
                offered += len(queues.tick())
                _run_jobs(jobs)
                if lease is not None:
                    lease.passed()
        except Exception:  # noqa: BLE001 - a database hiccup must not end the loop; the next pass retries
            log.exception("queue worker pass failed; retrying in %s s", interval_s)
        done += 1
        stop.wait(interval_s if holding else standby_s)
    _release(lease)
    return offered


def _run_jobs(jobs: tuple) -> None:
    for job in jobs:
        try:
            job()
        except Exception:  # noqa: BLE001 - the next pass tries again
            log.exception("timer job %s failed; retrying on the next pass", getattr(job, "__name__", job))


def _release(lease) -> None:
    if lease is None:
        return
    try:
        lease.release()
    except Exception:  # noqa: BLE001 - it expires by itself
        log.warning("could not give up the timer lease; another process takes it when it expires")


def start_in_background(queues, interval_s: float = 1.0, lease=None, jobs: tuple = ()) -> threading.Event:
    """Run the loop in a daemon thread of this process (start it after fork); set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(queues, interval_s, stop), kwargs={"lease": lease, "jobs": jobs},
                     name="queue-timers", daemon=True).start()
    return stop

"""Run the webhook server in-process (Flask's threaded server), start the queue's timers in a serving process,
and tell the operator what to configure."""
from __future__ import annotations

import logging
import os
import threading

from callqueue.timer_lease import TimerLease, holder_name
from callqueue.worker import start_in_background

from .config import Settings
from .web import create_app

log = logging.getLogger(__name__)
TIMERS = "ivr.timers"


def webhook_lines(settings: Settings) -> list[str]:
    base = settings.public_base_url or f"http://{settings.host}:{settings.port}"
    return [
        f"IVR listening on http://{settings.host}:{settings.port}",
        f"  Twilio number -> 'A call comes in' webhook (HTTP POST): {base}/voice",
        f"  Twilio number -> 'Call status changes' callback (HTTP POST): {base}/voice/status",
        f"  Health: {base}/api/health",
        f"  Try a call: .venv/bin/ivr call --url http://{settings.host}:{settings.port}",
        f"  JSON API: {_api_state(settings)}",
    ]


def start_timers(app) -> threading.Event | None:
    """Start the queue's timer loop in this process (call it after fork, in each serving process).

    Every process runs the loop; the database lease lets one of them tick at a time. Nothing when TIMERS=0
    (then run `ivr worker`) or when this process already runs it."""
    services = app.extensions["ivr"]
    running = app.extensions.get(TIMERS)
    if not services.settings.timers or services.queues is None:
        return None
    if running is not None and running[0] == os.getpid():
        return running[1]
    lease = TimerLease(services.uow, services.clock, holder_name())
    jobs = (services.live.prune_job,) if services.live is not None else ()  # old live-feed events go
    jobs += (services.recording_pipeline,) if services.recording_pipeline is not None else ()  # recordings downloaded
    jobs += tuple(job for job in (services.transcripts and services.transcripts.job,  # new recordings transcribed
                                  services.retention and services.retention.job) if job)  # old ones deleted
    jobs += (services.funnel.job,) if services.funnel is not None else ()  # finished days of the funnel summed
    stop = start_in_background(services.queues, lease=lease, jobs=jobs)
    app.extensions[TIMERS] = (os.getpid(), stop, lease)
    log.info("queue timers: loop started in process %s (one process at a time ticks)", os.getpid())
    return stop


def stop_timers(app) -> None:
    """Stop this process's loop and give the lease up now (the loop may not get to run again before exit)."""
    running = app.extensions.pop(TIMERS, None)
    if running is None or running[0] != os.getpid():
        return
    running[1].set()
    try:
        running[2].release()
    except Exception:  # noqa: BLE001 - the lease expires by itself
        log.warning("queue timers: could not give up the lease; it expires by itself")


def _api_state(settings: Settings) -> str:
    if settings.api_token:
        return "Authorization: Bearer $IVR_API_TOKEN"
    if settings.dev_open_api:
        return "open to this machine without a token (IVR_DEV_OPEN_API=1, development only)"
    return "closed (no IVR_API_TOKEN); set IVR_API_TOKEN, or IVR_DEV_OPEN_API=1 for local development"


def run(settings: Settings | None = None) -> None:
    settings = settings or Settings.from_env()
    app = create_app(settings)
    start_timers(app)
    print("\n".join(webhook_lines(settings)), flush=True)
    app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)

"""Production server settings, read by `gunicorn 'app:create_app()'` started in the project folder.

gevent workers: one worker holds many connections at once, so open Media Streams WebSockets (/voice/stream)
and slow or stalled clients wait on sockets instead of each taking a worker or thread from the webhooks.
gevent must patch the standard library before anything else is imported, and with `preload_app` the app is
built in this (master) process, so the patch comes first here, not in the worker (too late after preload).
The app is built once before the workers fork so they share the speech model's memory; every worker then
opens its own database connections (ivr.db drops inherited ones) and starts the queue's timer loop after the
fork (post_worker_init below); a lease row in the database lets one loop tick at a time.
"""
import os
import shlex
import sys


def _worker_class_asked() -> str | None:
    """A worker class given on the command line or in GUNICORN_CMD_ARGS (the benchmarks ask for sync workers)."""
    words = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", "")) + sys.argv[1:]
    for i, word in enumerate(words):
        if word in ("-k", "--worker-class") and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--worker-class="):
            return word.split("=", 1)[1]
    return None


if _worker_class_asked() in (None, "gevent"):
    from gevent import monkey

    monkey.patch_all()

# Metrics add up across workers: prometheus_client's multiprocess folder must be set before the preloaded app
# imports it (so here, at load), and a worker that exits is marked dead (child_exit); on_exit tidies up.
from ivr.observability.gunicorn_hooks import child_exit, fresh_metrics_dir, on_exit  # noqa: E402,F401

fresh_metrics_dir()

bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "1000"))  # open sockets per worker, streams included
preload_app = True
timeout = 30            # a worker whose event loop is stuck this long is restarted
graceful_timeout = 20
keepalive = 5           # below the reverse proxy's upstream keepalive timeout (README: nginx)
limit_request_line = 8190
limit_request_fields = 100


def post_worker_init(worker):
    """After fork and after gevent's patch: this worker runs the timer loop (it ticks only with the lease)."""
    from ivr.server import start_timers

    if hasattr(worker.wsgi, "extensions"):
        start_timers(worker.wsgi)


def worker_exit(server, worker):
    """Give the timer lease up on a clean stop so another worker takes it without waiting for it to expire."""
    from ivr.server import stop_timers

    if hasattr(worker.wsgi, "extensions"):
        stop_timers(worker.wsgi)

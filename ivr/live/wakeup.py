"""Wake-ups: what tells a process's hub that new events may be there.

PostgreSQL: one LISTEN connection per process (psycopg 3, autocommit) waited on with `select` — cooperative
under gevent's monkey patch, a plain blocking wait in a thread otherwise; it reconnects with a growing pause
when the connection drops, and returns every `idle_s` anyway so a lost notification costs only latency.
SQLite (one machine): a cursor poll every `poll_s`; the hub's read is the poll.
"""
from __future__ import annotations

import logging
import select
import time

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
BACKOFF_S = (0.5, 1, 2, 5, 10)


class PollWakeup:
    """Wakes the hub every `poll_s` (SQLite: the hub then reads `id > cursor`, an index lookup)."""

    def __init__(self, poll_s: float = 0.25):
        self.poll_s = poll_s

    def wait(self) -> None:
        time.sleep(self.poll_s)

    def close(self) -> None:
        pass


class PgListenWakeup:
    """LISTEN on `channel` on a connection of its own; `wait` returns on a notification or after `idle_s`."""

    def __init__(self, engine: Engine, channel: str, idle_s: float = 5.0, connect_timeout_s: float = 3.0):
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.channel, self.idle_s, self.connect_timeout_s = channel, idle_s, connect_timeout_s
        self.conn = None
        self.failures = 0

    def wait(self) -> None:
        try:
            if self.conn is None:
                self._connect()  # then back to the hub at once: it reads what came before the LISTEN
                return
            ready, _, _ = select.select([self.conn.fileno()], [], [], self.idle_s)
            if ready:
                self._drain()
            self.failures = 0
        except Exception as exc:  # noqa: BLE001 - any failure: drop the connection, pause, reconnect
            self._lost(exc)

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass

    def _connect(self) -> None:
        import psycopg

        self.conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=max(2, round(self.connect_timeout_s)))
        self.conn.execute(f"LISTEN {self.channel}")
        log.info("live feed: listening on %s", self.channel)

    def _drain(self) -> None:
        pgconn = self.conn.pgconn
        pgconn.consume_input()  # raises when the server closed the connection
        while pgconn.notifies() is not None:
            pass

    def _lost(self, exc: Exception) -> None:
        pause = BACKOFF_S[min(self.failures, len(BACKOFF_S) - 1)]
        self.failures += 1
        log.warning("live feed: LISTEN connection lost (%s); reconnecting in %s s", exc, pause)
        self.close()
        time.sleep(pause)

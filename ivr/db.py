"""Database engines and schema upgrades: SQLite (WAL, busy timeout) by default, PostgreSQL by URL.

Every engine is bounded in time (connect, statement, lock and pool waits, and a TCP-level bound for a network
that goes silent) so a webhook never waits past Twilio's 15 s, and is safe across fork: a forked child drops
the connections it inherited (they belong to the parent) and opens its own.
"""
from __future__ import annotations

import fcntl
import logging
import math
import os
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from .event_loop import native_threads

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
PG_MIGRATION_LOCK = 0x1D5_0001  # advisory lock id: one process upgrades at a time
PG_IDLE_IN_TRANSACTION_MS = 30_000  # the server ends a transaction whose client went quiet (its row locks go)
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()   # dropped in a forked child, see _after_fork
_WRITER_LOCKS: "weakref.WeakSet[SqliteWriterLock]" = weakref.WeakSet()
_fork_hook = threading.Lock()
_fork_hook_installed = False


@dataclass(frozen=True)
class DbLimits:
    """How long a database may keep us waiting; 0 turns a statement or lock bound off (migrations)."""

    connect_timeout_s: float = 3.0
    statement_timeout_s: float = 5.0
    lock_timeout_s: float = 3.0
    pool_timeout_s: float = 3.0
    tcp_timeout_s: float = 5.0  # unacknowledged data or unanswered keepalives this long: the connection is dead
    sqlite_busy_s: float = 5.0  # was 10 s; server writers queue on the writer lock first, so this is a safety net

    @classmethod
    def from_settings(cls, settings) -> "DbLimits":
        return cls(settings.db_connect_timeout_s, settings.db_statement_timeout_s, settings.db_lock_timeout_s,
                   settings.db_pool_timeout_s, settings.db_connect_timeout_s + 2)


def make_engine(url: str, limits: DbLimits | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    limits = limits or DbLimits()
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        # No pre-ping (a round trip per webhook): a connection that died fails its webhook into the
        # fallback answer, SQLAlchemy drops the pool's stale connections, and the next request reconnects.
        return _forget_after_fork(create_engine(parsed, pool_recycle=1800, pool_timeout=limits.pool_timeout_s,
                                                connect_args=postgres_connect_args(parsed, limits)))
    busy_ms = _sqlite_busy_ms(limits)
    connect_args, pool = {"timeout": busy_ms / 1000}, {}
    if parsed.database and parsed.database != ":memory:":
        _make_parent(Path(parsed.database))
        pool = {"pool_timeout": limits.pool_timeout_s}
    else:  # one memory database for every thread (webhooks run on their own thread, see ivr.web.budget)
        connect_args["check_same_thread"], pool = False, {"poolclass": StaticPool}
    engine = create_engine(parsed, connect_args=connect_args, **pool)
    event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_ms))
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return _forget_after_fork(engine)


def postgres_connect_args(url, limits: DbLimits) -> dict:
    """libpq settings that bound every wait: connecting, each statement, each lock, and a silent network."""
    bounds = [("statement_timeout", limits.statement_timeout_s), ("lock_timeout", limits.lock_timeout_s)]
    options = [f"-c {name}={round(seconds * 1000)}" for name, seconds in bounds]
    options.append(f"-c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_MS}")
    given = url.query.get("options")  # the URL's own options (a search_path, say) come after ours and win
    options += [given] if isinstance(given, str) else list(given or ())
    tcp_ms = round(limits.tcp_timeout_s * 1000)
    return {
        "connect_timeout": max(2, math.ceil(limits.connect_timeout_s)),  # libpq: whole seconds, at least 2
        "options": " ".join(options),
        "tcp_user_timeout": tcp_ms,
        "keepalives": 1,
        "keepalives_idle": max(1, tcp_ms // 2000),
        "keepalives_interval": 1,
        "keepalives_count": max(1, tcp_ms // 2000),
    }


def _sqlite_busy_ms(limits: DbLimits) -> int:
    return max(100, round(1000 * limits.sqlite_busy_s))


def _forget_after_fork(engine: Engine) -> Engine:
    """Register `engine` so that a forked child never uses the parent's pooled connections."""
    global _fork_hook_installed
    with _fork_hook:
        if not _fork_hook_installed:
            os.register_at_fork(after_in_child=_after_fork)
            _fork_hook_installed = True
        _ENGINES.add(engine)
    return engine


@contextmanager
def engine_for(url: str, limits: "DbLimits | None" = None):
    """An engine for one command's work, its connections closed when the work is done."""
    engine = make_engine(url, limits)
    try:
        yield engine
    finally:
        engine.dispose()


def _after_fork() -> None:
    # close=False: the sockets still belong to the parent; closing them here would end its sessions too.
    for engine in list(_ENGINES):
        engine.dispose(close=False)
    for lock in list(_WRITER_LOCKS):
        lock.reset()


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # reported by every query (fallback answer, /api/health), not at import
        log.error("cannot create the folder for the SQLite database %s: %s", path, exc)


READ_ONLY = "ivr_read_only"  # execution option: a reader that needs no write lock (WAL readers never block)


def _sqlite_begin_immediate(conn) -> None:
    # Take the write lock up front: two webhooks of one call then run one after the other
    # instead of both reading the old state (pysqlite's own BEGIN is deferred).
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection, _record, busy_ms: int) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see _sqlite_begin_immediate
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe when several processes start at once.

    On PostgreSQL it runs on its own engine without statement and lock timeouts: an index on a big table, or
    waiting for another process's upgrade, may rightly take longer than any webhook's statement."""
    if engine.dialect.name != "postgresql":
        with _migration_lock(engine):
            command.upgrade(alembic_config(engine), "head")
        return
    unbounded = make_engine(engine.url.render_as_string(hide_password=False), DbLimits(statement_timeout_s=0, lock_timeout_s=0))
    try:
        with _migration_lock(unbounded):
            command.upgrade(alembic_config(unbounded), "head")
    finally:
        unbounded.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` (0002, -1, or base for none); what later migrations added is dropped."""
    with _migration_lock(engine):
        command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for a database no migration has touched."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _migration_lock(engine: Engine):
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class SqliteWriterLock:
    """Writers to one SQLite file take turns on an OS lock, woken the moment it is free.

    SQLite's own busy handler sleeps between retries (up to 100 ms), which left workers idle and a
    438 ms p99 under load (docs/performance.md). BEGIN IMMEDIATE and the busy timeout stay as the safety
    net; the lock is re-entrant within a thread, so nested units of work never wait on themselves.
    """

    def __init__(self, database: str):
        self.path = f"{database}.writer.lock"
        self.reset()
        _WRITER_LOCKS.add(self)

    def reset(self) -> None:
        """Fresh in-process state (after fork: nothing the parent held is held here)."""
        self.local = threading.local()
        # Within one process, writers first queue on this lock: flock() cannot tell two threads (or two
        # gevent greenlets, which share one OS thread and would deadlock on it) of one process apart.
        self.process_lock = threading.RLock()
        # One open lock file per process, kept between transactions (opening and closing it each time was a
        # tenth of a webhook's CPU). Only the holder of process_lock uses it. A handle inherited over fork
        # shares its lock with the parent, so a child closes its copy and opens its own.
        self._close_handle()

    def __call__(self) -> "SqliteWriterLock":
        return self

    def __enter__(self) -> None:
        self.process_lock.acquire()
        depth = getattr(self.local, "depth", 0)
        if depth == 0:
            try:
                self._lock_file()
            except BaseException:
                self.process_lock.release()
                raise
        self.local.depth = depth + 1

    def __exit__(self, *exc) -> None:
        self.local.depth -= 1
        try:
            if self.local.depth == 0:
                fcntl.flock(self.handle, fcntl.LOCK_UN)
        finally:
            self.process_lock.release()

    def _lock_file(self) -> None:
        """Take the lock file. Under gevent a lock another process holds is waited for on a real thread of the
        hub's pool: a blocking flock() on the event loop stopped the whole worker (every other request of it,
        even those with no database work left) until the other process committed."""
        handle = self._handle()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        pool = native_threads()
        if pool is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
            return
        waiting = pool.spawn(fcntl.flock, handle, fcntl.LOCK_EX)
        try:
            waiting.get()
        except BaseException:
            # Interrupted while the thread still waits: the lock it may yet get must not stay held. The handle
            # leaves this object and is closed (dropping any lock) once the thread is done with it.
            self._closer.detach()
            self.handle, self._closer = None, None
            waiting.rawlink(lambda _done: handle.close())
            raise

    def _handle(self):
        """The process's lock file, reopened when it was removed (a lock on a removed file excludes nobody)."""
        if self.handle is not None and os.fstat(self.handle.fileno()).st_nlink == 0:
            self._close_handle()
        if self.handle is None:
            self.handle = open(self.path, "a")
            self._closer = weakref.finalize(self, self.handle.close)  # closed with the lock, never left to GC
        return self.handle

    def _close_handle(self) -> None:
        closer = getattr(self, "_closer", None)
        if closer is not None:
            closer()
        self.handle, self._closer = None, None


def writer_lock_for(engine: Engine) -> SqliteWriterLock | None:
    """The writer lock for a SQLite file; None for other databases (they lock rows)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    try:
        open(f"{database}.writer.lock", "a").close()
    except OSError:
        return None  # the folder is missing: every query reports it, the fallback answers callers
    return SqliteWriterLock(database)


def release_connections(engine: Engine) -> None:
    """Close the pool's idle connections (a memory SQLite keeps its one: closing it would drop the database)."""
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return
    engine.dispose()


def ping(engine: Engine) -> None:
    """Raise if the database cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))

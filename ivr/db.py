"""Database engines and schema upgrades: SQLite (WAL, busy timeout) by default, PostgreSQL by URL."""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import weakref
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_MIGRATION_LOCK = 0x1D5_0001  # advisory lock id: one process upgrades at a time


_ENGINES: weakref.WeakSet = weakref.WeakSet()  # every engine of this process, for the fork hook below


def _new_pools_after_fork() -> None:
    # gunicorn --preload builds the app (and its pool's connections) before forking; a worker that used
    # them would share the master's sockets with its siblings (psycopg: "received 6 results from BEGIN").
    # close=False: the parent still owns those connections, the child only forgets them.
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_new_pools_after_fork)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys on every connection.

    A forked child never uses the connections its parent opened: it starts with an empty pool.
    """
    engine = _make_engine(url)
    _ENGINES.add(engine)
    return engine


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        # No pre-ping (a round trip per webhook): a connection that died fails its webhook into the
        # fallback answer, SQLAlchemy drops the pool's stale connections, and the next request reconnects.
        return create_engine(parsed, pool_recycle=1800, connect_args={"connect_timeout": 5})
    if parsed.database and parsed.database != ":memory:":
        _make_parent(Path(parsed.database))
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # reported by every query (fallback answer, /api/health), not at import
        log.error("cannot create the folder for the SQLite database %s: %s", path, exc)


def _sqlite_begin_immediate(conn) -> None:
    # Take the write lock up front: two webhooks of one call then run one after the other
    # instead of both reading the old state (pysqlite's own BEGIN is deferred).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see _sqlite_begin_immediate
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe when several processes start at once."""
    with _migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")


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
        self.local = threading.local()

    def __call__(self) -> "SqliteWriterLock":
        return self

    def __enter__(self) -> None:
        depth = getattr(self.local, "depth", 0)
        if depth == 0:
            self.local.handle = open(self.path, "a")
            fcntl.flock(self.local.handle, fcntl.LOCK_EX)
        self.local.depth = depth + 1

    def __exit__(self, *exc) -> None:
        self.local.depth -= 1
        if self.local.depth == 0:
            fcntl.flock(self.local.handle, fcntl.LOCK_UN)
            self.local.handle.close()


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


def ping(engine: Engine) -> None:
    """Raise if the database cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))

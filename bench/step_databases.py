"""Throwaway databases for a bench run: a temp SQLite file, or a private PostgreSQL schema dropped afterwards."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRESQL = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def throwaway(kind: str, workdir: Path, postgresql_url: str = DEFAULT_POSTGRESQL):
    """Yield a DATABASE_URL for the app; everything it holds is gone afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"  # the temp folder is removed by the caller
        return
    schema = f"ivr_bench_{secrets.token_hex(4)}"
    admin = create_engine(_psycopg(postgresql_url))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # application_name marks our connections, so their server processes can be told from other people's.
        yield f"{postgresql_url}?options={quote(f'-csearch_path={schema}', safe='')}&application_name={schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def count_rows(database_url: str, table: str) -> int:
    engine = create_engine(_psycopg(database_url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def server_pids(database_url: str) -> set[int]:
    """PostgreSQL processes working for this bench: our connections' backends and the shared background ones."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return set()
    engine = create_engine(_psycopg(database_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"
                                     " OR backend_type <> 'client backend'"), {"name": url.query["application_name"]})
            return {pid for (pid,) in rows}
    finally:
        engine.dispose()


def server_version(database_url: str) -> str:
    engine = create_engine(_psycopg(database_url))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return "SQLite " + conn.execute(text("SELECT sqlite_version()")).scalar_one()
            return "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()


def _psycopg(url: str):
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg") if parsed.drivername == "postgresql" else parsed

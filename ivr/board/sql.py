"""SQL pieces the board's aggregates share, written once for SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Integer, case, cast, func, literal
from sqlalchemy.sql import ColumnElement

from callqueue.tables import QueueEntryRow as E

ANSWERED = ("answered", "completed")


def epoch_s(column, dialect: str) -> ColumnElement:
    """Whole seconds since 1970 of a UTC datetime column (SQLite keeps text, PostgreSQL a timestamp)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def epoch_float(column, dialect: str) -> ColumnElement:
    """Seconds since 1970 with their fraction, of a UTC datetime column."""
    if dialect == "sqlite":
        return (func.julianday(column) - literal(2440587.5)) * literal(86400.0)
    return cast(func.extract("epoch", column), Float)


def bucket(column, dialect: str, start: datetime, width_s: int) -> ColumnElement:
    """The index of the `width_s` slot after `start` that a datetime column falls in (0 for the first)."""
    offset = epoch_s(column, dialect) - literal(int(start.timestamp()))
    return cast(offset / literal(width_s), Integer) if dialect == "sqlite" else cast(func.floor(offset / literal(width_s)), Integer)


def count_if(condition) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def answered() -> ColumnElement:
    return E.status.in_(ANSWERED)


def mean_if(condition, value) -> ColumnElement:
    return func.avg(case((condition, value), else_=None))

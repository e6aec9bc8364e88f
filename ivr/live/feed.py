"""Reading and pruning `live_events`: short indexed queries on a pooled connection given back at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from ..db import READ_ONLY
from .tables import LIVE_EVENTS as T

BATCH = 500


@dataclass(frozen=True)
class LiveEvent:
    id: int
    audience: str
    kind: str
    ref: str
    queue: str

    def nudge(self) -> dict:
        """What a page is told: enough to know what to re-fetch, nothing about the caller."""
        return {"kind": self.kind, "ref": self.ref, "queue": self.queue}


class Feed:
    """The events table on `engine`."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def after(self, cursor: int, audiences: list[str] | None = None, limit: int = BATCH) -> list[LiveEvent]:
        """Events with id > `cursor` (of `audiences` only, when given), oldest first, at most `limit`."""
        query = select(T.c.id, T.c.audience, T.c.kind, T.c.ref, T.c.queue).where(T.c.id > cursor)
        if audiences is not None:
            query = query.where(T.c.audience.in_(audiences))
        with self._reading() as conn:
            return [LiveEvent(*row) for row in conn.execute(query.order_by(T.c.id).limit(limit))]

    def bounds(self) -> tuple[int | None, int | None]:
        """The oldest and newest id kept (None, None when empty)."""
        with self._reading() as conn:
            low, high = conn.execute(select(func.min(T.c.id), func.max(T.c.id))).one()
        return low, high

    def newest(self) -> int:
        with self._reading() as conn:
            return conn.execute(select(func.max(T.c.id))).scalar() or 0

    def prune(self, before: datetime) -> int:
        """Delete events older than `before`; how many went."""
        with self.engine.begin() as conn:
            return conn.execute(delete(T).where(T.c.at < before)).rowcount or 0

    def nudge(self, channel: str) -> None:
        """PostgreSQL: wake every listener on `channel` (nothing new is written; they re-read and go on)."""
        with self.engine.begin() as conn:
            conn.execute(select(func.pg_notify(channel, "0")))

    def _reading(self):
        return self.engine.connect().execution_options(**{READ_ONLY: True})

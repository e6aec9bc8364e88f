"""`services.reports`: the board's one entry point for the JSON API and the pages (no SQL in views)."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from callqueue.tables import AgentRow

from . import abandoned as abandoned_list, exports, wallboard
from .callbacks import Answered, Callbacks
from .errors import BadRequest, NotFound
from .figures import DEFAULT_HANDLE_S
from .periods import Period, day_of, parse, period
from .queries import BoardQueries
from .reports import agents_report, queues_report
from .service_level import rules_of
from .whatif import whatif


def sensitive_names(catalog) -> set[str]:
    """The variables a `sensitive: true` gather collects, in any flow in service (shown as **** on the board)."""
    from ..flow.nodes import GatherNode

    return {node.variable for lf in catalog.current.values() for node in lf.flow.nodes.values()
            if isinstance(node, GatherNode) and node.sensitive}


class BoardReports:
    """Reads with its own sessions (no writer lock: reports never hold up a webhook); writes call-backs through the
    unit of work. `hidden` gives the names of sensitive variables (from the flows in service)."""

    def __init__(self, engine, uow, queues, clock, rest, hidden, audit=None):
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.queues, self.clock, self.hidden = queues, clock, hidden
        self.callbacks = Callbacks(uow, queues, rest, clock, audit)

    @property
    def config(self):
        return self.queues.config

    def period(self, raw_from: str | None, raw_to: str | None, default_days: int = 1) -> Period:
        """A period from the API's `from`/`to` (YYYY-MM-DD, in the center's time zone); default today."""
        zone = self.config.timezone
        return parse(raw_from, raw_to, zone, day_of(self.clock.now(), zone), default_days)

    def board(self) -> dict:
        with self.sessions() as session:
            return wallboard.snapshot(BoardQueries(session), self.config, self.clock.now())

    def queues_report(self, span: Period) -> dict:
        with self.sessions() as session:
            return queues_report(BoardQueries(session), self.config, span, self.clock.now())

    def agents_report(self, span: Period) -> dict:
        with self.sessions() as session:
            names = dict(session.execute(select(AgentRow.id, AgentRow.name)).all())
            return agents_report(BoardQueries(session), self.config, span, names, self.clock.now())

    def abandoned(self, span: Period, queue: str | None = None) -> dict:
        if queue is not None and queue not in self.config.queues:
            raise NotFound(f"no queue {queue[:64]!r}")
        with self.sessions() as session:
            rows = abandoned_list.abandoned(session, span.start, span.end, queue, self.hidden())
        return {**span.json(), "queue": queue, "abandoned": rows}

    def callback(self, entry_id: int, target: str, agent_id: str | None, actor: str) -> dict:
        return abandoned_list.callback_json(self.callbacks.place(entry_id, target, agent_id, actor))

    def callback_answered(self, callback_id: int, call_sid: str) -> Answered:
        return self.callbacks.answered(callback_id, call_sid)

    def callback_left(self, call_sid: str, queue_result: str):
        return self.callbacks.left(call_sid, queue_result)

    def callback_dialed(self, call_sid: str, status: str, duration_s: int) -> None:
        self.callbacks.dialed(call_sid, status, duration_s)

    def callback_status(self, callback_id: int, call_sid: str, status: str) -> None:
        self.callbacks.status(callback_id, call_sid, status)

    def export(self, kind: str, span: Period) -> Iterator[bytes]:
        if kind not in exports.KINDS:
            raise NotFound(f"no export {kind[:40]!r}; there are {', '.join(exports.KINDS)}")
        return exports.stream(self.sessions, kind, span, self.hidden(), rules_of(self.config), self.clock.now())

    def whatif(self, name: str, target_s: float | None, target_pct: float | None, agents: int | None) -> dict:
        """Staffing for queue `name` at today's measured load (see whatif.py)."""
        queue = self.config.queues.get(name)
        if queue is None:
            raise NotFound(f"no queue {name[:64]!r}")
        if agents is not None and agents < 0:
            raise BadRequest("agents must be 0 or more")
        now = self.clock.now()
        today = period(day_of(now, self.config.timezone), day_of(now, self.config.timezone), self.config.timezone)
        with self.sessions() as session:
            tile = wallboard.tile(BoardQueries(session), self.config, name, now)
        elapsed = max(1.0, (now - today.start).total_seconds())
        return {"queue": name, "day": today.first.isoformat(), "offered_today": tile["offered"],
                **whatif(tile["offered"] / elapsed, tile["aht_s"] or DEFAULT_HANDLE_S,
                         target_s if target_s is not None else queue.service_level_s,
                         target_pct if target_pct is not None else queue.service_level_pct, agents, tile["agents_staffed"])}

"""Call service: one transaction per webhook: load the call, step the engine, save, hand back instructions."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from .catalog import FlowCatalog, LoadedFlow
from .flow.engine import step
from .flow.events import CallResumed, CallStarted, Event
from .flow.instructions import Instruction
from .flow.state import CallState, JournalEntry
from .repository import SqlAlchemyUnitOfWork
from .tables import CallRow

log = logging.getLogger(__name__)

TERMINAL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}
KNOWN_STATUSES = TERMINAL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}


@dataclass(frozen=True)
class Reply:
    """What to tell Twilio now, and the node whose answer comes back next."""

    instructions: list[Instruction]
    node: str


@dataclass(frozen=True)
class CallInfo:
    """The Twilio parameters every webhook of a call carries."""

    call_sid: str
    account_sid: str = ""
    from_number: str = ""
    to_number: str = ""
    direction: str = ""
    status: str = ""


class CallService:
    """Runs the engine for a call inside a unit of work; knows nothing of HTTP or TwiML."""

    def __init__(self, uow: Callable[[], SqlAlchemyUnitOfWork], catalog: FlowCatalog, clock):
        self.uow, self.catalog, self.clock = uow, catalog, clock
        self._stored_versions: set[str] = set()

    def answer(self, info: CallInfo) -> Reply:
        """A call came in: start its flow (or, for a repeated request, ask again where it stands)."""
        with self.uow() as uow:
            row = uow.calls.get(info.call_sid, lock=True)
            if row is not None:
                return self._step(uow, row, CallResumed())
            return self._start(uow, info)

    def proceed(self, info: CallInfo, event: Event, at_node: str | None) -> Reply:
        """The caller answered the node `at_node` with `event`; a stale `at_node` only repeats the question."""
        with self.uow() as uow:
            row = uow.calls.get(info.call_sid, lock=True)
            if row is None:
                log.warning("call %s: follow-up for an unknown call; starting its flow afresh", info.call_sid)
                return self._start(uow, info)
            if at_node is not None and at_node != row.node:
                log.info("call %s: answer for node %s but the call is at %s; asking again", info.call_sid, at_node, row.node)
                event = CallResumed()
            return self._step(uow, row, event)

    def record_status(self, info: CallInfo, duration_s: int | None, detail: dict) -> bool:
        """Note a status callback on the call; False when the call is unknown."""
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.calls.get(info.call_sid, lock=True)
            if row is None:
                return False
            row.status, row.updated_at = info.status, now
            if info.status in TERMINAL_STATUSES:
                row.ended_at = row.ended_at or now
                row.duration_seconds = duration_s
            uow.calls.log(row, [JournalEntry(now, "status", row.node, {"status": info.status, **detail})])
            uow.commit()
            return True

    # -- inside a unit of work -------------------------------------------------
    def _start(self, uow: SqlAlchemyUnitOfWork, info: CallInfo) -> Reply:
        now = self.clock.now()
        loaded = self.catalog.for_number(info.to_number)
        self._store_version(uow, loaded)
        instructions, state = step(loaded.flow, None, CallStarted(info.from_number, info.to_number), now)
        row = CallRow(
            call_sid=info.call_sid, account_sid=info.account_sid, from_number=info.from_number,
            to_number=info.to_number, direction=info.direction, status=info.status or "ringing",
            flow_name=loaded.flow.name, flow_version=loaded.flow.version, started_at=now,
        )
        _apply(row, state, now)
        uow.calls.add(row)
        started = JournalEntry(now, "call_started", "", {"from": info.from_number, "to": info.to_number, "flow": loaded.flow.name})
        uow.calls.log(row, (started, *state.journal))
        uow.commit()
        return Reply(instructions, state.node)

    def _step(self, uow: SqlAlchemyUnitOfWork, row: CallRow, event: Event) -> Reply:
        now = self.clock.now()
        flow = self._flow_of(uow, row).flow
        instructions, state = step(flow, _state_of(row), event, now)
        _apply(row, state, now)
        uow.calls.log(row, state.journal)
        uow.commit()
        return Reply(instructions, state.node)

    def _flow_of(self, uow: SqlAlchemyUnitOfWork, row: CallRow) -> LoadedFlow:
        """The flow version the call started on, from memory or else from the database."""
        loaded = self.catalog.version(row.flow_version)
        if loaded is not None:
            return loaded
        stored = uow.flow_versions.get(row.flow_version)
        if stored is None:
            raise LookupError(f"flow version {row.flow_version} of call {row.call_sid} is not stored")
        return self.catalog.remember(stored.source, stored.path)

    def _store_version(self, uow: SqlAlchemyUnitOfWork, loaded: LoadedFlow) -> None:
        version = loaded.flow.version
        if version in self._stored_versions:
            return
        if uow.flow_versions.get(version) is None:
            uow.flow_versions.add(loaded.flow.name, version, loaded.flow.path, loaded.source, self.clock.now())
        self._stored_versions.add(version)


def _state_of(row: CallRow) -> CallState:
    return CallState(
        node=row.node, language=row.language, variables=dict(row.variables or {}),
        invalid_count=row.invalid_count, no_input_count=row.no_input_count, ended=row.flow_ended,
    )


def _apply(row: CallRow, state: CallState, now) -> None:
    row.node, row.language, row.variables = state.node, state.language, dict(state.variables)
    row.invalid_count, row.no_input_count, row.flow_ended = state.invalid_count, state.no_input_count, state.ended
    row.updated_at = now

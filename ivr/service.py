"""Call service: one transaction per webhook: load the call, step the engine, save, hand back instructions."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Callable

from .catalog import FlowCatalog, LoadedFlow
from .journal_rows import record_effects
from .flow.engine import step
from .flow.events import (CallResumed, CallStarted, DialEnded, DigitsEntered, Event, HttpFetched, NoInput, QueueLeft,
                          SpeechHeard)
from .flow.instructions import Enqueue, FetchJson, Instruction, Listen
from .flow.menus import listening
from .flow.state import CallState, JournalEntry
from .repository import SqlAlchemyUnitOfWork
from .tables import CallRow

log = logging.getLogger(__name__)

TERMINAL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}
KNOWN_STATUSES = TERMINAL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}
_STAGE = {"queued": 0, "initiated": 0, "ringing": 1, "in-progress": 2, **{s: 3 for s in TERMINAL_STATUSES}}


def later_status(current: str, reported: str) -> str:
    """A call's status only moves forward (callbacks arrive in any order): ringing, in-progress, then the first end."""
    if reported not in _STAGE:
        return current
    return reported if _STAGE[reported] > _STAGE.get(current, 0) else current


FETCH_MARGIN_S = 2.0  # of a webhook's budget, what the steps around its http fetches keep for themselves


@dataclass(frozen=True)
class Reply:
    """What to tell Twilio now, and the node whose answer comes back next."""

    instructions: list[Instruction]
    node: str
    recording: object = None  # a RecordingMove to make once the step is committed (pause or resume)


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
    """Runs the engine for a call inside units of work; knows nothing of HTTP or TwiML."""

    def __init__(self, uow: Callable[[], SqlAlchemyUnitOfWork], catalog: FlowCatalog, clock, fetcher=None, sealer=None,
                 queues=None, speech=None, webhook_budget_s: float = 8.0, recording=None):
        self.uow, self.catalog, self.clock = uow, catalog, clock
        # http nodes share what the webhook's budget leaves: a slow service takes the flow's failure branch
        # before the budget answers the caller with the apology instead
        self.fetch_budget_s = max(1.0, webhook_budget_s - FETCH_MARGIN_S)
        self._fetcher = fetcher  # http nodes' fetcher
        self._sealer = sealer  # seals sensitive variables before they are stored (None: stored as they are)
        self._queues = queues  # the QueueService: files Enqueue instructions, reports how callers left
        self._speech = speech  # the SpeechService: recognises listening menus' recordings
        self._stored_versions: set[str] = set()
        self._recording = recording  # the RecordingPolicy: records calls, pauses around sensitive gathers (None: off)

    # Collaborators are given at construction (by the bootstrap) and never replaced: read-only.
    fetcher = property(lambda self: self._fetcher)
    sealer = property(lambda self: self._sealer)
    queues = property(lambda self: self._queues)
    speech = property(lambda self: self._speech)
    recording = property(lambda self: self._recording)

    def answer(self, info: CallInfo) -> Reply:
        """A call came in: start its flow (or, for a repeated request, ask again where it stands)."""
        with self.uow() as uow:
            row = uow.calls.get(info.call_sid, lock=True)
            if row is not None:
                _advance(row, info.status or "in-progress", self.clock.now())
            reply = self._step(uow, row, CallResumed()) if row is not None else self._start(uow, info)
        return self._fetch_loop(info, reply)

    def proceed(self, info: CallInfo, event: Event, at_node: str | None) -> Reply:
        """The caller answered the node `at_node` with `event`; a stale `at_node` only repeats the question."""
        return self._fetch_loop(info, self._stepped(info, at_node, lambda _uow, _row: event))

    def heard_speech(self, info: CallInfo, at_node: str | None, recording_url: str = "", via_stream: bool = False) -> Reply:
        """A listening menu's answer by voice: what its media stream stored (taken in the step's transaction), or
        the recording at `recording_url`, downloaded and recognised first, outside any transaction."""
        if via_stream:
            def taken(uow, row):
                return _take_stream_result(uow, row, at_node, self.clock.now())
            return self._fetch_loop(info, self._stepped(info, at_node, taken))
        listen = self.listening(info.call_sid, at_node) if recording_url and self.speech is not None else None
        return self.proceed(info, NoInput() if listen is None else self.speech.hear_recording(recording_url, listen), at_node)

    def queue_left(self, info: CallInfo, at_node: str | None, queue_result: str) -> Reply:
        """The Enqueue action: the queue's account of how the caller left and the flow's next step, one transaction."""
        return self._fetch_loop(info, self._stepped(
            info, at_node, lambda uow, _row: _queue_event(self.queues.left(uow, info.call_sid, queue_result, self.clock.now()))))

    def agent_dial_ended(self, info: CallInfo, at_node: str | None, dial: DialEnded) -> Reply:
        """The Dial to the agent ended: the entry completed or missed and the flow stepped in one transaction; then
        the freed agent is routed."""
        def ended(uow, _row):
            self.queues.dial_ended(uow, info.call_sid, dial.status, dial.duration_s, self.clock.now())
            return dial

        reply = self._stepped(info, at_node, ended)
        self.queues.route_now()
        return self._fetch_loop(info, reply)

    def _stepped(self, info: CallInfo, at_node: str | None, event_of) -> Reply:
        """One transaction: lock the call, `event_of(uow, row)` (work of the same transaction), step."""
        with self.uow() as uow:
            row = uow.calls.get(info.call_sid, lock=True)
            event = event_of(uow, row)
            if row is None:
                log.warning("call %s: follow-up for an unknown call; starting its flow afresh", info.call_sid)
                reply = self._start(uow, info)
            else:
                # Twilio asks for more TwiML only of an answered call: it is in progress (or over) by now.
                _advance(row, info.status or "in-progress", self.clock.now())
                if at_node is not None and at_node != row.node:
                    log.info("call %s: answer for node %s but the call is at %s; asking again", info.call_sid, at_node, row.node)
                    event = CallResumed()
                reply = self._step(uow, row, event)
        return reply

    def record_status(self, info: CallInfo, duration_s: int | None, detail: dict) -> bool:
        """Note a status callback on the call; False when the call is unknown."""
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.calls.get(info.call_sid, lock=True)
            if row is None:
                return False
            first_end = info.status in TERMINAL_STATUSES and row.status not in TERMINAL_STATUSES
            _advance(row, info.status, now)
            row.updated_at = now
            if info.status in TERMINAL_STATUSES and (first_end or row.duration_seconds is None):
                row.duration_seconds = duration_s
            uow.calls.save(row)
            uow.calls.log(row, [JournalEntry(now, "status", row.node, {"status": info.status, **detail})])
            uow.commit()
        if info.status in TERMINAL_STATUSES and self.queues is not None and getattr(row, "queued", True):
            self.queues.call_ended(info.call_sid)  # a call that never waited in a queue has no entry to settle
        return True

    def listening(self, call_sid: str, at_node: str | None) -> Listen | None:
        """What the call's current node listens for (read only; None when the call moved on or takes keys only)."""
        with self.uow() as uow:
            row = uow.calls.get(call_sid)
            if row is None or (at_node is not None and at_node != row.node):
                return None
            return listening(self._flow_of(uow, row).flow, _state_of(row))

    def store_stream_result(self, call_sid: str, node: str, event: SpeechHeard | DigitsEntered | NoInput) -> bool:
        """Keep what a media stream heard, for the webhook that follows the stream; False for an unknown call."""
        with self.uow() as uow:
            row = uow.calls.get(call_sid, lock=True)
            if row is None:
                return False
            uow.calls.log(row, [JournalEntry(self.clock.now(), STREAM_RESULT, node, _stream_detail(event))])
            uow.commit()
            return True

    def store_versions(self) -> None:
        """Keep every flow version now in service in the database (hash, time, file, definition)."""
        with self.uow() as uow:
            for loaded in list(self.catalog.current.values()):
                self._store_version(uow, loaded)
            uow.commit()

    # -- http nodes: fetched between two transactions, never holding a lock ---------------
    def _fetch_loop(self, info: CallInfo, reply: Reply) -> Reply:
        self._move_recording(info, reply)
        said: list[Instruction] = []
        deadline = time.monotonic() + self.fetch_budget_s
        while reply.instructions and isinstance(reply.instructions[-1], FetchJson):
            said += reply.instructions[:-1]
            result = self._fetch(reply.instructions[-1], deadline)
            with self.uow() as uow:
                row = uow.calls.get(info.call_sid, lock=True)
                reply = self._step(uow, row, result if row.node == reply.node else CallResumed())
            self._move_recording(info, reply)
        return Reply(said + reply.instructions, reply.node) if said else reply

    def _fetch(self, request: FetchJson, deadline: float) -> HttpFetched:
        left = deadline - time.monotonic()
        if self.fetcher is None or left <= 0.5:
            return HttpFetched(False, 0, None, "no time left in this webhook" if self.fetcher else "no fetcher")
        return self.fetcher.fetch(FetchJson(request.method, request.url, request.headers, request.body, min(request.timeout_s, left)))

    def _move_recording(self, info: CallInfo, reply: Reply) -> None:
        """After the commit, before Twilio hears the TwiML: pause or resume the call's recording."""
        if self._recording is not None and reply.recording is not None:
            self._recording.carry_out(info.call_sid, reply.recording)

    def _recorded(self, uow, row: CallRow, flow, instructions: list, node: str, now, started: bool = False):
        if self._recording is None:
            return instructions, None
        # a call row read by the webhook path knows whether our recording runs; a new call's has none yet
        capturing = getattr(row, "capturing", not started)
        return self._recording.plan(uow, row.call_sid, flow, node, instructions, now, started, capturing)

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
        self._seal(row, loaded.flow)
        uow.calls.add(row)
        instructions = self._file(uow, row, instructions, now)
        instructions, move = self._recorded(uow, row, loaded.flow, instructions, state.node, now, started=True)
        started = JournalEntry(now, "call_started", "", {"from": info.from_number, "to": info.to_number, "flow": loaded.flow.name})
        self._save(uow, row, (started, *state.journal))
        return Reply(instructions, state.node, move)

    def _step(self, uow: SqlAlchemyUnitOfWork, row: CallRow, event: Event) -> Reply:
        now = self.clock.now()
        flow = self._flow_of(uow, row).flow
        instructions, state = step(flow, self._opened(_state_of(row)), event, now)
        _apply(row, state, now)
        self._seal(row, flow)
        instructions = self._file(uow, row, instructions, now)
        instructions, move = self._recorded(uow, row, flow, instructions, state.node, now)
        self._save(uow, row, state.journal)
        return Reply(instructions, state.node, move)

    def _seal(self, row: CallRow, flow) -> None:
        if self.sealer is not None:
            row.variables = self.sealer.seal(row.variables, flow.sensitive_variables)

    def _opened(self, state: CallState) -> CallState:
        return state if self.sealer is None else state.but(variables=self.sealer.open(state.variables))

    def _file(self, uow: SqlAlchemyUnitOfWork, row: CallRow, instructions: list, now) -> list:
        """Enqueue instructions are filed in the call's transaction; the entry's id goes into the wait URL."""
        if self.queues is None:
            return instructions
        return [replace(i, entry=self.queues.file(uow, row.call_sid, row.from_number, row.node, i, now))
                if isinstance(i, Enqueue) else i for i in instructions]

    def _save(self, uow: SqlAlchemyUnitOfWork, row: CallRow, journal) -> None:
        uow.calls.save(row)
        uow.calls.log(row, journal)
        record_effects(uow, row, journal)
        uow.commit()

    def _flow_of(self, uow: SqlAlchemyUnitOfWork, row: CallRow) -> LoadedFlow:
        """The flow version the call started on, from memory or else from the database."""
        loaded = self.catalog.version(row.flow_version)
        if loaded is not None:
            return loaded
        stored = uow.flow_versions.get(row.flow_version)
        if stored is None or stored.definition is None:
            raise LookupError(f"flow version {row.flow_version} of call {row.call_sid} is not stored")
        return self.catalog.restore(stored.definition, stored.source)

    def _store_version(self, uow: SqlAlchemyUnitOfWork, loaded: LoadedFlow) -> None:
        flow = loaded.flow
        if flow.version in self._stored_versions:
            return
        if uow.flow_versions.get(flow.version) is None:
            uow.flow_versions.add(flow.name, flow.version, flow.path, loaded.source,
                                  flow.model_dump(mode="json"), loaded.loaded_at or self.clock.now())
        self._stored_versions.add(flow.version)


STREAM_RESULT, STREAM_TAKEN = "speech_stream_result", "speech_stream_taken"
QUEUE_OUTCOMES = {"assigned", "overflowed", "hangup"}  # the engine's QueueLeft outcomes


def _stream_detail(event) -> dict:
    if isinstance(event, DigitsEntered):
        return {"digits": event.digits}
    if isinstance(event, SpeechHeard):
        return {"transcript": event.transcript, "confidence": event.confidence, "option": event.option,
                "phrase": event.phrase, "score": event.score, "confident": event.confident}
    return {}


def _queue_event(left) -> QueueLeft | CallResumed:
    """The engine's event for the queue's Left (the one place they meet); a caller still waiting is asked again."""
    if left.outcome not in QUEUE_OUTCOMES:
        return CallResumed()
    return QueueLeft(left.outcome, left.contact, left.ring_timeout_s, left.entry)


def _take_stream_result(uow, row, node: str | None, now) -> SpeechHeard | DigitsEntered | NoInput:
    """What the stream at `node` heard, marked taken (NoInput when it heard nothing or the stream never ran)."""
    if row is None:
        return NoInput()
    events = [e for e in uow.calls.with_events(row.call_sid).events if e.kind in (STREAM_RESULT, STREAM_TAKEN)]
    latest = events[-1] if events else None
    if latest is None or latest.kind == STREAM_TAKEN or (node is not None and latest.node != node):
        return NoInput()
    uow.calls.log(row, [JournalEntry(now, STREAM_TAKEN, latest.node, {})])
    return _stream_event(latest.detail)


def _stream_event(detail: dict):
    if "digits" in detail:
        return DigitsEntered(detail["digits"])
    if "transcript" in detail:
        return SpeechHeard(detail["transcript"], detail["confidence"], detail["option"], detail["phrase"],
                           detail["score"], detail["confident"])
    return NoInput()


def _advance(row, reported: str, now) -> None:
    row.status = later_status(row.status, reported)
    if row.status in TERMINAL_STATUSES:
        row.ended_at = row.ended_at or now


def _state_of(row: CallRow) -> CallState:
    extras = row.extras or {}
    return CallState(
        node=row.node, language=row.language, variables=dict(row.variables or {}),
        invalid_count=row.invalid_count, no_input_count=row.no_input_count, ended=row.flow_ended,
        **CallState.extras_fields(extras),
    )


def _apply(row: CallRow, state: CallState, now) -> None:
    row.node, row.language, row.variables = state.node, state.language, dict(state.variables)
    row.invalid_count, row.no_input_count, row.flow_ended = state.invalid_count, state.no_input_count, state.ended
    row.extras = state.extras()
    row.updated_at = now

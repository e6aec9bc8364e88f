"""Call-backs: a supervisor asks, the one outbound adapter places the call, and when the caller answers they wait
in their queue again as a priority caller (or are put through to the chosen agent).

The call-back row is written (and a second request for the same entry refused) in one transaction with the entry
locked; the REST request is made after it commits, never while holding the database.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from datetime import timedelta

from sqlalchemy import or_, select

from callqueue.tables import AgentRow, QueueEntryRow

from ..flow.instructions import Enqueue
from ..outbound.ports import OutboundCall
from ..tables import CallRow
from . import callback_agent
from .errors import BadRequest, CallbackInProgress, NotFound, RestUnavailable
from .tables import IN_PROGRESS, CallbackRow

log = logging.getLogger(__name__)
CALLBACK_PRIORITY = 100  # the highest an enqueue node may give: called-back callers go first
ANSWER_PATH, STATUS_PATH = "/voice/callback", "/voice/callback/status"
TERMINAL = ("completed", "busy", "no-answer", "failed", "canceled")
TARGETS = ("queue", "agent")
STALE_REQUEST = timedelta(minutes=2)


@dataclass(frozen=True)
class Answered:
    """What the answered call-back does: wait in `queue` as entry `entry` (target queue), ring `contact` (agent),
    or hang up (`gone`: the call-back is unknown or was already answered)."""

    action: str
    queue: str = ""
    entry: int = 0
    contact: str = ""
    language: str = ""
    ring_timeout_s: int = 20


class Callbacks:
    """Places and follows call-backs; `rest` is a callable giving the outbound adapter or None (REST not set up);
    `audit` a callable giving the audit log (`record(actor, action, target, **detail)`) or None."""

    def __init__(self, uow, queues, rest, clock, audit=None):
        self.uow, self.queues, self.rest, self.clock, self.audit = uow, queues, rest, clock, audit

    def place(self, entry_id: int, target: str, agent_id: str | None, actor: str) -> CallbackRow:
        """Record and place a call-back to abandoned entry `entry_id`; its row with the placed call's CallSid."""
        if target not in TARGETS:
            raise BadRequest(f"target must be queue or agent, not {str(target)[:20]!r}")
        rest = self.rest()
        if rest is None:
            raise RestUnavailable("call-backs need Twilio's REST API: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL")
        row, call = self._record(entry_id, target, agent_id, actor)
        call_sid = rest.place_call(call)
        self._placed(row.id, call_sid)
        if call_sid is None:
            raise RestUnavailable("Twilio did not take the call-back; the server's log says why")
        self._audit(actor, row, call_sid)
        return self.get(row.id)

    def get(self, callback_id: int) -> CallbackRow | None:
        with self.uow() as uow:
            return uow.session.get(CallbackRow, callback_id)

    def _record(self, entry_id: int, target: str, agent_id: str | None, actor: str) -> tuple[CallbackRow, OutboundCall]:
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            entry = s.scalars(select(QueueEntryRow).where(QueueEntryRow.id == entry_id).with_for_update()).one_or_none()
            if entry is None or entry.status != "abandoned" or not entry.from_number:
                raise NotFound(f"no abandoned caller with a number at entry {entry_id}")
            if target == "agent" and not agent_id:
                raise NotFound("no agent given to put the call-back through to")
            busy = s.scalars(select(CallbackRow).where(
                CallbackRow.entry_id == entry_id, CallbackRow.status.in_(IN_PROGRESS),
                # a row left "requested" by a process that died before Twilio answered does not block for ever
                or_(CallbackRow.status != "requested", CallbackRow.requested_at > now - STALE_REQUEST))).first()
            if busy is not None:
                raise CallbackInProgress(f"a call-back to entry {entry_id} is already {busy.status} "
                                         f"(asked by {busy.requested_by} at {busy.requested_at.isoformat()})")
            row = CallbackRow(entry_id=entry_id, number=entry.from_number, queue=entry.queue, target=target,
                              agent_id=agent_id if target == "agent" else None, requested_by=actor[:128],
                              requested_at=now, status="requested", updated_at=now)
            s.add(row)
            s.flush()
            if target == "agent":
                row.new_entry_id = callback_agent.reserve(uow, self.queues.config, row.id, str(agent_id), entry,
                                                          CALLBACK_PRIORITY, now)
            ours = s.scalar(select(CallRow.to_number).where(CallRow.call_sid == entry.call_sid)) or ""
            uow.commit()
        query = urlencode({"callback": row.id})
        return row, OutboundCall(to=row.number, from_=ours, url=f"{ANSWER_PATH}?{query}",
                                 status_callback=f"{STATUS_PATH}?{query}")

    def _placed(self, callback_id: int, call_sid: str | None) -> None:
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.session.get(CallbackRow, callback_id)
            row.call_sid, row.status, row.updated_at = call_sid, "queued" if call_sid else "failed", now
            self._name_stay(uow, row, call_sid)
            if call_sid is None and row.target == "agent":
                callback_agent.release(uow, row.new_entry_id, now)
            uow.commit()
        if call_sid is None and row.target == "agent":
            self.queues.route_now()

    @staticmethod
    def _name_stay(uow, row: CallbackRow, call_sid: str | None) -> None:
        """The agent's reserved stay takes the placed call's CallSid (the Dial's end finds it by it)."""
        stay = uow.session.get(QueueEntryRow, row.new_entry_id) if row.target == "agent" and row.new_entry_id else None
        if stay is not None and call_sid and stay.call_sid == callback_agent.placeholder_sid(row.id):
            stay.call_sid = call_sid

    def _audit(self, actor: str, row: CallbackRow, call_sid: str) -> None:
        audit = self.audit() if self.audit is not None else None
        if audit is not None:
            audit.record(actor, "callback", str(row.entry_id), to=row.target, agent=row.agent_id,
                              queue=row.queue, call_sid=call_sid)

    def answered(self, callback_id: int, call_sid: str) -> Answered:
        """The called-back person picked up (the placed call asks for its TwiML): file them first in line."""
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            row = s.scalars(select(CallbackRow).where(CallbackRow.id == callback_id).with_for_update()).one_or_none()
            if row is None or row.call_sid != call_sid:
                log.warning("call-back %s answered by call %s, which is not its call: hanging up", callback_id, call_sid)
                return Answered("gone")
            first = s.get(QueueEntryRow, row.entry_id)
            row.status, row.updated_at = "in-progress", now
            if row.target == "agent":
                self._name_stay(uow, row, call_sid)
                stay = callback_agent.reserved(uow, row.new_entry_id)
                if stay is not None:
                    contact = s.scalar(select(AgentRow.contact).where(AgentRow.id == row.agent_id)) or ""
                    uow.commit()
                    return Answered("agent", row.queue, int(stay.call_id), contact,
                                    first.language if first else "", self._ring_s(row.queue))
                log.warning("call-back %s: agent %s is no longer reserved for it; the caller waits in %s first in line",
                            callback_id, row.agent_id, row.queue)
            entry = self.queues.file(uow, call_sid, row.number, f"callback:{row.id}", _enqueue(row, first), now)
            row.new_entry_id = entry
            uow.commit()
        self.queues.route_now()
        return Answered("queue", row.queue, entry, language=first.language if first else "")

    def left(self, call_sid: str, queue_result: str):
        """The Enqueue action of a call-back: how it left the queue (the queue's Left: assigned, hangup ...)."""
        with self.uow() as uow:
            left = self.queues.left(uow, call_sid, queue_result, self.clock.now())
            uow.commit()
        return left

    def dialed(self, call_sid: str, status: str, duration_s: int) -> None:
        """The Dial from a call-back to its agent ended (answered: completed; else the caller is first in line again)."""
        self.queues.agent_dial_ended(call_sid, status, duration_s)

    def status(self, callback_id: int, call_sid: str, status: str) -> None:
        """Twilio's status callback of the placed call: kept on the row; a caller still in line when it ends abandoned."""
        with self.uow() as uow:
            row = uow.session.get(CallbackRow, callback_id)
            if row is None or row.call_sid != call_sid:
                log.warning("status %s of call %s for unknown call-back %s ignored", status, call_sid, callback_id)
                return
            if row.status in TERMINAL:
                return
            row.status, row.updated_at = status[:32], self.clock.now()
            released = row.target == "agent" and status in TERMINAL and status != "completed"
            if released:
                callback_agent.release(uow, row.new_entry_id, self.clock.now())
            uow.commit()
        if released:
            self.queues.route_now()
        if status in TERMINAL:
            self.queues.call_ended(call_sid)


    def _ring_s(self, queue: str) -> int:
        found = self.queues.config.queues.get(queue)
        return int(found.ring_timeout_s) if found else callback_agent.DEFAULT_RING_S


def _enqueue(row: CallbackRow, first: QueueEntryRow | None) -> Enqueue:
    skills = tuple(sorted((first.skills or {}).items())) if first else ()
    variables = tuple(sorted((first.variables or {}).items())) if first else ()
    whisper = f"Call-back: {first.whisper}" if first and first.whisper else "Call-back"
    return Enqueue(row.queue, skills, CALLBACK_PRIORITY, variables, whisper, first.language if first else "")

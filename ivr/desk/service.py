"""The desk service: one agent's screen as data — their state, the caller card, wrap-up, their day, the browser-phone
token. Every read is one unit of work; a wrap-up is one transaction (and routes the agent when they are ready)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from callqueue import model
from callqueue.errors import UnknownAgent
from callqueue.model import AgentStatus

from . import card as cards
from .day import day_bounds, figures, time_in_states
from .errors import BadWrapUp, NotYourCall, UnknownCall
from .token import access_token

NOTES_MAX = 2000  # characters of a wrap-up note
WRAPPABLE = ("answered", "completed")  # entry statuses an agent may wrap up: on the call, or after it
ON_OFFER = (AgentStatus.RESERVED, AgentStatus.BUSY)
BLOCKED = {  # why a person cannot change status now, for the desk's disabled buttons
    AgentStatus.RESERVED: ("ringing", "전화가 울리는 중에는 상태를 바꿀 수 없습니다", "a call is ringing: the status cannot change now"),
    AgentStatus.BUSY: ("on_call", "통화 중에는 상태를 바꿀 수 없습니다", "on a call: the status can change once it ends"),
}


class DeskService:
    """Knows the unit of work, the clock, the queue settings and the queue service (to route a ready agent)."""

    def __init__(self, uow: Callable, clock, queues, settings, sensitive: Callable[[str], frozenset[str]]):
        self.uow, self.clock, self.queues, self.settings = uow, clock, queues, settings
        self._sensitive = sensitive  # a flow version's sensitive variable names

    @property
    def config(self):
        return self.queues.config

    # -- the screen ---------------------------------------------------------------------
    def state(self, agent_id: str) -> dict:
        """The agent, their current offer or call with its card, break reasons, dispositions and a pending wrap-up."""
        now = self.clock.now()
        with self.uow() as uow:
            agent = _agent(uow, agent_id)
            current = uow.desk.entry(int(agent.call_id)) if agent.call_id and agent.status in ON_OFFER else None
            last = uow.desk.last_answered(agent_id)
            offer = None if current is None else {
                "entry_id": current.id, "call_sid": current.call_sid, "status": current.status,
                "ring_due_at": _iso(current.ring_due_at), "card": self._card(uow, current.call_sid, agent_id, now)}
            shown = current or last
            return {"agent": self._agent_json(agent, now), "offer": offer,
                    "break_reasons": _labelled(self.config.break_reasons),
                    "dispositions": _labelled(self.config.dispositions(shown.queue if shown else "")),
                    "wrap_up": _pending(last, agent, now)}

    def caller_card(self, call_sid: str, agent_id: str) -> dict:
        """The card of a call that was offered to this agent (UnknownCall, NotYourCall otherwise)."""
        with self.uow() as uow:
            _agent(uow, agent_id)
            return self._card(uow, call_sid, agent_id, self.clock.now())

    def _card(self, uow, call_sid: str, agent_id: str, now: datetime) -> dict:
        call = uow.desk.call(call_sid)
        if call is None:
            raise UnknownCall(f"no call {call_sid}")
        offer = uow.desk.offer(call_sid, agent_id)
        if offer is None:
            raise NotYourCall(f"call {call_sid} was not offered to agent {agent_id}")
        history = []
        if cards.has_number(call.from_number):
            history = uow.desk.earlier_calls(call.from_number, cards.history_window(now), call.started_at, call_sid)
        return cards.card(call, uow.desk.latest_entry(call_sid), offer, history, now, self._sensitive(call.flow_version))

    # -- wrap-up -----------------------------------------------------------------------------
    def wrap_up(self, agent_id: str, entry_id: int, disposition: str, notes: str = "", follow_up: bool = False,
                ready: bool = False) -> dict:
        """Store the agent's disposition, notes and follow-up flag on the queue entry and its call; `ready` ends the
        agent's wrap-up time early (they are routed at once). Storing again replaces the earlier wrap-up."""
        notes = _notes(notes)
        if not isinstance(follow_up, bool):
            raise BadWrapUp("follow_up must be true or false")
        now = self.clock.now()
        with self.uow() as uow:
            entry = uow.desk.entry(entry_id, lock=True)
            if entry is None:
                raise UnknownCall(f"no queue entry {entry_id}")
            if entry.agent_id != agent_id or entry.status not in WRAPPABLE:
                raise NotYourCall(f"queue entry {entry_id} is not a call agent {agent_id} answered")
            self._check_disposition(entry.queue, disposition)
            values = {"disposition": disposition, "notes": notes, "follow_up": follow_up, "wrapped_by": agent_id,
                      "wrapped_at": now}
            uow.desk.store_wrap_up(entry, values)
            agent = _agent(uow, agent_id, lock=True)
            if ready and agent.status is AgentStatus.WRAP_UP:
                agent = model.end_wrap_up(agent, now)
                uow.queues.save_agent(agent, now)
            uow.commit()
            result = {"entry_id": entry.id, "call_sid": entry.call_sid, **cards.wrap_up_json(entry),
                      "status": agent.status.value}
        if agent.status is AgentStatus.AVAILABLE:
            self.queues.route_now()
        return result

    def ready(self, agent_id: str) -> dict:
        """End the agent's wrap-up time now (InvalidTransition when they are not in wrap-up); routed at once."""
        now = self.clock.now()
        with self.uow() as uow:
            agent = model.end_wrap_up(_agent(uow, agent_id, lock=True), now)
            uow.queues.save_agent(agent, now)
            uow.commit()
        self.queues.route_now()
        return self.state(agent_id)["agent"]

    def _check_disposition(self, queue: str, disposition) -> None:
        codes = [d.code for d in self.config.dispositions(queue)]
        if disposition not in codes:
            raise BadWrapUp(f"disposition {disposition!r} is not one of queue {queue}'s: {', '.join(codes)}")

    # -- the day and the phone ------------------------------------------------------------
    def my_day(self, agent_id: str) -> dict:
        """Today (the center's time zone) so far: calls handled, average talk and handle time, time in each status."""
        start, end = day_bounds(self.clock.now(), self.config.timezone)
        with self.uow() as uow:
            _agent(uow, agent_id)
            before, changes = uow.desk.status_changes(agent_id, start, end)
            answered = uow.desk.answered_between(agent_id, start, end)
        by_status, by_reason = time_in_states(before, changes, start, end)
        handled = [e.handle_seconds for e in answered if e.handle_seconds is not None]
        return {"date": start.date().isoformat(), "timezone": self.config.timezone, "since": start.isoformat(),
                "until": end.isoformat(), **figures(handled, len(answered), by_status["wrap_up"]),
                "time_in_state_s": by_status, "break_reasons_s": by_reason}

    def token(self, agent_id: str) -> dict:
        """A Twilio Voice access token for an agent whose contact is client:NAME, or why browser calling is off."""
        with self.uow() as uow:
            agent = _agent(uow, agent_id)
        return access_token(self.settings, agent.contact, self.clock.now())

    def _agent_json(self, agent: model.Agent, now: datetime) -> dict:
        reason = self.config.break_reason(agent.status_reason) if agent.status_reason else None
        blocked = BLOCKED.get(agent.status) if model.person_blocked(agent) else None
        left = None if agent.wrap_up_until is None else max(0.0, round((agent.wrap_up_until - now).total_seconds(), 1))
        return {"id": agent.id, "name": agent.name, "contact": agent.contact, "status": agent.status.value,
                "since": _iso(agent.status_since), "reason": agent.status_reason,
                "reason_labels": dict(reason.labels) if reason else None,
                "wrap_up_until": _iso(agent.wrap_up_until), "wrap_up_left_s": left,
                "may_change": blocked is None,
                "why_not": None if blocked is None else {"code": blocked[0], "ko": blocked[1], "en": blocked[2]}}


def _agent(uow, agent_id: str, lock: bool = False) -> model.Agent:
    agent = uow.queues.agent(agent_id, lock=lock)
    if agent is None:
        raise UnknownAgent(f"no agent {agent_id!r}")
    return agent


def _pending(last, agent: model.Agent, now: datetime) -> dict | None:
    """The agent's last answered call once it ended, while it has no disposition: what the wrap-up form is for."""
    if last is None or last.status != "completed" or last.wrapped_at is not None:
        return None
    due = agent.wrap_up_until if agent.status is AgentStatus.WRAP_UP else None
    return {"entry_id": last.id, "call_sid": last.call_sid, "queue": last.queue, "ended_at": _iso(last.ended_at),
            "due_at": _iso(due), "left_s": None if due is None else max(0.0, round((due - now).total_seconds(), 1))}


def _notes(notes) -> str:
    if notes is None:
        return ""
    if not isinstance(notes, str):
        raise BadWrapUp("notes must be text")
    if len(notes) > NOTES_MAX:
        raise BadWrapUp(f"notes are {len(notes)} characters; at most {NOTES_MAX}")
    if "\x00" in notes:
        raise BadWrapUp("notes hold a NUL character")
    return notes.strip()


def _labelled(items) -> list[dict]:
    return [{"code": item.code, "labels": dict(item.labels)} for item in items]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

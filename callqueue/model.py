"""Call-queue domain: agents and their status machine, queue entries and their life, queue settings.

Agents and entries are frozen values; every move returns a new value and refuses (InvalidTransition)
a move the machine does not allow. Time is always passed in.

Agent statuses::

    person:  offline | available | break | wrap_up | missed  ->  offline | available | break
    system:  available -offer-> reserved -answer-> busy -hang_up-> wrap_up -end_wrap_up-> available
             reserved -miss-> missed      (no answer within the ring timeout)
             reserved -withdraw-> available  (the caller hung up while it rang)

`missed` is a status of its own: the agent is not routed again until a person sets a status,
so a headset left on a desk does not keep swallowing calls; supervisors can see who missed.
People cannot change the status of an agent with a call ringing or connected (reserved, busy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Mapping

from .errors import InvalidTransition, UnknownStatus
from .queues import Escalation, Queue, QueueConfig, Strategy

__all__ = ["Agent", "AgentStatus", "EntryStatus", "Escalation", "Queue", "QueueConfig", "QueueEntry", "Strategy"]


class AgentStatus(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    BREAK = "break"
    RESERVED = "reserved"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    MISSED = "missed"


PERSON_STATUSES = frozenset({AgentStatus.OFFLINE, AgentStatus.AVAILABLE, AgentStatus.BREAK})
PERSON_MAY_LEAVE = PERSON_STATUSES | {AgentStatus.WRAP_UP, AgentStatus.MISSED}
SEATED = frozenset({AgentStatus.AVAILABLE, AgentStatus.RESERVED, AgentStatus.BUSY, AgentStatus.WRAP_UP})  # staffed: at work


@dataclass(frozen=True)
class Agent:
    """A person who takes calls. `skills` maps a skill (languages by code: ko, en) to a level 1..10."""

    id: str
    name: str
    contact: str
    skills: Mapping[str, int] = field(default_factory=dict)
    status: AgentStatus = AgentStatus.OFFLINE
    status_since: datetime | None = None
    idle_since: datetime | None = None
    calls_today: int = 0
    last_assigned_at: datetime | None = None
    call_id: str | None = None
    missed_calls: int = 0
    wrap_up_until: datetime | None = None
    status_reason: str | None = None  # why on break (a code of queues.yaml's break_reasons); None otherwise


def _replace(value, **changes):
    # dataclasses.replace re-runs every field's machinery and costs ~6 µs; a simulated hour makes
    # thousands of moves. Moves never change the fields __post_init__ derives from, so copy them.
    copy = object.__new__(type(value))
    copy.__dict__.update(value.__dict__, **changes)
    return copy


def _enter(agent: Agent, status: AgentStatus, now: datetime, **changes) -> Agent:
    changes.setdefault("idle_since", now if status is AgentStatus.AVAILABLE else agent.idle_since)
    changes.setdefault("status_reason", None)
    return _replace(agent, status=status, status_since=now, **changes)


def _require(agent: Agent, allowed: set[AgentStatus], doing: str) -> None:
    if agent.status not in allowed:
        expected = " or ".join(sorted(allowed))
        raise InvalidTransition(f"cannot {doing} agent {agent.id}: they are {agent.status}, not {expected}")


def set_status(agent: Agent, status: str, now: datetime, reason: str | None = None) -> Agent:
    """A person sets offline, available or break (break with an optional reason); refused while a call rings
    at or is connected to the agent. The service checks the reason against the configured list."""
    target = person_status(status)
    if reason is not None and target is not AgentStatus.BREAK:
        raise UnknownStatus(f"a reason goes with break only, not with {target}")
    if agent.status == target and agent.status_reason == reason:
        return agent
    blocked = person_blocked(agent)
    if blocked is not None:
        raise InvalidTransition(f"{blocked}; set {target} once the call ends")
    return _enter(agent, target, now, wrap_up_until=None, status_reason=reason)


def person_blocked(agent: Agent) -> str | None:
    """Why a person cannot change the agent's status now (a call rings at or is connected to them); None if they can."""
    if agent.status in PERSON_MAY_LEAVE:
        return None
    on_call = f" on call {agent.call_id}" if agent.call_id else ""
    return f"agent {agent.id} is {agent.status}{on_call}"


def person_status(status: str) -> AgentStatus:
    """The status named `status` if a person may set it, else UnknownStatus."""
    if status not in {s.value for s in PERSON_STATUSES}:
        raise UnknownStatus(f"unknown status {status!r}: a person can set offline, available or break")
    return AgentStatus(status)


def offer(agent: Agent, call_id: str, now: datetime) -> Agent:
    """The router reserves an available agent for a call; the agent's phone rings."""
    _require(agent, {AgentStatus.AVAILABLE}, f"offer call {call_id} to")
    return _enter(agent, AgentStatus.RESERVED, now, call_id=call_id, last_assigned_at=now)


def answer(agent: Agent, now: datetime) -> Agent:
    """The agent picked up the offered call."""
    _require(agent, {AgentStatus.RESERVED}, "connect")
    return _enter(agent, AgentStatus.BUSY, now, calls_today=agent.calls_today + 1)


def miss(agent: Agent, now: datetime) -> Agent:
    """The agent did not answer within the ring timeout: not routed again until a person sets a status."""
    _require(agent, {AgentStatus.RESERVED}, "mark as missed")
    return _enter(agent, AgentStatus.MISSED, now, call_id=None, missed_calls=agent.missed_calls + 1)


def withdraw(agent: Agent, now: datetime) -> Agent:
    """The caller hung up while the agent's phone rang: available again, keeping their place in idle order."""
    _require(agent, {AgentStatus.RESERVED}, "withdraw the offer from")
    return _enter(agent, AgentStatus.AVAILABLE, now, call_id=None, idle_since=agent.idle_since)


def hang_up(agent: Agent, now: datetime, wrap_up_s: float) -> Agent:
    """The call ended: wrap-up for the queue's seconds (end it with end_wrap_up), or available at once."""
    _require(agent, {AgentStatus.BUSY}, "hang up")
    status = AgentStatus.WRAP_UP if wrap_up_s > 0 else AgentStatus.AVAILABLE
    until = now + timedelta(seconds=wrap_up_s) if wrap_up_s > 0 else None
    return _enter(agent, status, now, call_id=None, wrap_up_until=until)


def end_wrap_up(agent: Agent, now: datetime) -> Agent:
    """Wrap-up time is over (or the agent ended it early): available."""
    _require(agent, {AgentStatus.WRAP_UP}, "end wrap-up of")
    return _enter(agent, AgentStatus.AVAILABLE, now, wrap_up_until=None)


def wrap_up_ends_at(agent: Agent, wrap_up_s: float) -> datetime | None:
    """When an agent in wrap-up becomes available (a due row for the worker); None in other statuses."""
    if agent.status is not AgentStatus.WRAP_UP or agent.status_since is None:
        return None
    return agent.status_since + timedelta(seconds=wrap_up_s)


class EntryStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    ANSWERED = "answered"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"
    CALLBACK = "callback"              # hung up to be called back: keeps its place, routed once due
    CALLBACK_FAILED = "callback_failed"  # called back max_attempts times without an answer


IN_LINE = frozenset({EntryStatus.WAITING, EntryStatus.OFFERED})  # the caller has not reached an agent yet
ANSWERED_STATUSES = frozenset({EntryStatus.ANSWERED, EntryStatus.COMPLETED})


@dataclass(frozen=True)
class QueueEntry:
    """A caller in a queue. `skills` are what this caller needs on top of the queue's (say {ko: 1}).

    `enqueued_at` never changes, so a caller whose agent missed the call goes back to the head of
    its priority by age (`queue_entered_at` restarts the max wait when it overflows into another
    queue); `estimate_s` is the wait announced to the caller, kept to measure accuracy;
    `last_request_at` is the last time the caller's leg asked the queue anything (wait URL or the
    Enqueue action), which tells a caller still on the line from one who hung up unheard.
    """

    call_id: str
    queue: str
    enqueued_at: datetime
    priority: int = 0
    skills: Mapping[str, int] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    status: EntryStatus = EntryStatus.WAITING
    agent_id: str | None = None
    offered_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    estimate_s: float | None = None
    offers: int = 0
    misses: int = 0
    queue_entered_at: datetime | None = None
    overflowed_from: str | None = None
    ring_due_at: datetime | None = None
    call_sid: str = ""
    from_number: str = ""
    node: str = ""
    language: str = ""
    whisper: str = ""
    waits: int = 0
    position_announced: int | None = None
    last_request_at: datetime | None = None
    callback_number: str = ""      # set: the caller asked to be called back at this number (E.164)
    callback_from: str = ""        # the number the caller called, which the callback shows
    callback_due_at: datetime | None = None  # routed no earlier (as soon as possible, or the slot chosen)
    callback_attempts: int = 0     # calls to the caller that went unanswered
    callback_call_sid: str = ""    # the callback's outbound call of the current offer
    callback_picked_at: datetime | None = None  # when the first leg (agent or caller by mode) answered
    resumed_from: int | None = None  # the abandoned entry whose place this returning caller took
    resumed_by: int | None = None    # (an abandoned entry) the entry of the returning caller who took its place
    order: tuple = field(init=False, repr=False, compare=False)
    needs: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A float timestamp: comparing datetimes made sorting 10,000 callers several times slower.
        object.__setattr__(self, "order", (-self.priority, self.enqueued_at.timestamp(), self.call_id))
        object.__setattr__(self, "needs", tuple(sorted(self.skills.items())))
        if self.queue_entered_at is None:
            object.__setattr__(self, "queue_entered_at", self.enqueued_at)

    @property
    def wait_seconds(self) -> float | None:
        """Seconds from entering the queue to being answered or leaving it; None while still waiting."""
        left = self.answered_at or self.ended_at
        return None if left is None else (left - self.enqueued_at).total_seconds()

    @property
    def handle_seconds(self) -> float | None:
        """Seconds from answer to the end of the call; None unless answered and ended."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.answered_at).total_seconds()

    @property
    def outcome(self) -> str | None:
        """How the stay ended in words (answered, abandoned, missed-then-answered ...); None while it lasts."""
        if self.ended_at is None:
            return None
        last = "answered" if self.status is EntryStatus.COMPLETED else self.status.value
        last = "resumed" if self.resumed_by is not None else last
        before = [word for word, flag in (("missed", self.misses), ("overflowed", self.overflowed_from),
                                          ("callback", self.callback_number and last == "answered")) if flag]
        return last if last == "overflowed" or not before else "-then-".join([*before, last])

    def waited_s(self, now: datetime) -> float:
        """Seconds waited so far (or in all, once answered or gone)."""
        waited = self.wait_seconds
        return (now - self.enqueued_at).total_seconds() if waited is None else waited


def _move(entry: QueueEntry, allowed: set[EntryStatus], status: EntryStatus, **changes) -> QueueEntry:
    if entry.status not in allowed:
        expected = " or ".join(sorted(allowed))
        raise InvalidTransition(f"call {entry.call_id} is {entry.status} in queue {entry.queue}, not {expected}")
    return _replace(entry, status=status, **changes)


def offer_entry(entry: QueueEntry, agent_id: str, now: datetime, ring_due_at: datetime | None = None) -> QueueEntry:
    """The router offered the waiting caller (or a callback now due) to an agent; unanswered by `ring_due_at`,
    the offer is over."""
    return _move(entry, {EntryStatus.WAITING, EntryStatus.CALLBACK}, EntryStatus.OFFERED, agent_id=agent_id,
                 offered_at=now, offers=entry.offers + 1, ring_due_at=ring_due_at, callback_call_sid="",
                 callback_picked_at=None)


def answer_entry(entry: QueueEntry, now: datetime) -> QueueEntry:
    """The agent answered: the wait ends here."""
    return _move(entry, {EntryStatus.OFFERED}, EntryStatus.ANSWERED, answered_at=now, ring_due_at=None)


def requeue(entry: QueueEntry) -> QueueEntry:
    """The agent missed the offer: the caller waits again (a callback is due again at once), keeping its age
    (so it is first in line)."""
    status = EntryStatus.CALLBACK if entry.callback_number else EntryStatus.WAITING
    return _move(entry, {EntryStatus.OFFERED}, status, agent_id=None, offered_at=None,
                 ring_due_at=None, misses=entry.misses + 1)


def request_callback(entry: QueueEntry, number: str, from_number: str, due_at: datetime) -> QueueEntry:
    """The waiting caller asked to be called back at `number` from `due_at` on: it keeps its place (its
    enqueue time and priority) and hangs up."""
    return _move(entry, {EntryStatus.WAITING}, EntryStatus.CALLBACK, callback_number=number,
                 callback_from=from_number, callback_due_at=due_at)


def callback_at_opening(entry: QueueEntry) -> QueueEntry:
    """A caller of a closed center asked to be called back at the next opening: a callback with no number yet
    (never routed) until the caller confirms one; it is ordered by the time of this call like any caller."""
    return _replace(entry, status=EntryStatus.CALLBACK, callback_due_at=None, callback_number="")


def confirm_callback(entry: QueueEntry, number: str, from_number: str, due_at: datetime) -> QueueEntry:
    """The caller of a closed center confirmed `number`: the callback is due at `due_at` (the next opening)."""
    if entry.callback_number:
        raise InvalidTransition(f"call {entry.call_id} already has callback number {entry.callback_number}")
    return _move(entry, {EntryStatus.CALLBACK}, EntryStatus.CALLBACK, callback_number=number,
                 callback_from=from_number, callback_due_at=due_at)


def callback_placed(entry: QueueEntry, call_sid: str) -> QueueEntry:
    """The callback's outbound call of this offer was placed (its CallSid kept to match its webhooks)."""
    return _move(entry, {EntryStatus.OFFERED}, EntryStatus.OFFERED, callback_call_sid=call_sid)


def callback_picked(entry: QueueEntry, now: datetime, ring_due_at: datetime) -> QueueEntry:
    """The callback's first leg answered (the agent, or the caller by mode); the other leg rings until `ring_due_at`."""
    return _move(entry, {EntryStatus.OFFERED}, EntryStatus.OFFERED, callback_picked_at=now, ring_due_at=ring_due_at)


def callback_unanswered(entry: QueueEntry, now: datetime, retry_gap_s: float, max_attempts: int) -> QueueEntry:
    """The caller did not answer its callback: tried again after `retry_gap_s` (keeping its place), or, after
    `max_attempts`, failed."""
    attempts = entry.callback_attempts + 1
    if attempts >= max_attempts:
        return _move(entry, {EntryStatus.OFFERED}, EntryStatus.CALLBACK_FAILED, callback_attempts=attempts,
                     ended_at=now, ring_due_at=None)
    return _move(entry, {EntryStatus.OFFERED}, EntryStatus.CALLBACK, callback_attempts=attempts, agent_id=None,
                 offered_at=None, ring_due_at=None, callback_due_at=now + timedelta(seconds=retry_gap_s))


def callback_again(entry: QueueEntry) -> QueueEntry:
    """The callback's call was never placed or its agent did not take it: due again at once, nothing counted."""
    return _move(entry, {EntryStatus.OFFERED}, EntryStatus.CALLBACK, agent_id=None, offered_at=None, ring_due_at=None,
                 callback_call_sid="", callback_picked_at=None)


def resume(entry: QueueEntry, returning_id: int) -> QueueEntry:
    """The abandoned caller called again in time: its place goes to entry `returning_id` (it counts as resumed)."""
    if entry.resumed_by is not None:
        raise InvalidTransition(f"call {entry.call_id} was already resumed by entry {entry.resumed_by}")
    return _move(entry, {EntryStatus.ABANDONED}, EntryStatus.ABANDONED, resumed_by=returning_id)


def abandon(entry: QueueEntry, now: datetime) -> QueueEntry:
    """The caller hung up before an agent answered (or before confirming the number of a callback at opening)."""
    unconfirmed = {EntryStatus.CALLBACK} if not entry.callback_number else set()
    return _move(entry, set(IN_LINE) | unconfirmed, EntryStatus.ABANDONED, ended_at=now, ring_due_at=None)


def overflow(entry: QueueEntry, now: datetime) -> QueueEntry:
    """The caller waited the queue's max wait and leaves it for the overflow target."""
    return _move(entry, {EntryStatus.WAITING}, EntryStatus.OVERFLOWED, ended_at=now)


def overflow_to(entry: QueueEntry, queue: str, now: datetime) -> QueueEntry:
    """The caller waited the queue's max wait and goes on waiting in `queue` (its age kept, its max wait restarted)."""
    return _move(entry, {EntryStatus.WAITING}, EntryStatus.WAITING, queue=queue, overflowed_from=entry.queue,
                 queue_entered_at=now)


def complete(entry: QueueEntry, now: datetime) -> QueueEntry:
    """The answered call ended."""
    return _move(entry, {EntryStatus.ANSWERED}, EntryStatus.COMPLETED, ended_at=now)


def held(entry: QueueEntry, now: datetime, position: int | None = None, estimate_s: float | None = None) -> QueueEntry:
    """A wait-URL request answered with hold: counted; the first estimate announced (and the position then) is kept."""
    changes = {"waits": entry.waits + 1, "last_request_at": now}
    if estimate_s is not None and entry.estimate_s is None:
        changes.update(estimate_s=estimate_s, position_announced=position)
    return _move(entry, {EntryStatus.WAITING}, EntryStatus.WAITING, **changes)


def heard_from(entry: QueueEntry, now: datetime) -> QueueEntry:
    """The caller's leg asked for its offer (wait URL or Enqueue action): the caller is still on the line."""
    return _move(entry, set(IN_LINE), entry.status, last_request_at=now)


def overflow_at(entry: QueueEntry, queue: Queue) -> datetime | None:
    """When a waiting caller overflows (a due row for the worker); None when the queue has no max wait."""
    if queue.max_wait_s is None:
        return None
    return entry.queue_entered_at + timedelta(seconds=queue.max_wait_s)

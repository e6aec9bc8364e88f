"""The queue service: callers filed, waited, offered, connected and ended, each step one transaction.

Entries and agents are read from the unit of work's queue repository (`uow.queues`) as model values,
moved only through `callqueue.model`'s transitions (see `callqueue.moves`) and saved back.
Routing (`route_now`) reads the waiting callers and, through `routing_agents` (callqueue.agent_lists),
only the top available agents of the lists the decision asks for, with row locks (FOR UPDATE SKIP
LOCKED on PostgreSQL; SQLite transactions begin IMMEDIATE), runs the pure `route`, and in the same
transaction reserves each chosen agent and offers each caller, storing why. Time-driven work
(wrap-up ends, ring timeouts, maximum waits, callers gone unheard after an outage) is found from due
times in the rows by `tick`, which every wait-URL request and the `ivr worker` loop call, so any
number of processes may run it.
"""
from __future__ import annotations

import logging
import math
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from . import model, moves
from .callbacks import CallbackService, Opening
from .agent_lists import ListedAgents
from .index import AgentIndex
from .matching import misfit
from .model import EntryStatus, QueueEntry
from .queues import QueueConfig
from .recovery import ENDED_CALL, Recovery, gone_after_s, offer_caller_gone, unheard_caller_gone
from .routing import Assignment, route
from .stats import expected_wait_s

log = logging.getLogger(__name__)
WAIT_SEGMENT_S = 10        # hold audio per wait-URL answer; the caller is connected within one segment
CONNECT_SLACK_S = WAIT_SEGMENT_S + 15  # an offer not answered by ring timeout + this is over
BATCH = 200
FEW_AGENTS = 100           # at most this many available: route on all of them in memory, read with one statement
ANNOUNCE_EVERY = 3         # announce position and estimate on the first segment and every third after
DEFAULT_HANDLE_S = 180
LEAVING = frozenset({EntryStatus.OFFERED, EntryStatus.OVERFLOWED})


@dataclass(frozen=True)
class Wait:
    """What a waiting caller hears now: `leave` (connected or overflowed), `hold`, or `gone` (not in a queue).

    `position` is 1 for the caller served next (`ahead` callers are before it)."""

    action: str
    queue: str = ""
    language: str = ""
    position: int = 0
    estimate_s: float | None = None
    announce: bool = False
    callback_digit: str = ""   # set: offer the callback, taken with this digit
    welcome_back: bool = False  # a returning caller's first segment: it keeps its old place
    entry: int = 0

    @property
    def ahead(self) -> int:
        return max(0, self.position - 1)


@dataclass(frozen=True)
class Left:
    """How the caller left the queue: assigned (ring `contact`), overflowed, hangup, or waiting (file again).

    The call service turns it into the flow engine's event (callqueue knows nothing of the engine)."""

    outcome: str
    contact: str = ""
    ring_timeout_s: int = 20
    entry: int = 0


def worker_name() -> str:
    """This process, as offers name the worker that made them: host and pid, read when asked (so each process
    forked from a preloaded master names itself, not the master)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class QueueService:
    """Knows the queue repository and the queue settings; nothing of HTTP, TwiML or the flow engine."""

    def __init__(self, uow: Callable, config: QueueConfig, clock, telephony=None, worker: str | None = None,
                 opening: Opening | None = None, few_agents: int = FEW_AGENTS):
        self.uow, self.config, self.clock = uow, config, clock
        self.few_agents = few_agents  # at most this many available: routed in memory (tests set 0 for the lists)
        self._telephony = telephony  # moves a caller at once over REST (None: the next wait request does)
        self._worker = worker  # None: this process (host:pid), read at each offer
        self.recovery = Recovery(gone_after_s(config, WAIT_SEGMENT_S))
        self.callbacks = CallbackService(self, opening)  # callbacks keeping the place (the flow's hours: `opening`)

    telephony = property(lambda self: self._telephony)  # given at construction, never replaced

    @property
    def worker(self) -> str:
        """Who stamps offers: the name given at construction, else this process as it is now (after any fork)."""
        return self._worker or worker_name()

    # -- filing and waiting -------------------------------------------------------------
    def file(self, uow, call_sid: str, from_number: str, node: str, enqueue, now: datetime) -> int:
        """File the caller in the call's unit of work; a caller already in line at this node keeps its entry."""
        repo = uow.queues
        known = repo.latest_entry(call_sid, lock=True)
        if known is not None and known.status in model.IN_LINE and known.node == node:
            return int(known.call_id)
        at_opening = getattr(enqueue, "callback_at_opening", False)
        old = None if at_opening else self._resumable(repo, from_number, enqueue.queue, now)
        entry = repo.add_entry(QueueEntry(
            "", enqueue.queue, old.enqueued_at if old else now, max(enqueue.priority, old.priority if old else enqueue.priority),
            dict(enqueue.skills), dict(enqueue.variables), call_sid=call_sid, from_number=from_number, node=node,
            language=enqueue.language, whisper=enqueue.whisper, resumed_from=int(old.call_id) if old else None))
        if at_opening and enqueue.queue in self.config.queues:
            repo.save_entry(model.callback_at_opening(entry))
        if old is not None:
            repo.save_entry(model.resume(old, int(entry.call_id)))
            log.info("call %s from %s resumes the place of queue entry %s (waiting since %s)", call_sid, from_number,
                     old.call_id, old.enqueued_at.isoformat())
        if enqueue.queue not in self.config.queues:
            log.error("call %s filed in queue %r, which queues.yaml does not define: overflowing", call_sid, enqueue.queue)
            repo.save_entry(model.overflow(entry, now))
        return int(entry.call_id)

    def _resumable(self, repo, from_number: str, queue_name: str, now: datetime) -> QueueEntry | None:
        """The place a returning caller resumes: its stay in the queue abandoned within resume_within_s."""
        queue = self.config.queues.get(queue_name)
        if queue is None or queue.resume_within_s is None or not from_number.startswith("+"):
            return None
        return repo.resumable(from_number, queue_name, now - timedelta(seconds=queue.resume_within_s))

    def on_wait(self, entry_id: int, call_sid: str) -> Wait:
        """A wait-URL request: do what is due, then leave (connected or overflowed) or hold with the news."""
        self.tick()
        now = self.clock.now()
        with self.uow() as uow:
            entry = uow.queues.entry(entry_id, lock=True)
            if entry is None or entry.call_sid != call_sid or entry.status not in LEAVING | {EntryStatus.WAITING}:
                return Wait("gone")
            if entry.status is EntryStatus.WAITING:
                wait = self._hold(uow.queues, entry, now)
            else:
                wait = Wait("leave", entry.queue, entry.language)
                if entry.status is EntryStatus.OFFERED:
                    uow.queues.save_entry(model.heard_from(entry, now))
            uow.commit()
            return wait

    def _hold(self, repo, entry: QueueEntry, now: datetime) -> Wait:
        announce = entry.waits % ANNOUNCE_EVERY == 0
        position = repo.ahead_of(entry) + 1
        estimate = self._estimate(repo, entry, position) if announce else None
        repo.save_entry(model.held(entry, now, position, estimate))
        digit = self._callback_digit(entry, announce, estimate, now)
        return Wait("hold", entry.queue, entry.language, position, estimate, announce, digit,
                    entry.resumed_from is not None and entry.waits == 0, int(entry.call_id))

    def _callback_digit(self, entry: QueueEntry, announce: bool, estimate: float | None, now: datetime) -> str:
        """The callback offer's digit on an announcing segment, once the caller waited long enough or is told a
        long wait; '' for no offer."""
        queue = self.config.queues.get(entry.queue)
        offer = queue.callback if queue is not None else None
        if offer is None or not announce:
            return ""
        long_wait = offer.min_estimate_s is not None and estimate is not None and estimate >= offer.min_estimate_s
        return offer.digit if long_wait or entry.waited_s(now) >= offer.offer_after_s else ""

    def _estimate(self, repo, entry: QueueEntry, position: int) -> float | None:
        queue = self.config.queues.get(entry.queue)
        if queue is None:
            return None
        needs = tuple(sorted({**queue.skills, **entry.skills}.items()))
        staffed = sum(1 for agent in repo.seated_agents() if misfit(agent, needs, frozenset()) is None)
        estimate = expected_wait_s(position, staffed, repo.recent_handle_s(entry.queue), DEFAULT_HANDLE_S, queue.wrap_up_s)
        return None if math.isinf(estimate) else round(estimate)

    def left(self, uow, call_sid: str, queue_result: str, now: datetime) -> Left:
        """The Enqueue action, in the call's unit of work: why the caller left the queue, from the entry (Twilio's
        QueueResult for hang-ups)."""
        entry = uow.queues.latest_entry(call_sid, lock=True)
        if entry is None:
            return Left("hangup" if queue_result == "hangup" else "overflowed")
        if queue_result == "hangup":
            if not entry.callback_number:  # a caller who took the callback hung up on purpose
                moves.abandon(uow.queues, entry, now)
            return Left("hangup", entry=int(entry.call_id))
        left = self._left(uow.queues, entry)
        if entry.status is EntryStatus.OFFERED:
            uow.queues.save_entry(model.heard_from(entry, now))
        return left

    def _left(self, repo, entry: QueueEntry) -> Left:
        if entry.status is EntryStatus.OFFERED:
            agent = repo.agent(entry.agent_id)
            ring = self.config.queues[entry.queue].ring_timeout_s if entry.queue in self.config.queues else 20
            return Left("assigned", agent.contact, int(ring), int(entry.call_id))
        if entry.status is EntryStatus.OVERFLOWED:
            return Left("overflowed", entry=int(entry.call_id))
        return Left("waiting", entry=int(entry.call_id))

    # -- the agent's leg ------------------------------------------------------------------
    def agent_answered(self, entry_id: int) -> tuple[str, str] | None:
        """The agent picked up (their leg asks for the whisper): the wait ends; the whisper and its language.

        None when the offer is gone (the caller hung up, or the ring timed out first)."""
        now = self.clock.now()
        with self.uow() as uow:
            entry = uow.queues.entry(entry_id, lock=True)
            if entry is None or entry.status is not EntryStatus.OFFERED:
                return None
            moves.answer(uow.queues, entry, now)
            uow.commit()
        text = entry.whisper or entry.queue
        if entry.callback_number:
            words = self.config.announcements.get(entry.language)
            text = words.callback_whisper.format(context=text) if words else f"Callback. {text}"
        return text, entry.language

    def agent_dial_ended(self, call_sid: str, status: str, duration_s: int) -> None:
        """`dial_ended` in a transaction of its own, then route the freed agent (for callers without a call flow)."""
        with self.uow() as uow:
            self.dial_ended(uow, call_sid, status, duration_s, self.clock.now())
            uow.commit()
        self.route_now()

    def dial_ended(self, uow, call_sid: str, status: str, duration_s: int, now: datetime) -> None:
        """The Dial to the agent ended, in the call's unit of work: answered calls are completed, others missed
        (the caller goes back first in line). The caller routes the freed agent (`route_now`) after committing."""
        entry = uow.queues.latest_entry(call_sid, lock=True)
        if entry is not None:
            self._dial_ended(uow.queues, entry, status in ("completed", "answered"), duration_s, now)

    def _dial_ended(self, repo, entry: QueueEntry, answered: bool, duration_s: int, now: datetime) -> None:
        if answered and entry.status is EntryStatus.OFFERED:
            entry = moves.answer(repo, entry, now - timedelta(seconds=duration_s))
        if entry.status is EntryStatus.ANSWERED:
            moves.complete(repo, self.config, entry, now)
        elif entry.status is EntryStatus.OFFERED:
            moves.missed(repo, entry, now)

    def call_ended(self, call_sid: str) -> None:
        """The caller's call is over (status callback): a caller still in line abandoned; a connected call completes."""
        now = self.clock.now()
        with self.uow() as uow:
            entry = uow.queues.latest_entry(call_sid, lock=True)
            if entry is None or entry.callback_number:  # a callback's own call settles it (CallbackService.status)
                return
            if entry.status is EntryStatus.ANSWERED:
                moves.complete(uow.queues, self.config, entry, now)
            else:
                moves.abandon(uow.queues, entry, now)
            uow.commit()

    # -- time-driven work and routing ---------------------------------------------------------
    def tick(self) -> list[Assignment]:
        """Everything due now: wrap-ups over, offers run out, callers past the max wait or gone unheard; then route."""
        now = self.clock.now()
        try:
            since = self.recovery.due(now)
            statuses = self._call_statuses(now, since)
            with self.uow() as uow:
                repo = uow.queues
                for agent in repo.wrap_ups_due(now):
                    repo.save_agent(model.end_wrap_up(agent, now), now)
                for entry in repo.rings_due(now):
                    self._ring_over(repo, entry, statuses.get(entry.call_sid), now)
                if since is not None:
                    self._reconcile(repo, since, statuses, now)
                overflowed = self._overflow(repo, now)
                made = self._route(repo)
                uow.commit()
        except Exception:
            self.recovery.failed()
            raise
        self.recovery.done(since)
        self._connect(overflowed + [entry for _, entry in made])
        return [assignment for assignment, _ in made]

    def _ring_over(self, repo, entry: QueueEntry, call_status: str | None, now: datetime) -> None:
        if entry.callback_number:
            log.info("queue entry %s: callback offer to agent %s ran out unconnected", entry.call_id, entry.agent_id)
            self.callbacks.unanswered(repo, entry, now)
        elif offer_caller_gone(entry, call_status):
            log.warning("queue entry %s: the caller (call %s) is gone; agent %s is available again, not missed",
                        entry.call_id, entry.call_sid, entry.agent_id)
            moves.abandon(repo, entry, now)
        else:
            log.info("queue entry %s: agent %s did not answer in time; back to the head of the line", entry.call_id, entry.agent_id)
            moves.missed(repo, entry, now)

    def _reconcile(self, repo, since: datetime, statuses: dict, now: datetime) -> None:
        for entry in repo.unheard_since(since, lock=True):
            if unheard_caller_gone(statuses.get(entry.call_sid)):
                log.warning("queue entry %s: call %s unheard since %s (a lost hang-up?); closed as abandoned",
                            entry.call_id, entry.call_sid, since.isoformat())
                moves.abandon(repo, entry, now)
        for entry in repo.connected_before(since, lock=True) if statuses else ():
            if not entry.callback_number and statuses.get(entry.call_sid) in ENDED_CALL:  # only Twilio can tell: a connected leg asks nothing
                log.warning("queue entry %s: Twilio reports call %s over; completed", entry.call_id, entry.call_sid)
                moves.complete(repo, self.config, entry, now)

    def _call_statuses(self, now: datetime, since: datetime | None) -> dict[str, str | None]:
        """Twilio's CallStatus of the callers whose offer ran out or who are unheard (REST, outside any transaction)."""
        look_up = getattr(self.telephony, "call_status", None)
        if look_up is None:
            return {}
        with self.uow() as uow:
            due = uow.queues.rings_due(now)
            if since is not None:
                due += uow.queues.unheard_since(since) + uow.queues.connected_before(since)
        return {sid: _call_status(look_up, sid) for sid in {entry.call_sid for entry in due}}

    def _overflow(self, repo, now: datetime) -> list[QueueEntry]:
        gone = []
        for name, queue in self.config.queues.items():
            if queue.max_wait_s is None:
                continue
            for entry in repo.overflows_due(name, now - timedelta(seconds=queue.max_wait_s)):
                if queue.overflow_to:
                    repo.save_entry(model.overflow_to(entry, queue.overflow_to, now))
                else:
                    repo.save_entry(gone_entry := model.overflow(entry, now))
                    gone.append(gone_entry)
        return gone

    def route_now(self) -> list[Assignment]:
        """Match waiting callers with available agents now, in one transaction with row locks."""
        with self.uow() as uow:
            made = self._route(uow.queues)
            uow.commit()
        self._connect([entry for _, entry in made])
        return [assignment for assignment, _ in made]

    def _route(self, repo) -> list[tuple[Assignment, QueueEntry]]:
        """The assignments made, each with its caller's entry as offered."""
        agents = repo.listed_agents()  # read from the database as the decision asks; the agents chosen are locked
        free = agents.count()
        if not free:
            return []
        if free <= self.few_agents:  # a few: one read of them all costs less than a few statements per candidate pool
            agents = AgentIndex(repo.available_agents())
        now, made = self.clock.now(), []
        for batch in repo.waiting_batches(BATCH, now):
            entries = {entry.call_id: entry for entry in batch}
            decided = self._decide(batch, agents, now)
            offered_at = self.clock.now()  # read once the agents' locks are held: never before the release it follows
            for assignment in decided:
                offered = moves.offer(repo, self.config, entries[assignment.call_id], agents.get(assignment.agent_id),
                                      assignment.why, offered_at, self.worker, CONNECT_SLACK_S)
                agents.remove(assignment.agent_id)
                made.append((assignment, offered))
            if not agents.count():
                break
        return made

    def _decide(self, batch: list[QueueEntry], agents, now: datetime) -> list[Assignment]:
        """Route the batch. From the database's lists, the agents chosen are then locked; any refused (another
        transaction holds or changed it) is left out and the batch decided again, as if never read."""
        decided = route(batch, agents, self.config, now)
        while isinstance(agents, ListedAgents) and agents.claim([a.agent_id for a in decided]):
            decided = route(batch, agents, self.config, now)
        return decided

    def _connect(self, moved: list[QueueEntry]) -> None:
        """With REST credentials, send each offered or overflowed caller (as committed) to the Enqueue action at once."""
        self.callbacks.place([int(e.call_id) for e in moved if e.callback_number])
        for entry in moved if self.telephony is not None else ():
            if not entry.callback_number:
                self.telephony.leave_queue(entry.call_sid, entry.node)


def _call_status(look_up, call_sid: str) -> str | None:
    try:
        return look_up(call_sid)
    except Exception as exc:  # noqa: BLE001 - the lookup only adds certainty; without it the rows decide
        log.warning("could not look up call %s over REST (%s); judging it by its wait requests", call_sid, exc)
        return None


__all__ = ["EntryStatus", "Left", "QueueService", "Wait", "worker_name"]

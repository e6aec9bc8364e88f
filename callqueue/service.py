"""The queue service: callers filed, waited, offered, connected and ended, each step one transaction on the rows.

Routing (`route_now`) reads the available agents and the waiting callers with row locks (FOR UPDATE
SKIP LOCKED on PostgreSQL; SQLite transactions begin IMMEDIATE), runs the pure `route`, and in the
same transaction reserves each chosen agent and offers each caller, storing why. Time-driven work
(wrap-up ends, ring timeouts, maximum waits) is found from due times in the rows by `tick`, which
every wait-URL request and the `ivr worker` loop call, so any number of processes may run it.
"""
from __future__ import annotations

import logging
import math
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from . import model
from .index import AgentIndex
from .matching import misfit
from .model import EntryStatus
from .queues import QueueConfig
from .repository import SqlAlchemyQueueRepository
from .routing import Assignment, route
from .rows import agent_of, entry_of, why_json, write_agent
from .stats import expected_wait_s
from .tables import AssignmentRow, QueueEntryRow

log = logging.getLogger(__name__)
WAIT_SEGMENT_S = 10        # hold audio per wait-URL answer; the caller is connected within one segment
CONNECT_SLACK_S = WAIT_SEGMENT_S + 15  # an offer not answered by ring timeout + this is missed
BATCH = 200
ANNOUNCE_EVERY = 3         # announce position and estimate on the first segment and every third after
DEFAULT_HANDLE_S = 180
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Wait:
    """What a waiting caller hears now: `leave` (connected or overflowed), `hold`, or `gone` (not in a queue)."""

    action: str
    queue: str = ""
    language: str = ""
    position: int = 0
    estimate_s: float | None = None
    announce: bool = False


@dataclass(frozen=True)
class Left:
    """How the caller left the queue: assigned (ring `contact`), overflowed, hangup, or waiting (file again)."""

    outcome: str
    contact: str = ""
    ring_timeout_s: int = 20
    entry: int = 0


class QueueService:
    """Knows the queue rows and the queue settings; nothing of HTTP, TwiML or the flow engine."""

    def __init__(self, uow: Callable, config: QueueConfig, clock, telephony=None, worker: str = WORKER):
        self.uow, self.config, self.clock, self.telephony, self.worker = uow, config, clock, telephony, worker

    # -- filing and waiting -------------------------------------------------------------
    def file(self, session, call_sid: str, from_number: str, node: str, enqueue, now: datetime) -> int:
        """File the caller (inside the call's transaction); a caller already in line keeps its entry."""
        repo = SqlAlchemyQueueRepository(session)
        row = repo.latest_entry(call_sid, lock=True)
        if row is not None and row.status in ("waiting", "offered") and row.node == node:
            return row.id
        row = QueueEntryRow(call_sid=call_sid, from_number=from_number, node=node, queue=enqueue.queue,
                            first_queue=enqueue.queue, priority=enqueue.priority, skills=dict(enqueue.skills),
                            variables=dict(enqueue.variables), language=enqueue.language, whisper=enqueue.whisper,
                            status="waiting", enqueued_at=now, queue_entered_at=now)
        repo.add(row)
        if enqueue.queue not in self.config.queues:
            log.error("call %s filed in queue %r, which queues.yaml does not define: overflowing", call_sid, enqueue.queue)
            _finish(row, "overflowed", now)
        return row.id

    def on_wait(self, entry_id: int, call_sid: str) -> Wait:
        """A wait-URL request: do what is due, then leave (connected or overflowed) or hold with the news."""
        self.tick()
        now = self.clock.now()
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            row = repo.entry(entry_id, lock=True)
            if row is None or row.call_sid != call_sid or row.status not in ("waiting", "offered", "overflowed"):
                return Wait("gone")
            if row.status != "waiting":
                return Wait("leave", row.queue, row.language)
            wait = self._hold(repo, row, now)
            uow.commit()
            return wait

    def _hold(self, repo, row: QueueEntryRow, now: datetime) -> Wait:
        announce = row.wait_requests % ANNOUNCE_EVERY == 0
        row.wait_requests += 1
        position = repo.position(row)
        estimate = self._estimate(repo, row, position) if announce else None
        if announce and row.estimate_announced_s is None and estimate is not None:
            row.estimate_announced_s, row.position_announced = estimate, position
        return Wait("hold", row.queue, row.language, position, estimate, announce)

    def _estimate(self, repo, row: QueueEntryRow, position: int) -> float | None:
        queue = self.config.queues.get(row.queue)
        if queue is None:
            return None
        needs = tuple(sorted({**queue.skills, **(row.skills or {})}.items()))
        staffed = sum(1 for a in repo.seated_agents() if misfit(agent_of(a), needs, frozenset()) is None)
        estimate = expected_wait_s(position, staffed, repo.recent_handle_s(row.queue), DEFAULT_HANDLE_S, queue.wrap_up_s)
        return None if math.isinf(estimate) else round(estimate)

    def left(self, call_sid: str, queue_result: str) -> Left:
        """The Enqueue action: why the caller left the queue, from the entry (Twilio's QueueResult for hang-ups)."""
        now = self.clock.now()
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            row = repo.latest_entry(call_sid, lock=True)
            if row is None:
                return Left("hangup" if queue_result == "hangup" else "overflowed")
            if queue_result == "hangup":
                self._abandon(repo, row, now)
                uow.commit()
                return Left("hangup", entry=row.id)
            return self._left(repo, row)

    def _left(self, repo, row: QueueEntryRow) -> Left:
        if row.status == "offered":
            agent = repo.agent(row.agent_id)
            ring = self.config.queues[row.queue].ring_timeout_s if row.queue in self.config.queues else 20
            return Left("assigned", agent.contact, int(ring), row.id)
        if row.status == "overflowed":
            return Left("overflowed", entry=row.id)
        return Left("waiting", entry=row.id)

    # -- the agent's leg ------------------------------------------------------------------
    def agent_answered(self, entry_id: int) -> tuple[str, str] | None:
        """The agent picked up (their leg asks for the whisper): the wait ends; the whisper and its language.

        None when the offer is gone (the caller hung up, or the ring timed out first)."""
        now = self.clock.now()
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            row = repo.entry(entry_id, lock=True)
            if row is None or row.status != "offered":
                return None
            self._answer(repo, row, now)
            uow.commit()
            return row.whisper or row.queue, row.language

    def _answer(self, repo, row: QueueEntryRow, now: datetime) -> None:
        agent = repo.agent(row.agent_id, lock=True)
        write_agent(agent, model.answer(agent_of(agent), now), now)
        row.status, row.answered_at, row.ring_due_at = "answered", now, None
        row.wait_seconds = (now - row.enqueued_at).total_seconds()
        assignment = repo.open_assignment(row.id)
        if assignment is not None:
            assignment.outcome = "answered"

    def agent_dial_ended(self, call_sid: str, status: str, duration_s: int) -> None:
        """The Dial to the agent ended: answered calls are completed, others missed (the caller goes back first in line)."""
        now = self.clock.now()
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            row = repo.latest_entry(call_sid, lock=True)
            if row is not None:
                self._dial_ended(repo, row, status in ("completed", "answered"), duration_s, now)
                uow.commit()
        self.route_now()

    def _dial_ended(self, repo, row: QueueEntryRow, answered: bool, duration_s: int, now: datetime) -> None:
        if answered and row.status == "offered":
            self._answer(repo, row, now - timedelta(seconds=duration_s))
        if row.status == "answered":
            self._complete(repo, row, now)
        elif row.status == "offered":
            self._missed(repo, row, now)

    def call_ended(self, call_sid: str) -> None:
        """The caller's call is over (status callback): a caller still in line abandoned; a connected call completes."""
        now = self.clock.now()
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            row = repo.latest_entry(call_sid, lock=True)
            if row is None:
                return
            if row.status == "answered":
                self._complete(repo, row, now)
            else:
                self._abandon(repo, row, now)
            uow.commit()

    # -- moves of an entry and its agent ----------------------------------------------------
    def _complete(self, repo, row: QueueEntryRow, now: datetime) -> None:
        agent = repo.agent(row.agent_id, lock=True)
        wrap_up_s = self.config.queues[row.queue].wrap_up_s if row.queue in self.config.queues else 0
        write_agent(agent, model.hang_up(agent_of(agent), now, wrap_up_s), now)
        agent.wrap_up_until = now + timedelta(seconds=wrap_up_s) if wrap_up_s else None
        row.handle_seconds = (now - row.answered_at).total_seconds()
        _finish(row, "completed", now)
        self._release(repo, row, now, "answered")

    def _missed(self, repo, row: QueueEntryRow, now: datetime) -> None:
        agent = repo.agent(row.agent_id, lock=True)
        if agent.status == "reserved" and agent.entry_id == row.id:
            write_agent(agent, model.miss(agent_of(agent), now), now)
            agent.missed_calls += 1
        self._release(repo, row, now, "missed")
        row.status, row.agent_id, row.offered_at, row.ring_due_at = "waiting", None, None, None
        row.missed += 1

    def _abandon(self, repo, row: QueueEntryRow, now: datetime) -> None:
        if row.status not in ("waiting", "offered"):
            return
        if row.status == "offered":
            agent = repo.agent(row.agent_id, lock=True)
            if agent.status == "reserved" and agent.entry_id == row.id:
                write_agent(agent, model.withdraw(agent_of(agent), now), now)
            self._release(repo, row, now, "withdrawn")
        _finish(row, "abandoned", now)

    def _release(self, repo, row: QueueEntryRow, now: datetime, outcome: str) -> None:
        assignment = repo.open_assignment(row.id)
        if assignment is not None:
            assignment.released_at, assignment.outcome = now, outcome

    # -- time-driven work and routing ---------------------------------------------------------
    def tick(self) -> list[Assignment]:
        """Everything due now: wrap-ups over, offers not answered in time, callers past the max wait; then route."""
        now = self.clock.now()
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            for agent in repo.wrap_ups_due(now):
                write_agent(agent, model.end_wrap_up(agent_of(agent), now), now)
                agent.wrap_up_until = None
            for row in repo.rings_due(now):
                log.info("queue entry %s: agent %s did not answer in time; back to the head of the line", row.id, row.agent_id)
                self._missed(repo, row, now)
            overflowed = self._overflow(repo, now)
            assignments = self._route(repo)
            uow.commit()
        self._connect(overflowed + [(int(a.call_id), a) for a in assignments])
        return assignments

    def _overflow(self, repo, now: datetime) -> list[tuple[int, None]]:
        gone = []
        for name, queue in self.config.queues.items():
            if queue.max_wait_s is None:
                continue
            for row in repo.overflows_due(name, now - timedelta(seconds=queue.max_wait_s)):
                if queue.overflow_to:
                    row.overflowed_from, row.queue, row.queue_entered_at = name, queue.overflow_to, now
                else:
                    _finish(row, "overflowed", now)
                    gone.append((row.id, None))
        return gone

    def route_now(self) -> list[Assignment]:
        """Match waiting callers with available agents now, in one transaction with row locks."""
        with self.uow() as uow:
            assignments = self._route(SqlAlchemyQueueRepository(uow.session))
            uow.commit()
        self._connect([(int(a.call_id), a) for a in assignments])
        return assignments

    def _route(self, repo) -> list[Assignment]:
        agents = {row.id: row for row in repo.available_agents()}
        if not agents:
            return []
        now = self.clock.now()  # read once the locks are held: an offer is never stamped before the release it follows
        index, made = AgentIndex(agent_of(row) for row in agents.values()), []
        for batch in repo.waiting_batches(BATCH):
            rows = {str(row.id): row for row in batch}
            for assignment in route([entry_of(row) for row in batch], index, self.config, now):
                self._offer(repo, rows[assignment.call_id], agents[assignment.agent_id], assignment, now)
                index.remove(assignment.agent_id)
                made.append(assignment)
            if not index.count():
                break
        return made

    def _offer(self, repo, row: QueueEntryRow, agent, assignment: Assignment, now: datetime) -> None:
        write_agent(agent, model.offer(agent_of(agent), str(row.id), now), now)
        ring = self.config.queues[row.queue].ring_timeout_s
        row.status, row.agent_id, row.offered_at, row.offers = "offered", agent.id, now, row.offers + 1
        row.ring_due_at = now + timedelta(seconds=ring + CONNECT_SLACK_S)
        repo.add(AssignmentRow(entry_id=row.id, call_sid=row.call_sid, queue=row.queue, agent_id=agent.id,
                               offered_at=now, rule=assignment.why.rule.value, why=why_json(assignment.why),
                               worker=self.worker))

    def _connect(self, moved: list) -> None:
        """With REST credentials, send each offered or overflowed caller to the Enqueue action at once."""
        if self.telephony is None or not moved:
            return
        with self.uow() as uow:
            repo = SqlAlchemyQueueRepository(uow.session)
            calls = [(row.call_sid, row.node) for row in (repo.entry(entry_id) for entry_id, _ in moved) if row]
        for call_sid, node in calls:
            self.telephony.leave_queue(call_sid, node)


def _finish(row: QueueEntryRow, status: str, now: datetime) -> None:
    """The entry's last status, its end time, its wait (unless answered) and its outcome in words."""
    row.status, row.ended_at, row.ring_due_at = status, now, None
    if row.wait_seconds is None:
        row.wait_seconds = (now - row.enqueued_at).total_seconds()
    last = {"completed": "answered"}.get(status, status)
    before = [word for word, flag in (("missed", row.missed), ("overflowed", row.overflowed_from)) if flag]
    row.outcome = "-then-".join([*before, last]) if last != "overflowed" or not before else last


__all__ = ["EntryStatus", "Left", "QueueService", "Wait"]

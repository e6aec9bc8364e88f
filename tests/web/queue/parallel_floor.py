"""A floor of agents and callers in one database, and a worker process that routes and finishes calls in a loop."""
from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from callqueue.agent_lists import relist_all
from callqueue.presence import PresenceService
from callqueue.queues import Queue, QueueConfig
from callqueue.service import QueueService
from callqueue.tables import AgentRow, AssignmentRow, QueueEntryRow
from ivr.clock import SystemClock
from ivr.db import make_engine, upgrade, writer_lock_for
from ivr.repository import SqlAlchemyUnitOfWork

CONFIG = QueueConfig(languages=["ko", "en"], queues={
    "billing": Queue(name="billing", skills={"billing": 3}, strategy="highest_skill"),
    "support": Queue(name="support", skills={"support": 3}, strategy="longest_idle"),
    "general": Queue(name="general", strategy="fewest_calls"),
})


def services(url: str, worker: str, few_agents: int = 100) -> tuple:
    engine = make_engine(url)
    # SQLite writers of one file take turns on the writer lock, as the server's do (its busy timeout is short).
    uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False), writer_lock_for(engine))
    clock = SystemClock()
    queues = QueueService(uow, CONFIG, clock, worker=worker, few_agents=few_agents)
    return engine, uow, queues, PresenceService(uow, clock, queues)


def build_floor(url: str, agents: int, callers: int, seed: int = 7) -> None:
    """`agents` available agents with random skills, `callers` waiting callers spread over the three queues."""
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    with sessionmaker(engine)() as session:
        for i in range(agents):
            skills = {rng.choice(["billing", "support"]): rng.randint(3, 10), rng.choice(["ko", "en"]): 10}
            session.add(AgentRow(id=f"a{i:03d}", name=f"Agent {i}", contact=f"client:a{i:03d}", skills=skills,
                                 status="available", status_since=now, idle_since=now, calls_today=0, missed_calls=0))
        for i in range(callers):
            at = now - timedelta(seconds=callers - i)
            queue = rng.choice(["billing", "support", "general"])
            session.add(QueueEntryRow(call_sid=f"CA{i:032d}", queue=queue, first_queue=queue, priority=rng.choice([0, 0, 1]),
                                      skills={rng.choice(["ko", "en"]): 1}, status="waiting", enqueued_at=at,
                                      queue_entered_at=at, node="q", whisper="", language="ko", variables={}))
        session.flush()
        relist_all(session.connection())  # agents written as rows, not through the repository: list them for routing
        session.commit()
    engine.dispose()


def work(url: str, worker: str, seconds: float, seed: int, few_agents: int = 100) -> None:
    """Route, then answer (or, one time in ten, miss) each call this worker offered, until no caller is left.

    Calls are offered by route_now here and also by the routing that every freed agent triggers."""
    engine, uow, queues, presence = services(url, worker, few_agents)
    rng, deadline = random.Random(seed), time.monotonic() + seconds
    while time.monotonic() < deadline:
        queues.route_now()
        mine = _offered_by(uow, worker)
        for entry_id, call_sid, agent_id in mine:
            _finish(queues, presence, entry_id, call_sid, agent_id, rng)
        if not mine and _settled(uow):
            break
    engine.dispose()


def _offered_by(uow, worker: str) -> list[tuple[int, str, str]]:
    with uow() as u:
        rows = u.session.execute(select(AssignmentRow.entry_id, AssignmentRow.call_sid, AssignmentRow.agent_id)
                                 .where(AssignmentRow.worker == worker, AssignmentRow.released_at.is_(None)))
        return [tuple(row) for row in rows]


def _finish(queues, presence, entry_id: int, call_sid: str, agent_id: str, rng: random.Random) -> None:
    if rng.random() < 0.1:
        queues.agent_dial_ended(call_sid, "no-answer", 0)
        presence.set_status(agent_id, "available")
        return
    queues.agent_answered(entry_id)
    queues.agent_dial_ended(call_sid, "completed", 0)


def _settled(uow) -> bool:
    with uow() as u:
        return not u.session.query(QueueEntryRow).filter(QueueEntryRow.status.in_(("waiting", "offered"))).count()

"""The timer lease: one claimant at a time through the database, taken over when it lapses; the loop ticks only
while it holds the lease, and every pass is recorded for the health check (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from functools import partial

import pytest
from sqlalchemy.orm import sessionmaker

from callqueue.timer_lease import TimerLease, last_pass
from callqueue.worker import run_forever
from ivr.clock import FakeClock
from ivr.db import make_engine, upgrade, writer_lock_for
from ivr.repository import SqlAlchemyUnitOfWork


@pytest.fixture
def uow(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False), writer_lock_for(engine))
    engine.dispose()


class CountingQueues:
    """Stands in for QueueService: counts ticks."""

    def __init__(self):
        self.ticks = 0

    def tick(self) -> list:
        self.ticks += 1
        return []


def test_one_holder_at_a_time_and_another_takes_over_when_the_lease_lapses(uow):
    clock = FakeClock()
    first, second = TimerLease(uow, clock, "host:1", ttl_s=15), TimerLease(uow, clock, "host:2", ttl_s=15)
    assert first.claim() is True
    assert second.claim() is False
    clock.advance(10)
    assert first.claim() is True   # renewed: runs 15 s from now
    clock.advance(10)
    assert second.claim() is False
    clock.advance(6)               # first stopped renewing 16 s ago
    assert second.claim() is True
    assert first.claim() is False


def test_a_released_lease_is_taken_at_once(uow):
    clock = FakeClock()
    first, second = TimerLease(uow, clock, "host:1"), TimerLease(uow, clock, "host:2")
    first.claim()
    first.release()
    assert second.claim() is True


def test_many_processes_claiming_at_once_get_one_holder(uow):
    clock = FakeClock()
    results, barrier = [], threading.Barrier(6)

    def claim(n: int) -> None:
        barrier.wait()
        results.append(TimerLease(uow, clock, f"host:{n}").claim())

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(results) == [False] * 5 + [True]


def test_the_loop_ticks_only_while_it_holds_the_lease_and_records_each_pass(uow):
    clock = FakeClock()
    TimerLease(uow, clock, "other:9").claim()
    standby, holder = CountingQueues(), CountingQueues()
    run_forever(standby, interval_s=0, passes=3, lease=TimerLease(uow, clock, "host:1"), standby_s=0)
    assert standby.ticks == 0 and last_pass(uow) is None
    clock.advance(20)
    run_forever(holder, interval_s=0, passes=3, lease=TimerLease(uow, clock, "host:1"), standby_s=0)
    assert holder.ticks == 3
    seen = last_pass(uow)
    assert (seen.at, seen.by) == (clock.now(), "host:1")


def test_a_loop_that_stops_gives_the_lease_up(uow):
    clock = FakeClock()
    run_forever(CountingQueues(), interval_s=0, passes=1, lease=TimerLease(uow, clock, "host:1"))
    assert TimerLease(uow, clock, "host:2").claim() is True


def test_a_failing_pass_does_not_end_the_loop(uow):
    class Failing(CountingQueues):
        def tick(self):
            super().tick()
            raise RuntimeError("database hiccup")

    queues = Failing()
    run_forever(queues, interval_s=0, passes=3, lease=TimerLease(uow, FakeClock(), "host:1"))
    assert queues.ticks == 3

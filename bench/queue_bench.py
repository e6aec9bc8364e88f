"""Time one assignment transaction (QueueService.route_now: row locks, read, decide, write) on SQLite and PostgreSQL,
the way it reads agents now (the top of routing_agents' lists) beside the old way (every available agent), as a ratio.

    nice -n 10 .venv/bin/python bench/queue_bench.py [--sizes 100,1000,10000] [--repeats 30] [--engines sqlite,postgresql]

N agents (random billing/support skills, Korean or English) and N waiting callers over the sample queues.
Two moments, each one route_now in its own transaction, undone afterwards (untimed) so every repeat sees the same floor:
  agent freed   one agent becomes available, every other is busy, N callers wait: locks the one free agent,
                reads waiting callers in serving order 200 at a time until one fits, offers it, stores the why
  caller came   N/2 agents are available, one caller waits: the old way locks and reads every available agent,
                the new way the few at the top of the list the caller's requirement and strategy ask for
Times are wall-clock milliseconds (p50 and p90) of the whole transaction, commit included; "old" is the previous
QueueService._route (repo.available_agents() into an in-memory AgentIndex), kept here only to compare.
PostgreSQL: IVR_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), schema ivr_bench.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import delete, insert, update  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from callqueue import moves  # noqa: E402
from callqueue.agent_lists import relist, relist_all  # noqa: E402
from callqueue.config import load_queues  # noqa: E402
from callqueue.index import AgentIndex  # noqa: E402
from callqueue.routing import route  # noqa: E402
from callqueue.service import BATCH, CONNECT_SLACK_S, QueueService  # noqa: E402
from callqueue.tables import AgentRow, AssignmentRow, QueueEntryRow  # noqa: E402
from ivr.clock import FakeClock  # noqa: E402
from ivr.db import make_engine, upgrade  # noqa: E402
from ivr.repository import SqlAlchemyUnitOfWork  # noqa: E402

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
CONFIG = load_queues(ROOT / "flows" / "queues.yaml")
QUEUES = ["billing", "support", "general"]
PG = "postgresql://postgres@127.0.0.1:5432/test"
SCHEMA = "ivr_bench"


def main() -> None:
    args = parse_args()
    for engine_name in args.engines:
        rows = [measure(engine_name, size, args.repeats) for size in args.sizes]
        print_table(engine_name, rows)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[100, 1000, 10_000])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--engines", type=lambda s: s.split(","), default=["sqlite", "postgresql"])
    return parser.parse_args()


def database(engine_name: str, folder: str) -> str:
    if engine_name == "sqlite":
        return f"sqlite:///{folder}/bench.sqlite3"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{SCHEMA}"')
    return f"{PG}?options=-csearch_path%3D{SCHEMA}"


def agent_rows(size: int, rng: random.Random, available: int) -> list[dict]:
    rows = []
    for i in range(size):
        skills = {rng.choice(["billing", "support"]): rng.randint(1, 10), "ko": 10} if rng.random() < 0.7 else {}
        skills[rng.choice(["en", "ko"])] = rng.randint(3, 10)
        idle = NOW - timedelta(seconds=rng.uniform(0, 3600))
        rows.append({"id": f"agent{i:05d}", "name": f"Agent {i}", "contact": f"client:agent{i}", "skills": skills,
                     "status": "available" if i < available else "busy", "status_since": idle, "idle_since": idle,
                     "calls_today": rng.randint(0, 30), "missed_calls": 0, "last_assigned_at": idle})
    return rows


def entry_rows(size: int, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(size):
        at = NOW - timedelta(seconds=rng.uniform(0, 300))
        queue = rng.choice(QUEUES)
        rows.append({"call_sid": f"CA{i:032d}", "queue": queue, "first_queue": queue, "priority": rng.choice([0, 0, 0, 1]),
                     "skills": {rng.choice(["ko", "ko", "en"]): 1}, "variables": {}, "language": "ko", "whisper": "",
                     "status": "waiting", "enqueued_at": at, "queue_entered_at": at, "node": "q", "from_number": "",
                     "wait_requests": 0, "offers": 0, "missed": 0})
    return rows


def measure(engine_name: str, size: int, repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(database(engine_name, folder))
        upgrade(engine)
        uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False))
        service = QueueService(uow, CONFIG, FakeClock(NOW), worker="bench")
        ways = {"new": service.route_now, "old": partial(old_route_now, service)}
        row = {"size": size}
        for moment, available, callers in (("freed", 1, size), ("came", max(1, size // 2), 1)):
            load(engine, agent_rows(size, random.Random(1), available), entry_rows(callers, random.Random(2)))
            for way, route_now in ways.items():
                row[f"{moment} {way}"] = timed(uow, route_now, repeats)
        engine.dispose()
    return row


def old_route_now(service: QueueService) -> list:
    """The previous routing transaction: lock and read every available agent, index them in memory, then route."""
    with service.uow() as uow:
        repo = uow.queues
        agents = {agent.id: agent for agent in repo.available_agents()}
        made, index = [], AgentIndex(agents.values())
        for batch in repo.waiting_batches(BATCH, service.clock.now()) if agents else ():
            entries = {entry.call_id: entry for entry in batch}
            for a in route(batch, index, service.config, service.clock.now()):
                moves.offer(repo, service.config, entries[a.call_id], agents[a.agent_id], a.why, service.clock.now(),
                            service.worker, CONNECT_SLACK_S)
                index.remove(a.agent_id)
                made.append(a)
            if not index.count():
                break
        uow.commit()
    return made


def load(engine, agents: list[dict], entries: list[dict]) -> None:
    with engine.begin() as conn:
        for table in (AssignmentRow, QueueEntryRow, AgentRow):
            conn.execute(delete(table))
        conn.execute(insert(AgentRow), agents)
        conn.execute(insert(QueueEntryRow), entries)
        relist_all(conn)


def timed(uow, route_now, repeats: int) -> list[float]:
    """Time `repeats` routing transactions on the loaded floor, undoing each offer in between."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        made = route_now()
        times.append(time.perf_counter() - start)
        assert made, "the bench floor must assign someone"
        undo(uow, [a.agent_id for a in made])
    return times


def undo(uow, offered: list[str]) -> None:
    with uow() as unit:
        session = unit.session
        session.execute(delete(AssignmentRow))
        session.execute(update(QueueEntryRow).where(QueueEntryRow.status == "offered")
                        .values(status="waiting", agent_id=None, offered_at=None, ring_due_at=None, offers=0))
        session.execute(update(AgentRow).where(AgentRow.id.in_(offered)).values(status="available", entry_id=None))
        for agent_id in offered:
            relist(session, unit.queues.agent(agent_id))
        unit.commit()


def print_table(engine_name: str, rows: list[dict]) -> None:
    print(f"\n{engine_name}: one assignment transaction (route_now), wall ms p50 (p90); old/new = how many times faster")
    print(f"{'agents':>7} | {'agent freed: old':>18} {'new':>15} {'old/new':>7} | {'caller came: old':>18} {'new':>15} {'old/new':>7}")
    for row in rows:
        cells = [_cells(row, moment) for moment in ("freed", "came")]
        print(f"{row['size']:>7,} | {cells[0]} | {cells[1]}")


def _cells(row: dict, moment: str) -> str:
    old, new = row[f"{moment} old"], row[f"{moment} new"]
    text = [f"{_pct(t, 50) * 1000:.2f} ({_pct(t, 90) * 1000:.2f})" for t in (old, new)]
    return f"{text[0]:>18} {text[1]:>15} {_pct(old, 50) / _pct(new, 50):>6.1f}x"


def _pct(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()

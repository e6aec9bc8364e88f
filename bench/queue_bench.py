"""Time one assignment transaction (QueueService.route_now: row locks, read, decide, write) on SQLite and PostgreSQL.

    .venv/bin/python bench/queue_bench.py [--sizes 10,1000,10000] [--repeats 30] [--engines sqlite,postgresql]

N agents (random billing/support skills, Korean or English) and N waiting callers over the sample queues.
Two moments, each one route_now in its own transaction, undone afterwards (untimed) so every repeat sees the same floor:
  agent freed   one agent becomes available, every other is busy, N callers wait: locks the one free agent,
                reads waiting callers in serving order 200 at a time until one fits, offers it, stores the why
  caller came   N/2 agents are available, one caller waits: locks and reads every available agent
Times are wall-clock milliseconds (p50 and p90) of the whole transaction, commit included.
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

from callqueue.config import load_queues  # noqa: E402
from callqueue.service import QueueService  # noqa: E402
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
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10, 1000, 10_000])
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
        freed = timed(engine, service, agent_rows(size, random.Random(1), 1), entry_rows(size, random.Random(2)), repeats)
        came = timed(engine, service, agent_rows(size, random.Random(1), max(1, size // 2)), entry_rows(1, random.Random(2)), repeats)
        engine.dispose()
    return {"size": size, "freed": freed, "came": came}


def timed(engine, service: QueueService, agents: list[dict], entries: list[dict], repeats: int) -> list[float]:
    """Load the floor, then time `repeats` route_now transactions, undoing each offer in between."""
    with engine.begin() as conn:
        for table in (AssignmentRow, QueueEntryRow, AgentRow):
            conn.execute(delete(table))
        conn.execute(insert(AgentRow), agents)
        conn.execute(insert(QueueEntryRow), entries)
    available = [a["id"] for a in agents if a["status"] == "available"]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        made = service.route_now()
        times.append(time.perf_counter() - start)
        assert made, "the bench floor must assign someone"
        undo(engine, available)
    return times


def undo(engine, available: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(AssignmentRow))
        conn.execute(update(QueueEntryRow).where(QueueEntryRow.status == "offered")
                     .values(status="waiting", agent_id=None, offered_at=None, ring_due_at=None, offers=0))
        conn.execute(update(AgentRow).where(AgentRow.id.in_(available)).values(status="available", entry_id=None))


def print_table(engine_name: str, rows: list[dict]) -> None:
    print(f"\n{engine_name}: one assignment transaction (route_now), wall ms")
    print(f"{'agents':>7} {'callers':>7} | {'agent freed p50':>15} {'p90':>7} {'growth':>6} | "
          f"{'caller came p50':>15} {'p90':>7} {'growth':>6}")
    previous = None
    for row in rows:
        cells = [_cell(row, previous, key) for key in ("freed", "came")]
        print(f"{row['size']:>7,} {row['size']:>7,} | {cells[0]} | {cells[1]}")
        previous = row


def _cell(row: dict, previous: dict | None, key: str) -> str:
    p50, p90 = _pct(row[key], 50), _pct(row[key], 90)
    growth = "" if previous is None else f"{p50 / _pct(previous[key], 50):.1f}x"
    return f"{p50 * 1000:>15.2f} {p90 * 1000:>7.2f} {growth:>6}"


def _pct(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()

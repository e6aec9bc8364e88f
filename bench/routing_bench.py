"""Time one routing decision with 10, 1,000 and 10,000 agents and as many waiting callers.

    .venv/bin/python bench/routing_bench.py [--sizes 10,1000,10000] [--seconds 0.3]

The floor uses the sample queues (billing: highest_skill, support: longest_idle, general:
fewest_calls) and agents with random skills and Korean/English. Three moments are timed, each a
call of `route` on an AgentIndex and a WaitingLine kept up to date (building them is timed apart):
  agent freed   one agent becomes available, every other is busy, N callers wait
                ("unsorted": the callers given as a plain list in random order, sorted by route)
  caller came   half the agents are available, one caller waits (averaged over the three queues)
  busy floor    10% of agents are available, N callers wait (the batch assigns up to N/10)
Times are CPU time of this process (steadier than wall time on a shared machine; the same when idle).
The growth column is the time over the time at the previous size (agents grow 100x, then 10x).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callqueue.config import load_queues  # noqa: E402
from callqueue.index import AgentIndex  # noqa: E402
from callqueue.model import Agent, AgentStatus, QueueEntry  # noqa: E402
from callqueue.routing import route  # noqa: E402
from callqueue.waiting import WaitingLine  # noqa: E402

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
CONFIG = load_queues(ROOT / "flows" / "queues.yaml")
QUEUES = ["billing", "support", "general"]


def main() -> None:
    args = parse_args()
    rows = [measure(size, args.seconds) for size in args.sizes]
    print_table(rows)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10, 1000, 10_000])
    parser.add_argument("--seconds", type=float, default=0.3, help="time spent per measurement")
    return parser.parse_args()


def make_agent(i: int, rng: random.Random, status: AgentStatus) -> Agent:
    skills = {rng.choice(["billing", "support"]): rng.randint(1, 10), "ko": 10} if rng.random() < 0.7 else {}
    skills[rng.choice(["en", "ko"])] = rng.randint(3, 10)
    idle = NOW - timedelta(seconds=rng.uniform(0, 3600))
    return Agent(f"agent{i:05d}", f"Agent {i}", f"client:agent{i}", skills, status, idle, idle,
                 rng.randint(0, 30), idle - timedelta(seconds=rng.uniform(0, 3600)))


def make_caller(i: int, rng: random.Random, queue: str | None = None) -> QueueEntry:
    waited = timedelta(seconds=rng.uniform(0, 300))
    return QueueEntry(f"CA{i:06d}", queue or rng.choice(QUEUES), NOW - waited, rng.choice([0, 0, 0, 1]),
                      {rng.choice(["ko", "ko", "en"]): 1})


def floor(size: int, available_share: float, seed: int = 1) -> AgentIndex:
    rng = random.Random(seed)
    statuses = [AgentStatus.AVAILABLE if rng.random() < available_share else AgentStatus.BUSY for _ in range(size)]
    return AgentIndex(make_agent(i, rng, status) for i, status in enumerate(statuses))


def one_freed(size: int) -> AgentIndex:
    rng = random.Random(2)
    agents = [make_agent(i, rng, AgentStatus.BUSY) for i in range(size - 1)]
    agents.append(Agent("freed", "Freed", "client:freed", {"billing": 6, "support": 6, "ko": 9, "en": 7},
                        AgentStatus.AVAILABLE, NOW, NOW))
    return AgentIndex(agents)


def per_call(fn, seconds: float) -> float:
    """Median seconds per call of `fn` over five rounds of about `seconds`/5 each."""
    fn()
    runs = max(1, int(seconds / 5 / max(_once(fn), 1e-7)))
    return statistics.median(_once(fn, runs) for _ in range(5))


def _once(fn, runs: int = 1) -> float:
    start = time.process_time()
    for _ in range(runs):
        fn()
    return (time.process_time() - start) / runs


def measure(size: int, seconds: float) -> dict:
    rng = random.Random(3)
    callers = [make_caller(i, rng) for i in range(size)]
    line = WaitingLine(callers)
    freed, half, busy = one_freed(size), floor(size, 0.5), floor(size, 0.1)
    arrivals = [WaitingLine([make_caller(0, rng, queue)]) for queue in QUEUES]
    return {
        "size": size,
        "freed": per_call(lambda: route(line, freed, CONFIG, NOW), seconds),
        "unsorted": per_call(lambda: route(callers, freed, CONFIG, NOW), seconds),
        "arrival": statistics.fmean(per_call(lambda: route(c, half, CONFIG, NOW), seconds) for c in arrivals),
        "busy": per_call(lambda: route(line, busy, CONFIG, NOW), seconds),
        "assigned": len(route(line, busy, CONFIG, NOW)),
        "index": per_call(lambda: floor(size, 0.5), min(seconds, 2.0)),
        "line": per_call(lambda: WaitingLine(callers), min(seconds, 2.0)),
    }


COLUMNS = [("agent freed", "freed", True), ("unsorted", "unsorted", False), ("caller came", "arrival", True),
           ("busy floor", "busy", True)]


def print_table(rows: list[dict]) -> None:
    heads = " | ".join(f"{title:>11}" + (" growth" if growth else "") for title, _, growth in COLUMNS)
    print(f"{'agents':>7} {'callers':>7} | {heads} | {'assigned':>8} {'per assign':>10} | {'index build':>11} {'line build':>10}")
    previous = None
    for row in rows:
        cells = " | ".join(f"{_ms(row[key]):>11}" + (f" {_growth(row, previous, key):>6}" if growth else "")
                           for _, key, growth in COLUMNS)
        per_assign = _ms(row["busy"] / max(row["assigned"], 1))
        print(f"{row['size']:>7,} {row['size']:>7,} | {cells} | {row['assigned']:>8} {per_assign:>10} | "
              f"{_ms(row['index']):>11} {_ms(row['line']):>10}")
        previous = row


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def _growth(row: dict, previous: dict | None, key: str) -> str:
    return "" if previous is None else f"{row[key] / previous[key]:.1f}x"


if __name__ == "__main__":
    main()

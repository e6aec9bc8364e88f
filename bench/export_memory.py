"""Peak memory of the streamed CSV exports: a month of N calls (and N queue entries) exported, N = 10,000 and 100,000.

    .venv/bin/python bench/export_memory.py [--sizes 10000,100000] [--engines sqlite,postgresql]

For each engine and size, a fresh database is migrated and filled (one March of calls, spread evenly), then a child
process streams `calls.csv` and `queue_entries.csv` for the whole month through the board's export (exports.stream)
and reports its resident memory before the export (after imports) and its peak (ru_maxrss), the bytes and the time.
A flat peak from 10,000 to 100,000 calls shows that nothing holds the month in memory.
PostgreSQL: IVR_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), schema ivr_bench_export.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 3, 1, tzinfo=timezone.utc)
MONTH_S = 31 * 86400
PG_URL = os.environ.get("IVR_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_SCHEMA = "ivr_bench_export"


def fill(url: str, calls: int) -> None:
    """Migrate and insert `calls` calls and as many queue entries, in batches of 5,000 (core inserts)."""
    from sqlalchemy import insert

    from callqueue.tables import QueueEntryRow
    from ivr.db import make_engine, upgrade
    from ivr.tables import CallRow

    engine = make_engine(url)
    upgrade(engine)
    step = MONTH_S / calls
    for first in range(0, calls, 5000):
        rows, entries = [], []
        for i in range(first, min(calls, first + 5000)):
            at = START + timedelta(seconds=i * step)
            sid = f"CA{i:032x}"
            rows.append({"call_sid": sid, "from_number": f"+8210{i:08d}", "to_number": "+18005550100",
                         "direction": "inbound", "flow_name": "main", "flow_version": "v1", "node": "main_menu",
                         "language": "ko", "variables": {"order_number": str(i), "pin": "sealed:v1:" + "x" * 100},
                         "invalid_count": 0, "no_input_count": 0, "flow_ended": True, "extras": {},
                         "status": "completed", "started_at": at, "updated_at": at, "ended_at": at + timedelta(seconds=200),
                         "duration_seconds": 200})
            entries.append({"call_sid": sid, "from_number": f"+8210{i:08d}", "node": "to_agent", "queue": "billing",
                            "first_queue": "billing", "priority": 0, "skills": {}, "variables": {}, "language": "ko",
                            "whisper": "", "status": "completed", "agent_id": "kim", "enqueued_at": at,
                            "queue_entered_at": at, "answered_at": at + timedelta(seconds=15),
                            "ended_at": at + timedelta(seconds=195), "wait_seconds": 15.0, "handle_seconds": 180.0,
                            "wait_requests": 2, "offers": 1, "missed": 0})
        with engine.begin() as conn:
            conn.execute(insert(CallRow), rows)
            conn.execute(insert(QueueEntryRow), entries)
    engine.dispose()


def child(url: str) -> None:
    """Stream both exports for March; print the figures as JSON."""
    from sqlalchemy.orm import sessionmaker

    from ivr.board import exports
    from ivr.board.periods import period
    from ivr.db import make_engine

    engine = make_engine(url)
    span = period(START.date(), START.date() + timedelta(days=30), "UTC")
    before_kb = _rss_now_kb()
    began = time.perf_counter()
    sizes = {kind: sum(len(chunk) for chunk in exports.stream(sessionmaker(engine), kind, span, set()))
             for kind in ("calls", "queue_entries")}
    print(json.dumps({"rss_before_mb": before_kb / 1024, "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "bytes": sizes, "seconds": time.perf_counter() - began}))
    engine.dispose()


def _rss_now_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _pg_url() -> str:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{PG_SCHEMA}"')
    return f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    print(f"{'engine':<11}{'calls':>8}{'RSS before MB':>15}{'peak MB':>9}{'calls.csv MB':>14}{'entries MB':>12}{'s':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for engine in args.engines.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                url = f"sqlite:///{folder}/export_{size}.sqlite3" if engine == "sqlite" else _pg_url()
                fill(url, size)
                out = subprocess.run([sys.executable, __file__, "--child", url], capture_output=True, text=True, check=True)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{engine:<11}{size:>8}{r['rss_before_mb']:>15.1f}{r['rss_peak_mb']:>9.1f}"
                      f"{r['bytes']['calls'] / 1e6:>14.1f}{r['bytes']['queue_entries'] / 1e6:>12.1f}{r['seconds']:>7.1f}")


if __name__ == "__main__":
    main()

"""Live-feed benchmark: N open event streams against the production server, latency from a change to delivery.

    .venv/bin/python bench/events_bench.py --database sqlite --clients 200 --workers 2 --changes 200
    .venv/bin/python bench/events_bench.py --database postgresql --clients 200 --workers 4

Starts gunicorn with the committed gunicorn.conf.py (gevent workers, --preload) and bench/events_app.py (the app
with the stream mounted), opens `--clients` streams (80 % agent desks spread over the sample agents, 20 % boards),
then drives agent presence changes through the real JSON API one after the other (each a committed agent change;
the presence service runs a routing pass in the same request). After each change the driver reads the newest
event id, so every event id maps to the change that wrote it. Latency is from the moment the driver sent the
change's request to the moment a client read the event, so it includes the request itself (an upper bound).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENTS = ["kim", "lee", "park", "smith", "choi"]
PG = os.environ.get("IVR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client(threading.Thread):
    """One open stream: records (event id, time read) for every event."""

    def __init__(self, port: int, audience: str):
        super().__init__(daemon=True)
        self.port, self.audience, self.got, self.ready = port, audience, [], threading.Event()
        self.stop = False

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", f"/bench-live/events?audience={self.audience}")
        answer = conn.getresponse()
        buffer = ""
        self.ready.set()
        while not self.stop:
            chunk = answer.read1(65536)
            if not chunk:
                break
            now = time.perf_counter()
            buffer += chunk.decode()
            while "\n\n" in buffer:
                block, buffer = buffer.split("\n\n", 1)
                for line in block.split("\n"):
                    if line.startswith("id: "):
                        self.got.append((int(line[4:]), now))
        conn.close()


def newest_id(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = newest_id.engines.setdefault(url, create_engine(url))
    with engine.connect() as conn:
        return conn.execute(text("SELECT coalesce(max(id), 0) FROM live_events")).scalar()


newest_id.engines = {}


def database(kind: str, folder: str) -> tuple[str, str]:
    """(DATABASE_URL for the server, SQLAlchemy URL for the driver)."""
    if kind == "sqlite":
        url = f"sqlite:///{folder}/bench.sqlite3"
        return url, url
    import psycopg

    schema = f"ivr_events_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{PG}?options=-csearch_path%3D{schema}"
    return url, url.replace("postgresql://", "postgresql+psycopg://", 1)


def post(port: int, path: str, body: dict) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"{path}: {answer.status}")


def run(args) -> dict:
    folder = tempfile.mkdtemp(prefix="events-bench-")
    server_url, driver_url = database(args.database, folder)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": server_url, "IVR_DEV_OPEN_API": "1", "TIMERS": "0", "SPEECH": "off",
           "PROMPTS": "say", "LOG_LEVEL": "WARNING", "FLOWS_RELOAD_SECONDS": "0", "WORKER_CONNECTIONS": "1000"}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--pythonpath", str(ROOT / "bench"), "--no-control-socket", "events_app:create_app()"]
    with open(f"{folder}/gunicorn.log", "ab") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(port, server)
        clients = [Client(port, "board" if i % 5 == 0 else f"agent:{AGENTS[i % len(AGENTS)]}") for i in range(args.clients)]
        for c in clients:
            c.start()
            c.ready.wait(30)
        time.sleep(2)  # every worker's hub is reading
        sent: dict[int, float] = {}  # event id -> when its change was sent
        last = newest_id(driver_url)
        for n in range(args.changes):
            agent = AGENTS[n % len(AGENTS)]
            status = "available" if (n // len(AGENTS)) % 2 == 0 else "offline"
            started = time.perf_counter()
            post(port, f"/api/agents/{agent}/status", {"status": status})
            high = newest_id(driver_url)
            sent.update({i: started for i in range(last + 1, high + 1)})
            last = high
            time.sleep(args.pause_s)
        time.sleep(3)
        latencies = [(t - sent[i]) * 1000 for c in clients for i, t in c.got if i in sent]
        expected = sum(1 for _ in sent)  # upper bound per client; each client gets its audiences' share
        for c in clients:
            c.stop = True
        return summary(args, latencies, clients, expected)
    finally:
        server.terminate()
        server.wait(30)
        for engine in newest_id.engines.values():
            engine.dispose()
        _drop_schema(server_url)


def _drop_schema(url: str) -> None:
    if "search_path%3D" not in url:
        return
    import psycopg

    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{url.rsplit("%3D", 1)[1]}" CASCADE')


def summary(args, latencies: list[float], clients, events: int) -> dict:
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1) if latencies else None

    return {"database": args.database, "workers": args.workers, "clients": args.clients, "changes": args.changes,
            "events_written": events, "deliveries": len(latencies),
            "clients_that_heard_nothing": sum(1 for c in clients if not c.got),
            "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": round(latencies[-1], 1) if latencies else None,
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None}


def _wait_ready(port: int, server) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--pause-s", type=float, default=0.05)
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()

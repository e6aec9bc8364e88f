"""Real-time load benchmark: N concurrent signed callers walk the sample flow against the production server.

    .venv/bin/python bench/load.py --database sqlite --ramp 100,300,1000,1500,2000,3000 --hold 30
    .venv/bin/python bench/load.py --database postgresql --servers 2 --ramp 300,1000 --hold 30
    .venv/bin/python bench/load.py --url http://127.0.0.1:5000 --auth-token TOKEN --ramp 50 --hold 20

Each caller is a signed Twilio call (bench/load_caller.py) that follows the TwiML it gets with 2-4 s of think time
between requests, then calls again. The benchmark starts the README's production command itself (gunicorn with the
committed gunicorn.conf.py: gevent, --preload, 4 workers, timers on; a fresh SQLite file or PostgreSQL schema; the
sample flows with office hours open all week: bench/load_server.py) unless --url names a running server. With
--servers 2, two servers on one PostgreSQL sit behind bench/load_proxy.py. --mix queue makes a share of callers
choose billing (a queue) and plays agents who answer the <Dial>s. Each ramp step is held --hold seconds; the first
--settle seconds of a step are not measured. Per step it prints requests/s, p50/p95/p99, errors, the server's CPU
per request (its processes' CPU from /proc over the step / requests), the generator's own CPU, PostgreSQL's and the
rest of the machine's CPU and the load average. Exit status 1 if any request failed or a database check failed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402

import load_checks  # noqa: E402
import load_profile  # noqa: E402
import load_server  # noqa: E402
from load_caller import MENU_SCRIPT, QUEUE_SCRIPT, Agent, Caller, Tally, Target  # noqa: E402
from load_machine import Reading, load_average  # noqa: E402
from load_report import StepReport, header  # noqa: E402

QUEUE_SKILLS = {"billing": 8, "support": 5, "ko": 10, "en": 10}


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--auth-token", default="", help="with --url: the server's TWILIO_AUTH_TOKEN")
    parser.add_argument("--api-token", default="", help="with --url and --mix queue: the server's IVR_API_TOKEN")
    parser.add_argument("--public-url", default="", help="with --url: the server's PUBLIC_BASE_URL if it differs")
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2), help="2: two servers behind a proxy")
    parser.add_argument("--workers", type=int, default=4, help="WEB_CONCURRENCY of each server")
    parser.add_argument("--ramp", default="100,300,1000,1500,2000,3000", help="concurrent callers per step")
    parser.add_argument("--hold", type=float, default=30.0, help="seconds each step is held")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds at a step's start left out of its figures")
    parser.add_argument("--think", default="2,4", help="think time between requests, MIN,MAX seconds")
    parser.add_argument("--mix", choices=("menu", "queue"), default="menu")
    parser.add_argument("--queue-share", type=float, default=0.2, help="with --mix queue: share of queue callers")
    parser.add_argument("--agents", type=int, default=20, help="with --mix queue: simulated agents")
    parser.add_argument("--env", action="append", default=[], help="extra server setting KEY=VALUE (repeatable)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="record the last step's measured window with py-spy into this file "
                                          "(raw stacks) and print where the server's time went")
    args = parser.parse_args(argv)
    try:
        args.steps = [int(n) for n in args.ramp.split(",") if n.strip()]
        args.think_s = tuple(float(n) for n in args.think.split(","))
        args.extra_env = dict(item.split("=", 1) for item in args.env)
    except ValueError as exc:
        parser.error(f"--ramp is whole numbers, --think MIN,MAX seconds, --env KEY=VALUE: {exc}")
    if not args.steps or min(args.steps) < 1 or len(args.think_s) != 2 or args.think_s[0] > args.think_s[1]:
        parser.error("--ramp needs callers >= 1 per step and --think MIN,MAX with MIN <= MAX")
    if args.servers == 2 and (args.url or args.database != "postgresql"):
        parser.error("--servers 2 starts two servers on one PostgreSQL: use --database postgresql, not --url")
    if args.profile and (args.url or not load_profile.py_spy()):
        parser.error("--profile needs py-spy installed (pip install py-spy) and a server this benchmark starts")
    return args


def register_agents(base_url: str, api_token: str, count: int) -> dict[str, Agent]:
    """Simulated agents created and made available through the JSON API (as `ivr call --agent` does)."""
    agents = {}
    for index in range(count):
        agent = Agent(f"load{index:03d}", f"client:load{index:03d}")
        for path, body in (("/api/agents", {"id": agent.id, "name": agent.id, "contact": agent.contact,
                                            "skills": QUEUE_SKILLS}),
                           (f"/api/agents/{agent.id}/status", {"status": "available"})):
            request = urllib.request.Request(base_url + path, json.dumps(body).encode(), method="POST", headers={
                "Authorization": f"Bearer {api_token}", "Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=30).read()
        agents[agent.contact] = agent
    return agents


async def ramp(args, target: Target, agents: dict[str, Agent], server_pids: list[int]) -> tuple[list[StepReport], Tally]:
    tally, stop, tasks = Tally(), asyncio.Event(), []
    rng = random.Random(args.seed)
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=4)
    timeout = aiohttp.ClientTimeout(total=15)  # Twilio gives up on a webhook after 15 s
    reports = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for callers in args.steps:
            while len(tasks) < callers:  # new callers arrive spread over one think time
                queue = args.mix == "queue" and rng.random() < args.queue_share
                caller = Caller(session, target, tally, QUEUE_SCRIPT if queue else MENU_SCRIPT, args.think_s,
                                agents, random.Random(rng.random()))
                tasks.append(asyncio.create_task(caller.run(stop, rng.uniform(0, args.think_s[1]))))
            await asyncio.sleep(args.settle)
            before, begun = Reading.now(server_pids), time.monotonic()
            measured_s = max(1.0, args.hold - args.settle)
            recording = (load_profile.Recording(load_profile.py_spy(), server_pids[0], measured_s, Path(args.profile))
                         if args.profile and callers == args.steps[-1] else None)
            await asyncio.sleep(measured_s)
            after, ended = Reading.now(server_pids), time.monotonic()
            report = StepReport.of(callers, tally.samples, begun, ended, after.minus(before), load_average())
            print(report.line(), flush=True)
            if ran_out := report.ran_out():
                print(f"#   {callers} callers missed p99 < 100 ms / 0 errors; ran out: {ran_out}", flush=True)
            if recording is not None:
                problem = await asyncio.to_thread(recording.finish)
                lines = [problem] if problem else load_profile.summary(Path(args.profile).read_text())
                print("\n".join(f"# profile: {line}" for line in lines), flush=True)
            reports.append(report)
        stop.set()  # callers finish the call they are in, so the database can be checked afterwards
        await asyncio.wait(tasks, timeout=120)
    return reports, tally


def run(args) -> int:
    with ExitStack() as stack:
        if args.url:
            target = Target(args.url.rstrip("/"), (args.public_url or args.url).rstrip("/"), args.auth_token)
            servers, database_url, api_token, pids = [], None, args.api_token, []
        else:
            proxy_port = load_server.free_port() if args.servers == 2 else None
            servers, database_url, folder = stack.enter_context(load_server.started_servers(
                args.database, args.servers, args.workers, args.extra_env, proxy_port))
            base = servers[0].url
            if proxy_port:
                proxy = stack.enter_context(start_proxy(proxy_port, [s.port for s in servers]))
                base = f"http://127.0.0.1:{proxy_port}"
            target, api_token = Target(base, base, load_server.AUTH_TOKEN), load_server.API_TOKEN
            pids = [s.process.pid for s in servers] + ([proxy.pid] if proxy_port else [])
            print(f"# servers: {', '.join(s.url for s in servers)}; logs in {folder}; database {args.database}")
        agents = register_agents(target.base_url, api_token, args.agents) if args.mix == "queue" else {}
        print(header(args, servers), flush=True)
        reports, tally = asyncio.run(ramp(args, target, agents, pids))
        failed = any(r.errors for r in reports)
        for kind, example in tally.error_examples.items():
            print(f"# error {kind}: {example}")
        if database_url:
            verdict = load_checks.check(database_url, tally.calls_completed)
            for line in verdict.lines():
                print(f"# {line}")
            failed = failed or not verdict.ok
        if args.json:
            Path(args.json).write_text(json.dumps([r.as_dict() for r in reports], indent=1))
    return 1 if failed else 0


class start_proxy:
    """bench/load_proxy.py as its own process (its CPU counted with the servers')."""

    def __init__(self, port: int, backends: list[int]):
        self.port, self.backends = port, backends

    def __enter__(self) -> subprocess.Popen:
        to = ",".join(f"127.0.0.1:{p}" for p in self.backends)
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).parent / "load_proxy.py"),
                                         "--listen", str(self.port), "--to", to])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/health", timeout=5).read()
                return self.process
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the proxy did not answer")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(10)


def _stop(signum, _frame) -> None:
    raise SystemExit(128 + signum)  # unwinds the servers, the proxy and the PostgreSQL schema


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    signal.signal(signal.SIGTERM, _stop)
    return run(arguments(argv))


if __name__ == "__main__":
    sys.exit(main())

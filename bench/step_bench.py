"""One menu step (signature, state load, engine, state save, TwiML) against a bare Flask endpoint, under wrk.

    .venv/bin/python bench/step_bench.py --seconds 20 --connections 16 --workers 4 --db sqlite

Both servers run under gunicorn with the same settings on free loopback ports; wrk loads the bare one,
then the real one (--rounds alternates them again), with the same settings and the same pre-signed requests.
See docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import step_cpu as cpu
import step_databases as databases
import step_source as source
import step_wrk as wrk_load
from step_servers import Gunicorn, GunicornSettings
from step_checks import check_bare, check_forgery_refused, check_menu, prepare, signed_steps
from step_report import Round, Side, print_report
from step_webhooks import REPEAT_MENU, Signer, step_path

BENCH = Path(__file__).resolve().parent
FLOWS = BENCH / "step_flows"  # the bench's own flow: the sample flow changes, what we measure should not
BUSY_BEFORE = 0.10  # CPU share busy before the run above which another program is competing


def main() -> None:
    args = parse_args()
    wrk_load.require_wrk()
    gunicorn = GunicornSettings(args.workers, args.worker_class, args.threads)
    load = wrk_load.WrkSettings(args.seconds, args.connections, args.wrk_threads)
    with tempfile.TemporaryDirectory(prefix="ivr-bench-") as work, databases.throwaway(args.db, Path(work)) as url:
        project = source.checkout(args.commit, Path(work))
        print(f"code: {source.describe(args.commit)}; full app: {args.app}")
        full = FullApp(args.app, project, args.pythonpath)
        run(Path(work), url, full, args.calls, gunicorn, load, args.rounds, args.wait_idle)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=20, help="length of each measured wrk run (max 600)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--rounds", type=int, default=1, help="bare-then-full runs, alternated (max 10)")
    parser.add_argument("--wait-idle", type=int, default=0, metavar="S",
                        help="first wait up to S seconds (max 1800) for the CPUs to be idle")
    parser.add_argument("--calls", type=int, default=200, help="distinct calls the requests cycle through")
    parser.add_argument("--commit", help="serve this commit (exported with git archive) instead of the working tree")
    parser.add_argument("--app", default="app:create_app()", help="gunicorn app spec of the full side")
    parser.add_argument("--pythonpath", type=Path, help="a folder put first on the full side's PYTHONPATH")
    args = parser.parse_args()
    if not (1 <= args.seconds <= wrk_load.MAX_SECONDS and 1 <= args.calls <= 10_000 and 1 <= args.connections <= 1024
            and 1 <= args.rounds <= 10 and 0 <= args.wait_idle <= 1800):
        parser.error("--seconds 1..600, --calls 1..10000, --connections 1..1024, --rounds 1..10, --wait-idle 0..1800")
    args.wrk_threads = min(args.wrk_threads, args.connections)
    return args


@dataclass(frozen=True)
class FullApp:
    """The real app: gunicorn spec, project folder it is served from, an optional folder imported first."""

    spec: str
    project: Path
    pythonpath: Path | None = None

    def env(self, database_url: str, token: str) -> dict[str, str]:
        paths = [str(p) for p in (self.pythonpath, self.project) if p is not None]
        return {**os.environ, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": token, "PUBLIC_BASE_URL": "",
                "FLOWS_DIR": str(FLOWS), "IVR_AUTO_MIGRATE": "1",
                "PYTHONPATH": os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def run(work: Path, database_url: str, app: FullApp, calls: int, gunicorn: GunicornSettings,
        load: wrk_load.WrkSettings, rounds: int, wait_idle_s: int) -> None:
    token = secrets.token_hex(16)
    print_machine(database_url, gunicorn, load)
    wait_idle(wait_idle_s)
    with Gunicorn("full", app.spec, app.project, gunicorn, app.env(database_url, token), work / "full.log") as full:
        signer = Signer(token)
        prepare(full, signer, calls)
        menu = check_menu(full, signer)
        check_forgery_refused(full)
        (work / "menu.xml").write_text(menu)
        bare_env = {**os.environ, "BENCH_TWIML_FILE": str(work / "menu.xml")}
        with Gunicorn("bare", "bare_app:create_app()", BENCH, gunicorn, bare_env, work / "bare.log") as bare:
            check_bare(bare, menu)
            script = wrk_load.write_script(work / "steps.lua", step_path(REPEAT_MENU["node"]),
                                           signed_steps(full, signer, calls), load.threads, "<Gather")
            results = measure(bare, full, script, load, database_url, rounds)
            trouble = {"bare": bare.trouble(), "full": full.trouble()}
    print_report(results, trouble, len(menu.encode()))


def measure(bare: Gunicorn, full: Gunicorn, script: Path, load: wrk_load.WrkSettings, database_url: str,
            rounds: int) -> list[Round]:
    """Warm both up, then bare and full one after the other, `rounds` times; the event log proves the work."""
    warmup = max(2, min(5, load.seconds // 5))
    for server in (bare, full):
        wrk_load.run(server.url, script, load, seconds=warmup)
    done = []
    pids = partial(databases.server_pids, database_url)
    for _ in range(rounds):
        bare_side = Side(*cpu.measured(lambda: wrk_load.run(bare.url, script, load), pids))
        events_before = databases.count_rows(database_url, "call_events")
        full_side = Side(*cpu.measured(lambda: wrk_load.run(full.url, script, load), pids))
        done.append(Round(bare_side, full_side, databases.count_rows(database_url, "call_events") - events_before))
    return done


def print_machine(database_url: str, gunicorn: GunicornSettings, load: wrk_load.WrkSettings) -> None:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" Copyright")[0]
    print(f"machine: {os.cpu_count()} CPUs ({model}), {memory_kb / 2**20:.1f} GiB RAM, Python {platform.python_version()}")
    print(f"database: {databases.server_version(database_url)}; servers: {gunicorn.describe()}; load: {load.describe()}"
          f" ({wrk.strip()})")


def wait_idle(limit_s: int) -> None:
    """Wait (at most `limit_s`) until the CPUs are idle for 2 s: on a shared machine others' work skews the figures."""
    deadline = time.monotonic() + limit_s
    while True:
        _, share = cpu.measured(lambda: time.sleep(2))
        if share.busy <= BUSY_BEFORE or time.monotonic() >= deadline:
            break
    print(f"CPU busy before the run (2 s sample): {share.busy:.0%}")
    if share.busy > BUSY_BEFORE:
        print("WARNING: something else is using the CPUs; figures will be noisy")


if __name__ == "__main__":
    main()

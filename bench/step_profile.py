"""Where one menu step's time goes: the real app and the bare one in-process (Flask's test client), timed by part.

    .venv/bin/python bench/step_profile.py --steps 2000 --db sqlite [--cprofile 25]

Single-threaded, no gunicorn and no sockets: this shows CPU per step, not contention (see step_bench.py).
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import text

import step_cpu as cpu
import step_databases as databases
import step_source as source
from bare_app import create_app as create_bare_app
from step_webhooks import REPEAT_MENU, Signer, body, call_form, step_path

# (module, attribute path, label): the parts of a step; a target that no longer exists is skipped.
PARTS = [
    ("ivr.web.signature", "SignatureChecker.verify", "signature check (form parse + 2 HMACs)"),
    ("ivr.web.voice", "call_info", "webhook form -> CallInfo"),
    ("ivr.repository", "SqlAlchemyUnitOfWork.__enter__", "session open"),
    ("ivr.repository", "SqlAlchemyCallRepository.get", "state load (SELECT ... FOR UPDATE, ORM row)"),
    ("ivr.service", "step", "engine step"),
    ("ivr.repository", "SqlAlchemyCallRepository.log", "event rows added to the session"),
    ("ivr.repository", "SqlAlchemyUnitOfWork.commit", "state save (ORM flush: UPDATE + 2 INSERT, COMMIT)"),
    ("ivr.repository", "SqlAlchemyUnitOfWork.__exit__", "session close (rollback + close)"),
    ("ivr.web.voice", "render", "TwiML render"),
]
TOKEN = "profile-token"
URL_BASE = "http://localhost"
WHOLE = "whole step"
FLOWS = Path(__file__).resolve().parent / "step_flows"


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="ivr-profile-") as work, databases.throwaway(args.db, Path(work)) as url:
        source.put_first_on_path(source.checkout(args.commit, Path(work)))
        print(f"code: {source.describe(args.commit)}")
        from ivr.config import Settings  # imported here: nothing of the app is built before we choose the database
        from ivr.web import create_app
        app = create_app(Settings.from_env({}, database_url=url, twilio_auth_token=TOKEN, log_level="WARNING",
                                           flows_dir=FLOWS))
        client, bare = app.test_client(), create_bare_app().test_client()
        send = stepper(client)
        start_call(client)
        full_ms = timed(send, args.steps)
        bare_ms = timed(stepper(bare), args.steps)
        parts = timed_parts(send, args.steps)
        print_report(args.db, full_ms, bare_ms, parts, args.steps)
        print_database_cpu(app.extensions["ivr"].engine, send, args.steps)
        if args.cprofile:
            profile(send, args.steps, args.cprofile)
        app.extensions["ivr"].engine.dispose()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--steps", type=int, default=2000, help="steps per measurement (max 100000)")
    parser.add_argument("--commit", help="profile this commit (exported with git archive) instead of the working tree")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="also print cProfile's top N by own time")
    args = parser.parse_args()
    if not 1 <= args.steps <= 100_000:
        parser.error("--steps 1..100000")
    return args


def start_call(client) -> None:
    post(client, "/voice", call_form(0, CallStatus="ringing"))  # bench/flows/menu.yaml waits at main_menu


def stepper(client):
    """The repeat-menu step of call 0, signed once so the client's own work stays small."""
    path, form = step_path(REPEAT_MENU["node"]), call_form(0, Digits=REPEAT_MENU["digits"])
    data, headers = body(form), Signer(TOKEN).headers(URL_BASE + path, form)
    return lambda: check(client.post(path, data=data, headers=headers), path)


def post(client, path: str, form: dict[str, str]):
    return check(client.post(path, data=body(form), headers=Signer(TOKEN).headers(URL_BASE + path, form)), path)


def check(answer, path: str):
    if answer.status_code != 200 or b"<Gather" not in answer.data:
        raise SystemExit(f"POST {path} answered {answer.status_code}: {answer.data[:300]!r}")
    return answer


def timed(send, steps: int) -> tuple[float, float]:
    """Wall and CPU milliseconds per call of `send` (CPU of this process only: not the database server's)."""
    for _ in range(min(200, steps)):
        send()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        send()
    return (time.perf_counter() - wall) * 1000 / steps, (time.process_time() - cpu) * 1000 / steps


def timed_parts(send, steps: int) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    with ExitStack() as stack:
        for module, attribute, label in PARTS:
            stack.enter_context(timing(module, attribute, label, totals))
        started = time.perf_counter()
        for _ in range(steps):
            send()
        totals[WHOLE] = time.perf_counter() - started
    return totals


@contextmanager
def timing(module_name: str, attribute: str, label: str, totals: dict[str, float]):
    """Wrap module.attribute with a timer for the duration of the block, then put the original back."""
    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part, None)
    original = getattr(owner, name, None)
    if original is None:
        print(f"(skipped {module_name}.{attribute}: not found)")
        yield
        return

    def timed_call(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started

    setattr(owner, name, timed_call)
    try:
        yield
    finally:
        setattr(owner, name, original)


def print_report(db: str, full: tuple[float, float], bare: tuple[float, float], parts: dict, steps: int) -> None:
    print(f"in-process, {db}, {steps} steps each (wall / CPU of this process per request):")
    print(f"  full step {full[0]:.3f} / {full[1]:.3f} ms; bare endpoint {bare[0]:.3f} / {bare[1]:.3f} ms;"
          f" ratio {full[0] / bare[0]:.1f}x wall, {full[1] / bare[1]:.1f}x CPU")
    per_step_ms = parts[WHOLE] * 1000 / steps
    print(f"a timed run of {steps} more steps, {per_step_ms:.3f} ms wall each (timers add a little):")
    accounted = 0.0
    for _, _, label in PARTS:
        ms = parts.get(label, 0.0) * 1000 / steps
        accounted += ms
        print(f"  {ms:7.3f} ms {ms / per_step_ms:5.0%}  {label}")
    rest = per_step_ms - accounted
    print(f"  {rest:7.3f} ms {rest / per_step_ms:5.0%}  the rest: Flask/Werkzeug request and response, test client")


def print_database_cpu(engine, send, steps: int) -> None:
    """PostgreSQL works in its own process: its CPU per step is not in the figures above."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:  # one request at a time: the pool hands out this same connection
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    before = cpu.process_s(pid)
    for _ in range(steps):
        send()
    print(f"  PostgreSQL backend {pid}: {(cpu.process_s(pid) - before) * 1000 / steps:.3f} ms CPU per step"
          f" (on top of the above; commit waits for the WAL flush)")


def profile(send, steps: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [send() for _ in range(steps)])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()

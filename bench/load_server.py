"""The servers the load benchmark measures: the README's production command on free loopback ports, a fresh
database (a new SQLite file, or a new PostgreSQL schema dropped afterwards) and the sample flows open all week.

The sample center is closed outside Seoul office hours, and a closed center sends every caller to voicemail, so the
benchmark serves a copy of flows/ whose main flow's `office_hours` node is open mon-sun 00:00-24:00 with no holidays
(the same nodes are evaluated; only the answer differs). Nothing else in the flows changes.
"""
from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
AUTH_TOKEN = "load-bench-auth-token"
API_TOKEN = "load-bench-api-token-" + "x" * 16
START_TIMEOUT_S = 180
STOP_TIMEOUT_S = 30
OPEN_HOURS = {"mon-sun": "00:00-24:00"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def open_flows(folder: Path) -> Path:
    """flows/ copied into `folder`, the main flow's office hours open all week (see the module's docstring)."""
    target = folder / "flows"
    shutil.copytree(ROOT / "flows", target)
    main = yaml.safe_load((target / "main.yaml").read_text(encoding="utf-8"))
    hours = main["nodes"]["office_hours"]
    if hours.get("kind") != "hours":
        raise RuntimeError("flows/main.yaml's office_hours node is no longer an hours node: update bench/load_server.py")
    hours.update(weekly=OPEN_HOURS, holidays=[], closures=[])
    (target / "main.yaml").write_text(yaml.safe_dump(main, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@contextmanager
def fresh_database(kind: str, folder: Path, postgres_url: str = POSTGRES_URL):
    """A SQLAlchemy URL of an empty database: a new SQLite file, or a new schema on PostgreSQL (dropped after)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'load.sqlite3'}"
        return
    if kind != "postgresql":
        raise ValueError(f"--database must be sqlite or postgresql, not {kind!r}")
    import psycopg

    schema = f"ivr_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class Server:
    """`gunicorn 'app:create_app()'` from the project folder: the committed gunicorn.conf.py (gevent, --preload,
    timers after fork), WEB_CONCURRENCY workers, bound to a free port."""

    def __init__(self, env: dict[str, str], log: Path, public_url: str | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = log
        self.env = {**env, "BIND": f"{HOST}:{self.port}", "PUBLIC_BASE_URL": public_url or self.url}
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "app:create_app()"]

    def __enter__(self) -> "Server":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; log {self.log}:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(f"{self.url}/api/health", timeout=5).read()
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S} s; log {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def server_env(database_url: str, flows: Path, folder: Path, workers: int, extra: dict[str, str]) -> dict[str, str]:
    """The production settings (README, *Running in production*) with a signing token and an API token."""
    import os

    env = {**os.environ, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "IVR_API_TOKEN": API_TOKEN,
           "IVR_SERVER_SECRET": secrets.token_hex(24), "FLOWS_DIR": str(flows), "TIMERS": "1",
           "WEB_CONCURRENCY": str(workers), "RECORDINGS_DIR": str(folder / "recordings"),
           "PROMPT_CACHE_DIR": str(folder / "prompts"), "IVR_SERVER_SECRET_FILE": str(folder / "secret_key")}
    env.pop("IVR_DEV_OPEN_API", None)
    return {**env, **extra}


@contextmanager
def started_servers(database: str, count: int, workers: int, extra_env: dict[str, str], public_port: int | None,
                    keep_dir: Path | None = None):
    """`count` servers on one fresh database, each signed for public_port (a proxy in front) or its own port.
    Yields (servers, database_url, folder)."""
    with ExitStack() as stack:
        folder = keep_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ivr-load-")))
        flows = open_flows(folder)
        database_url = stack.enter_context(fresh_database(database, folder))
        env = server_env(database_url, flows, folder, workers, extra_env)
        public = f"http://{HOST}:{public_port}" if public_port else None
        servers = []
        for index in range(count):  # one after another: the first applies the migrations
            servers.append(stack.enter_context(Server(env, folder / f"server{index + 1}.log", public)))
        yield servers, database_url, folder

"""The production command under test: `gunicorn 'app:create_app()'` run from the project folder (so it reads the
committed gunicorn.conf.py: gevent workers, --preload, timers after fork) on a free loopback port.

    with GunicornServer(env={"DATABASE_URL": url}, workers=2) as server:
        server.post("/voice", {...})

Extra gunicorn arguments may be given; the log is kept in a file and shown when the server fails to start.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
POSTGRES_URL = os.environ.get("IVR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")  # as conftest.py
HOST = "127.0.0.1"
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 20
QUIET_ENV = {"SPEECH": "off", "PROMPTS": "say", "LOG_LEVEL": "WARNING", "FLOWS_RELOAD_SECONDS": "0"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    seconds: float


class GunicornServer:
    """One gunicorn master with the project's config; a context manager that always stops it."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, args: tuple[str, ...] = (),
                 app: str = "app:create_app()"):
        self.port, self.log, self.workers, self.args, self.app = free_port(), log, workers, args, app
        self.env = {**os.environ, **QUIET_ENV, **env}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> "GunicornServer":
        command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
                   "--no-control-socket", *self.args, self.app]
        with open(self.log, "ab") as log:  # gunicorn's log and the app's, both on stderr
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the master stops its workers
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)

    def get(self, path: str, timeout_s: float = 30) -> Answer:
        return request(self.port, "GET", path, b"", {}, timeout_s)

    def post(self, path: str, form: dict, timeout_s: float = 30, headers: dict | None = None) -> Answer:
        body = urlencode(form).encode()
        return request(self.port, "POST", path, body,
                       {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}, timeout_s)

    def post_json(self, path: str, data: str, timeout_s: float = 30) -> Answer:
        return request(self.port, "POST", path, data.encode(), {"Content-Type": "application/json"}, timeout_s)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_text()[-4000:]}")
            try:
                self.get("/api/health", timeout_s=5)
                return
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S} s:\n{self.log_text()[-4000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes, headers: dict, timeout_s: float) -> Answer:
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", errors="replace")
        return Answer(answer.status, text, time.monotonic() - started)
    finally:
        connection.close()

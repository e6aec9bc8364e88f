"""gunicorn servers on free loopback ports, started and stopped by the bench, and plain HTTP to them."""
from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"  # the only load target the bench ever uses
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15
TROUBLE = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|WORKER TIMEOUT|answering the fallback")


@dataclass(frozen=True)
class GunicornSettings:
    """What both servers share, so that only the app differs."""

    workers: int = 4
    worker_class: str = "sync"
    threads: int = 1

    def args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args + ["--log-level", "warning", "--timeout", "30", "--graceful-timeout", "5"]

    def describe(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.workers} {self.worker_class} workers{threads}"


@dataclass(frozen=True)
class Response:
    status: int
    body: str


class Gunicorn:
    """One gunicorn master serving `app_spec` from `directory`; a context manager that always stops it."""

    def __init__(self, name: str, app_spec: str, directory: Path, settings: GunicornSettings, env: dict, log: Path):
        self.name, self.app_spec, self.directory, self.settings = name, app_spec, directory, settings
        self.env, self.log, self.port = env, log, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> "Gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}", "--chdir", str(self.directory),
                   "--error-logfile", str(self.log), *self.settings.args(), self.app_spec]
        self.process = subprocess.Popen(command, cwd=self.directory, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the master stops its own workers
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)

    def post(self, path: str, body: str, headers: dict[str, str]) -> Response:
        return request(self.port, "POST", path, body, headers)

    def trouble(self) -> list[str]:
        """Lines of the server log that report a fault (tracebacks, errors, worker timeouts)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if TROUBLE.search(line)]

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited at start:\n{self.log_tail()}")
            try:
                request(self.port, "GET", "/", "", {})
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not answer within {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 25) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: str, headers: dict[str, str]) -> Response:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(method, path, body=body.encode(), headers=headers)
        answer = connection.getresponse()
        return Response(answer.status, answer.read().decode("utf-8", errors="replace"))
    finally:
        connection.close()

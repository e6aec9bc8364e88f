"""A real `gunicorn --preload` server on a free port, started from this checkout's .venv, and signed calls to it.

gunicorn's own access log names the worker (pid) that served each request, matched to a request by a probe
header, and how long the request took: nothing in the app is changed to be seen from outside.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TOKEN = "fork-test-token"
ACCESS_FORMAT = "%(p)s %({x-probe}i)s %(s)s %(D)s"  # <pid> probe status microseconds
ACCESS_LINE = re.compile(r"^<(\d+)> (\S+) (\d{3}) (\d+)$")
BOOTED = re.compile(r"Booting worker with pid: (\d+)")


@dataclass(frozen=True)
class Served:
    """One request as gunicorn logged it."""

    pid: int
    status: int
    seconds: float


class GunicornServer:
    """Starts gunicorn in its own process group (so stopping it stops its workers and their renderers)."""

    def __init__(self, folder: Path, env: dict, workers: int = 2, threads: int = 2):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.access_log, self.error_log = folder / "access.log", folder / "error.log"
        command = [str(GUNICORN), "--preload", "-w", str(workers), "--threads", str(threads), "-b",
                   f"127.0.0.1:{self.port}", "--no-control-socket", "--timeout", "60",
                   "--access-logfile", str(self.access_log), "--access-logformat", ACCESS_FORMAT,
                   "--error-logfile", str(self.error_log), "app:create_app()"]
        full_env = {**os.environ, **env, "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": self.base_url}
        self.process = subprocess.Popen(command, cwd=ROOT, env=full_env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.workers = workers
        self.session = requests.Session()

    def wait_healthy(self, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.process.returncode}:\n{self.log_text()}")
            try:
                if requests.get(self.base_url + "/api/health", timeout=2).status_code == 200:
                    if len(self.worker_pids()) >= self.workers:
                        return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn not healthy after {timeout_s} s:\n{self.log_text()}")

    def post(self, path: str, params: dict, probe: str = "-", show_text: bool = True) -> requests.Response:
        """A webhook signed as Twilio signs it (the URL as the server's PUBLIC_BASE_URL says)."""
        url = self.base_url + path
        headers = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, params), "X-Probe": probe}
        if show_text:
            headers["X-IVR-Prompt-Text"] = "1"
        return self.session.post(url, data=params, headers=headers, timeout=30)

    def served(self) -> dict[str, Served]:
        """Each probe's request, as the access log tells it."""
        found = {}
        for line in _lines(self.access_log):
            match = ACCESS_LINE.match(line.strip())
            if match and match.group(2) != "-":
                found[match.group(2)] = Served(int(match.group(1)), int(match.group(3)), int(match.group(4)) / 1e6)
        return found

    def worker_pids(self) -> set[int]:
        return {int(pid) for pid in BOOTED.findall("\n".join(_lines(self.error_log)))}

    def log_text(self) -> str:
        return "\n".join(_lines(self.error_log)[-60:])

    def stop(self) -> None:
        """SIGTERM to the server's own process group, SIGKILL if it has not gone in 20 s."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

"""Where the server's time goes under load: py-spy samples gunicorn's master and workers during a measured step.

`bench/load.py --profile FILE` records the last step's measured window into FILE (py-spy's raw format: one line per
distinct stack, `frame;frame;... count`) and prints the frames of this project's code and the libraries it leans on,
by share of all samples: inclusive (the frame or anything it called) and own (the frame itself). py-spy samples
wall time of threads it does not judge idle: a worker blocked in a system call that is not a socket wait (flock on
SQLite's writer lock) counts as busy, so compare shares within one profile, not with CPU figures.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

LINE_NUMBER = re.compile(r":\d+\)$")
SHOWN = ("ivr/", "callqueue/", "recordings/", "speech/", "sqlalchemy/", "flask/", "werkzeug/", "gunicorn/", "psycopg/")


def py_spy() -> str | None:
    """The py-spy command next to this interpreter, or on PATH; None when it is not installed."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Recording:
    """py-spy recording a process tree for `seconds`, started now."""

    def __init__(self, command: str, pid: int, seconds: float, out: Path, rate: int = 200):
        self.out = out
        self.process = subprocess.Popen([command, "record", "--pid", str(pid), "--subprocesses", "--duration",
                                         str(max(1, int(seconds))), "--rate", str(rate), "--format", "raw",
                                         "--output", str(out), "--nonblocking"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def finish(self, timeout: float = 60) -> str:
        """Wait for py-spy; its error text when it wrote nothing."""
        _, err = self.process.communicate(timeout=timeout)
        return "" if self.out.exists() and self.out.stat().st_size else (err or "py-spy wrote nothing").strip()


def shares(raw: str) -> tuple[int, Counter, Counter]:
    """(samples, inclusive samples per frame, own samples per frame) of py-spy's raw output."""
    total, inclusive, own = 0, Counter(), Counter()
    for line in raw.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [LINE_NUMBER.sub(")", frame) for frame in stack.split(";")]
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)
    return total, inclusive, own


def summary(raw: str, top: int = 30) -> list[str]:
    """The `top` frames of the shown packages by inclusive share, with their own share."""
    total, inclusive, own = shares(raw)
    if not total:
        return ["no samples"]
    lines = [f"{'incl':>6} {'own':>6}  frame ({total} samples)"]
    frames = [f for f, _ in inclusive.most_common() if any(package in f for package in SHOWN)]
    for frame in frames[:top]:
        lines.append(f"{100 * inclusive[frame] / total:5.1f}% {100 * own[frame] / total:5.1f}%  {frame}")
    return lines

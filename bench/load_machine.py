"""CPU time from /proc: the server's processes, the load generator itself, everything else on the machine.

Linux only. A process's CPU is utime + stime of /proc/PID/stat (clock ticks); the machine's busy time is /proc/stat's
first line minus idle and iowait. What is left after the server, the generator and PostgreSQL is "other load":
other engineers' tests, editors, whatever shares the machine while we measure.
"""
from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None  # the process ended between listing and reading
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on; the name may hold spaces


def process_cpu_s(pid: int, with_reaped_children: bool = False) -> float:
    """utime + stime of one process (optionally + cutime + cstime: children it has waited for), in seconds."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks * TICK_S


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (gunicorn workers and the prompt renderers they start)."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def tree_cpu_s(pid: int) -> float:
    """A server's CPU: its master with the workers it already reaped, plus every live descendant."""
    return process_cpu_s(pid, with_reaped_children=True) + sum(process_cpu_s(child) for child in descendants(pid))


def named_cpu_s(name: str) -> float:
    """CPU of every process whose command is `name` (PostgreSQL's backends: shared with other users)."""
    total = 0.0
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if command == name:
                total += process_cpu_s(int(entry.name))
    return total


def generator_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy (all cores) since boot."""
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) * TICK_S


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = (PROC / "loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


@dataclass(frozen=True)
class Reading:
    """CPU counters at one moment; the difference of two readings is a step's usage."""

    server_s: float
    generator_s: float
    postgres_s: float
    machine_s: float

    @classmethod
    def now(cls, server_pids: list[int]) -> "Reading":
        return cls(sum(tree_cpu_s(pid) for pid in server_pids), generator_cpu_s(), named_cpu_s("postgres"),
                   machine_busy_s())

    def minus(self, earlier: "Reading") -> "Reading":
        return Reading(self.server_s - earlier.server_s, self.generator_s - earlier.generator_s,
                       self.postgres_s - earlier.postgres_s, self.machine_s - earlier.machine_s)

    @property
    def other_s(self) -> float:
        """Busy CPU that was neither the server, the generator nor PostgreSQL (other people's work)."""
        return max(0.0, self.machine_s - self.server_s - self.generator_s - self.postgres_s)

"""Who used the CPUs during a load run: all of them, and the bench's own processes (servers, wrk, database)."""
from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuShare:
    busy: float  # share of all CPUs busy
    other: float  # share of all CPUs used by processes that are not the bench's
    own_s: float  # CPU seconds of the bench's processes, its database processes and interrupt handling


def measured(work, database_pids: Callable[[], set[int]] = set):
    """work()'s result and how busy the CPUs were meanwhile; `database_pids()` names database processes that count as ours."""
    machine_before, own_before, reaped_before = _machine_ticks(), _own(database_pids()), _reaped_ticks()
    result = work()
    total, idle, interrupts = (a - b for a, b in zip(_machine_ticks(), machine_before))
    own_after = _own(database_pids())
    # A process that started during the run counts whole; one that ended (other than reaped children) is lost.
    live = sum(ticks - own_before.get(pid, 0) for pid, ticks in own_after.items())
    own = live + _reaped_ticks() - reaped_before + interrupts  # loopback TCP is mostly handled in softirq time
    busy = total - idle
    return result, CpuShare(busy / total, max(0.0, (busy - own) / total), own / TICKS_PER_S)


def process_s(pid: int) -> float:
    """CPU seconds process `pid` has used so far."""
    return _stat(Path(f"/proc/{pid}"))[1][2] / TICKS_PER_S


def _machine_ticks() -> tuple[int, int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4], fields[5] + fields[6]  # all, idle + iowait, irq + softirq


def _own(database_pids: set[int]) -> dict[int, int]:
    """CPU ticks so far of this process, its live descendants and the given database processes."""
    stats = dict(filter(None, map(_stat, Path("/proc").glob("[0-9]*"))))
    ours = _descendants(os.getpid(), stats) | database_pids
    return {pid: ticks for pid, (_, _, ticks) in stats.items() if pid in ours}


def _reaped_ticks() -> float:
    """Children that ended and were waited for, such as wrk."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * TICKS_PER_S


def _descendants(root: int, stats: dict) -> set[int]:
    found, grew = {root}, True
    while grew:
        more = {pid for pid, (ppid, _, _) in stats.items() if ppid in found} - found
        found |= more
        grew = bool(more)
    return found


def _stat(path: Path):
    try:
        text = (path / "stat").read_text()
    except OSError:  # the process ended while we looked
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return int(path.name), (int(fields[1]), comm, int(fields[11]) + int(fields[12]))  # ppid, name, utime + stime

"""The figures of one ramp step of bench/load.py, and the lines it prints."""
from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


GOAL_P99_MS = 100.0            # issue 14's goal for a step: p99 under 100 ms with no error
CPU_SPENT = 0.85               # share of all cores busy from which the CPU counts as spent (loopback's kernel work
#                                is not all counted in /proc/stat's busy time)
GENERATOR_SATURATED_PCT = 90.0  # the asyncio generator runs on one core


@dataclass(frozen=True)
class StepReport:
    """One step: CPU shares are in % of one core (the machine has os.cpu_count() cores)."""

    callers: int
    seconds: float
    requests: int
    errors: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms_per_request: float
    server_cpu_pct: float
    generator_cpu_pct: float
    postgres_cpu_pct: float
    other_cpu_pct: float
    load_1m: float

    @classmethod
    def of(cls, callers: int, samples: list, begun: float, ended: float, usage, load: tuple) -> "StepReport":
        window = [s for s in samples if begun <= s.done_at < ended]
        latencies = sorted(s.seconds * 1000 for s in window)
        seconds, count = ended - begun, len(window)
        return cls(callers, round(seconds, 1), count, sum(1 for s in window if s.error),
                   count / seconds, percentile(latencies, 0.50), percentile(latencies, 0.95),
                   percentile(latencies, 0.99), latencies[-1] if latencies else float("nan"),
                   usage.server_s * 1000 / count if count else float("nan"), 100 * usage.server_s / seconds,
                   100 * usage.generator_s / seconds, max(0.0, 100 * usage.postgres_s / seconds),
                   100 * usage.other_s / seconds, load[0])

    def line(self) -> str:
        return (f"{self.callers:>6} {self.requests_per_s:>7.1f} {self.p50_ms:>8.1f} {self.p95_ms:>8.1f} "
                f"{self.p99_ms:>8.1f} {self.errors:>6} {self.server_cpu_ms_per_request:>7.2f} "
                f"{self.server_cpu_pct:>6.0f}% {self.generator_cpu_pct:>6.0f}% {self.postgres_cpu_pct:>6.0f}% "
                f"{self.other_cpu_pct:>6.0f}% {self.load_1m:>6.2f}")

    def as_dict(self) -> dict:
        return asdict(self) | {"ran_out": self.ran_out()}

    def ran_out(self, goal_p99_ms: float = GOAL_P99_MS, cores: int | None = None) -> str:
        """Which resource ran out when the step missed the goal (p99 under `goal_p99_ms`, no errors); "" when met.

        The machine's CPU is spent when the server, the generator, PostgreSQL and everything else together use
        nearly every core; the generator alone near one core means the figures are the generator's. Otherwise the
        server waited on something that is not CPU (a lock, the database, its own workers)."""
        if self.errors == 0 and self.p99_ms < goal_p99_ms:
            return ""
        capacity = 100.0 * (cores or os.cpu_count() or 1)
        busy = self.server_cpu_pct + self.generator_cpu_pct + self.postgres_cpu_pct + self.other_cpu_pct
        if self.generator_cpu_pct >= GENERATOR_SATURATED_PCT:
            return f"the load generator ({self.generator_cpu_pct:.0f}% of a core): not the server's figure"
        if busy >= CPU_SPENT * capacity:
            others = self.generator_cpu_pct + self.postgres_cpu_pct + self.other_cpu_pct
            return (f"CPU: {busy:.0f}% of {capacity:.0f}% busy (server {self.server_cpu_pct:.0f}%, "
                    f"generator + postgres + other {others:.0f}%)")
        return f"not CPU ({busy:.0f}% of {capacity:.0f}% busy): the server waited (locks, database, workers)"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header(args, servers) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    extra = " ".join(f"{k}={v}" for k, v in sorted(getattr(args, "extra_env", {}).items()))
    target = args.url or (f"{len(servers)} x gunicorn (gunicorn.conf.py, {args.workers} workers"
                          f"{', ' + extra if extra else ''}) on {args.database}")
    return "\n".join([
        f"# machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; commit {commit()}",
        f"# target: {target}; mix {args.mix}; think {args.think_s[0]:g}-{args.think_s[1]:g} s; "
        f"hold {args.hold:g} s (first {args.settle:g} s not measured)",
        "# CPU columns in % of one core; server = gunicorn master + workers (+ the proxy with --servers 2); "
        "postgres = every postgres process on the machine; other = the rest of the machine's busy time",
        f"{'callers':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'srv ms/r':>7} "
        f"{'server':>7} {'gen':>7} {'pg':>7} {'other':>7} {'load1':>6}",
    ])

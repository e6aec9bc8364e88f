"""The figures of a step bench: one row per side and round, the full/bare ratios, and every doubt about them."""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from step_cpu import CpuShare
from step_wrk import LoadResult

GOAL = 3.0
EVENTS_PER_STEP = 2  # digits_entered + node_entered for main_menu's option 9
OTHER_CPU_LIMIT = 0.05  # other programs' CPU share above which a round is marked noisy


@dataclass(frozen=True)
class Side:
    result: LoadResult
    cpu: CpuShare

    @property
    def cpu_ms(self) -> float:
        """CPU per request of everything the bench runs (server, wrk, database, interrupts): others' load aside."""
        return self.cpu.own_s * 1000 / max(self.result.requests, 1)


@dataclass(frozen=True)
class Round:
    bare: Side
    full: Side
    events: int  # event rows the full side wrote during its run

    @property
    def cost(self) -> float:
        return self.bare.result.rps / self.full.result.rps

    @property
    def cpu_cost(self) -> float:
        return self.full.cpu_ms / self.bare.cpu_ms

    def clean(self) -> bool:
        # wrk stops counting with requests still in flight, so a few more steps than counted may be logged.
        extra_events = self.events - EVENTS_PER_STEP * self.full.result.requests
        return not (self.bare.result.failures or self.full.result.failures) and 0 <= extra_events <= 2048


def print_report(rounds: list[Round], trouble: dict[str, list[str]], body_bytes: int) -> None:
    print(f"\nresponse body {body_bytes} bytes on both sides; CPU: share of all CPUs busy, used by other programs,"
          f" and CPU ms per request of the servers, wrk, our database processes and interrupts together\n")
    print(f"{'':8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'requests':>9} {'non-2xx':>7} {'sockerr':>7}"
          f" {'notmenu':>7} {'CPU':>5} {'other':>5} {'CPUms/req':>9}")
    for number, one in enumerate(rounds, 1):
        for name, side in (("bare", one.bare), ("full", one.full)):
            print(_row(f"{name}{'' if len(rounds) == 1 else f' #{number}'}", side))
    for number, one in enumerate(rounds, 1):
        print(_ratios(one, "" if len(rounds) == 1 else f" #{number}"))
    cost = median(one.cost for one in rounds)
    if len(rounds) > 1:
        print(f"median over {len(rounds)} rounds: cost {cost:.2f}x, CPU per request"
              f" {median(one.cpu_cost for one in rounds):.2f}x")
    print(f"goal <= {GOAL:.0f}x: {'met' if cost <= GOAL else 'MISSED'}")
    _print_doubts(rounds, trouble)


def _row(name: str, side: Side) -> str:
    r = side.result
    return (f"{name:8} {r.rps:8.0f} {r.p50_ms:7.2f} {r.p99_ms:7.2f} {r.requests:9d} {r.non2xx:7d} {r.socket_errors:7d}"
            f" {r.not_menu:7d} {side.cpu.busy:5.0%} {side.cpu.other:5.0%} {side.cpu_ms:9.2f}")


def _ratios(one: Round, label: str) -> str:
    bare, full = one.bare.result, one.full.result
    return (f"ratio full/bare{label}: cost per request {one.cost:.2f}x (bare req/s / full req/s),"
            f" p50 {full.p50_ms / bare.p50_ms:.2f}x, p99 {full.p99_ms / bare.p99_ms:.2f}x, CPU per request {one.cpu_cost:.2f}x;"
            f" {one.events} event rows = {one.events / max(full.requests, 1):.2f} per request ({EVENTS_PER_STEP} expected)")


def _print_doubts(rounds: list[Round], trouble: dict[str, list[str]]) -> None:
    for name, lines in trouble.items():
        if lines:
            print(f"WARNING: {len(lines)} fault lines in the {name} server's log, first: {lines[0]}")
    if not all(one.clean() for one in rounds):
        print("WARNING: some requests failed or did no work; these figures are not a clean benchmark")
    if any(side.cpu.other > OTHER_CPU_LIMIT for one in rounds for side in (one.bare, one.full)):
        print(f"WARNING: other programs used more than {OTHER_CPU_LIMIT:.0%} of the CPUs during a run: figures are noisy")

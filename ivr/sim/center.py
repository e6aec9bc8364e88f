"""A small call center run in-process on a virtual clock: callers arrive at random, walk the menu, wait in the
queues, talk to simulated agents and hang up; minutes of traffic take seconds.

`run_remote` plays the same callers against a running server over HTTP, in real time.

Every caller is a thread playing an ordinary simulated call against the app. Time passes only when every
thread is waiting (in a queue, on hold, talking): VirtualTime then moves the app's FakeClock to the earliest
wake-up and lets those threads go on, so concurrent callers share one consistent clock.
"""
from __future__ import annotations

import heapq
import itertools
import random
import threading
from dataclasses import dataclass, field
from time import sleep

from ..clock import SystemClock

from .caller import ScriptedCaller
from .runner import CallOptions, SimulatedCall
from .transport import FlaskTransport, HttpTransport

# Menu paths: (language key, main-menu key, survey answers); 2 = English, 1 = Korean.
PATHS = [("2", "2"), ("1", "2"), ("2", "3"), ("1", "3"), ("1", "0"), ("2", "0")]


class VirtualTime:
    """Threads sleep on a shared FakeClock; the clock jumps ahead only when no thread is running."""

    def __init__(self, clock):
        self.clock, self.cond = clock, threading.Condition()
        self.running, self.sleepers, self.order = 0, [], itertools.count()
        self.threads: list[threading.Thread] = []

    def spawn(self, fn, *args) -> None:
        with self.cond:
            self.running += 1
        thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _run(self, fn, args) -> None:
        try:
            fn(*args)
        finally:
            with self.cond:
                self.running -= 1
                self.cond.notify_all()

    def sleep(self, seconds: float) -> None:
        wake = threading.Event()
        with self.cond:
            heapq.heappush(self.sleepers, (self.clock.now().timestamp() + seconds, next(self.order), wake))
            self.running -= 1
            self.cond.notify_all()
        wake.wait()

    def run(self) -> None:
        """Advance time until every thread has finished."""
        while True:
            with self.cond:
                self.cond.wait_for(lambda: self.running == 0)
                if not self.sleepers:
                    return
                at, _, wake = heapq.heappop(self.sleepers)
                self.clock.advance(max(0.0, at - self.clock.now().timestamp()))
                self.running += 1
            wake.set()


@dataclass
class CenterRun:
    """What happened: one line per call, in the order they ended."""

    lines: list[str] = field(default_factory=list)
    calls: int = 0
    errors: int = 0


def run_center(app, agents, minutes: float, per_minute: float, seed: int = 1, patience_s: float = 180,
               auth_token: str = "", on_line=None) -> CenterRun:
    """Callers arrive (Poisson, `per_minute`) for `minutes`, each with its own patience; agents answer their calls."""
    clock = app.extensions["ivr"].clock
    time, rng, run = VirtualTime(clock), random.Random(seed), CenterRun()
    lock = threading.Lock()

    def one_call(number: int, keys: list[str], patience: float) -> None:
        options = CallOptions(from_number=f"+8210{number:08d}", auth_token=auth_token, agents=tuple(agents),
                              queue_patience_s=patience, max_requests=400)
        result = SimulatedCall(FlaskTransport(app), ScriptedCaller(keys), options, clock, None, time.sleep).run()
        line = _summary(number, keys, result, clock)
        with lock:
            run.lines.append(line)
            run.errors += bool(result.error)
            if on_line:
                on_line(line)

    def arrivals() -> None:
        elapsed, number = 0.0, 0
        while True:
            gap = rng.expovariate(per_minute / 60)
            if elapsed + gap > minutes * 60:
                return
            time.sleep(gap)
            elapsed, number = elapsed + gap, number + 1
            language, key = rng.choice(PATHS)
            run.calls += 1
            time.spawn(one_call, number, [language, key, rng.choice("12"), rng.choice("345")], rng.expovariate(1 / patience_s))

    time.spawn(arrivals)
    time.run()
    return run


def run_remote(base_url: str, agents, minutes: float, per_minute: float, seed: int = 1, patience_s: float = 180,
                auth_token: str = "", public_url: str = "", on_line=None) -> CenterRun:
    """The same callers against a running server at `base_url`, in real time: each call is a thread sending signed
    webhooks over HTTP (with `auth_token`; `public_url` is the URL the server signs against, PUBLIC_BASE_URL),
    sleeping for real while it waits or talks, so a supervisor watches the board move."""
    rng, run, lock = random.Random(seed), CenterRun(), threading.Lock()
    threads: list[threading.Thread] = []
    clock = SystemClock()

    def one_call(number: int, keys: list[str], patience: float) -> None:
        options = CallOptions(from_number=f"+8210{number:08d}", auth_token=auth_token, public_url=public_url,
                              agents=tuple(agents), queue_patience_s=patience, max_requests=400)
        result = SimulatedCall(HttpTransport(base_url), ScriptedCaller(keys), options, clock, None, sleep).run()
        line = _summary(number, keys, result, clock)
        with lock:
            run.lines.append(line)
            run.errors += bool(result.error)
            if on_line:
                on_line(line)

    elapsed, number = 0.0, 0
    while True:
        gap = rng.expovariate(per_minute / 60)
        if elapsed + gap > minutes * 60:
            break
        sleep(gap)
        elapsed, number = elapsed + gap, number + 1
        language, key = rng.choice(PATHS)
        run.calls += 1
        thread = threading.Thread(target=one_call, daemon=True, args=(
            number, [language, key, rng.choice("12"), rng.choice("345")], rng.expovariate(1 / patience_s)))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return run


def _summary(number: int, keys: list[str], result, clock) -> str:
    agent = next((line.split()[2] for line in result.lines if line.startswith("☎ dial ") and line.endswith("completed")), None)
    outcome = f"answered by {agent}" if agent else "hung up waiting" if "caller hung up in the queue" == result.end_reason else result.end_reason
    path = {"2": "billing", "3": "support", "0": "agent"}.get(keys[1], keys[1])
    language = "en" if keys[0] == "2" else "ko"
    return f"{clock.now():%H:%M:%S} caller {number:3} ({language}, {path:7}) {outcome}{' ✖ ' + result.error if result.error else ''}"

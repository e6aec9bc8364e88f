"""Erlang C: waiting probability, average speed of answer, service level and staffing for a call load.

The model is M/M/c: Poisson arrivals at `arrivals_per_s`, exponential handle times averaging
`handle_s`, `agents` servers, callers who never give up. Erlang B comes from its recursion
B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)), which never forms A^n or n!, so it stays exact for
tens of thousands of agents; Erlang C follows as C = n·B / (n − A·(1 − B)).
"""
from __future__ import annotations

import math
from typing import Iterator


def traffic_erlangs(arrivals_per_s: float, handle_s: float) -> float:
    """Offered load A in Erlangs: arrivals per second times seconds of work each."""
    return arrivals_per_s * handle_s


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of `agents` servers offered `traffic` Erlangs (no queue)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller has to wait; 1 when the agents cannot keep up (agents <= traffic)."""
    if agents <= traffic:
        return 1.0
    return _c_from_b(agents, traffic, erlang_b(agents, traffic))


def _c_from_b(agents: int, traffic: float, blocking: float) -> float:
    return agents * blocking / (agents - traffic * (1 - blocking))


def probability_of_waiting(agents: int, arrivals_per_s: float, handle_s: float) -> float:
    """Share of callers who find every agent busy."""
    return erlang_c(agents, traffic_erlangs(arrivals_per_s, handle_s))


def average_speed_of_answer_s(agents: int, arrivals_per_s: float, handle_s: float) -> float:
    """Mean wait over all callers (those answered at once count 0): C·h / (n − A); infinite when overloaded."""
    traffic = traffic_erlangs(arrivals_per_s, handle_s)
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * handle_s / (agents - traffic)


def service_level(agents: int, arrivals_per_s: float, handle_s: float, target_s: float) -> float:
    """Share of callers answered within `target_s`: 1 − C·e^(−(n − A)·t / h)."""
    traffic = traffic_erlangs(arrivals_per_s, handle_s)
    if agents <= traffic:
        return 0.0
    return _level(agents, traffic, erlang_c(agents, traffic), handle_s, target_s)


def _level(agents: int, traffic: float, waiting: float, handle_s: float, target_s: float) -> float:
    return 1 - waiting * math.exp(-(agents - traffic) * target_s / handle_s)


def agents_needed(arrivals_per_s: float, handle_s: float, target_s: float, level: float = 0.8) -> int:
    """The fewest agents that answer `level` of callers within `target_s` (say 80% in 20 s).

    Walks the Erlang B recursion upward once, so the cost grows with the answer, not its square.
    """
    if not 0 < level < 1:
        raise ValueError(f"level {level} must be between 0 and 1 (0.8 for 80%)")
    traffic = traffic_erlangs(arrivals_per_s, handle_s)
    for agents, blocking in _erlang_b_series(traffic):
        if agents > traffic:
            waiting = _c_from_b(agents, traffic, blocking)
            if _level(agents, traffic, waiting, handle_s, target_s) >= level:
                return agents
    raise AssertionError("unreachable: the series is endless")


def _erlang_b_series(traffic: float) -> Iterator[tuple[int, float]]:
    blocking, agents = 1.0, 0
    while True:
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)
        yield agents, blocking

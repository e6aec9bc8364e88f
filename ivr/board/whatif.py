"""What-if staffing: Erlang C and the project's own simulation for a queue at today's measured load.

The load is today's: arrivals per second since the day began (in the center's time zone) and the mean handle time
of today's answered calls (180 s before any). Erlang C answers "how many agents for target_pct % within target_s"
and "what service level with N agents"; the simulation (callqueue/simulation.py, M/M/c with the real router) runs
the same load with those agents for SIM_CALLS callers, seeded, so the answer is the same each time it is asked.
"""
from __future__ import annotations

from callqueue import erlang
from callqueue.simulation import SimulationSettings, simulate

from .errors import BadRequest
from .figures import rounded

SIM_CALLS = 2000
SIM_WARM_UP = 200
MAX_AGENTS = 500


def whatif(arrivals_per_s: float, handle_s: float, target_s: float, target_pct: float, agents: int | None,
           staffed_now: int) -> dict:
    """Agents needed for the target, and the service level with `agents` (default: that many), by Erlang C and by
    simulation; `staffed_now` is shown beside them."""
    if not 0 < target_pct < 100:
        raise BadRequest("target_pct must be above 0 and below 100 (80 for 80 %)")
    if target_s <= 0:
        raise BadRequest("target_s must be above 0 seconds")
    body = {"arrivals_per_hour": rounded(arrivals_per_s * 3600), "handle_s": rounded(handle_s),
            "traffic_erlangs": rounded(arrivals_per_s * handle_s, 3), "target_s": target_s, "target_pct": target_pct,
            "staffed_now": staffed_now, "agents_needed": None, "agents": agents, "erlang_c": None, "simulation": None}
    if arrivals_per_s <= 0:
        body["note"] = "no calls today yet: no load to staff for"
        return body
    needed = erlang.agents_needed(arrivals_per_s, handle_s, target_s, target_pct / 100)
    n = agents if agents is not None else needed
    if n > MAX_AGENTS:
        raise BadRequest(f"agents must be at most {MAX_AGENTS}")
    body.update(agents_needed=needed, agents=n, erlang_c=erlang_at(n, arrivals_per_s, handle_s, target_s),
                simulation=simulated(n, arrivals_per_s, handle_s, target_s))
    return body


def erlang_at(agents: int, arrivals_per_s: float, handle_s: float, target_s: float) -> dict:
    return {"service_level": rounded(erlang.service_level(agents, arrivals_per_s, handle_s, target_s), 3),
            "probability_of_waiting": rounded(erlang.probability_of_waiting(agents, arrivals_per_s, handle_s), 3),
            "asa_s": rounded(erlang.average_speed_of_answer_s(agents, arrivals_per_s, handle_s)),
            "occupancy": rounded(min(1.0, arrivals_per_s * handle_s / agents), 3) if agents else None}


def simulated(agents: int, arrivals_per_s: float, handle_s: float, target_s: float) -> dict | None:
    """The simulation's service level and ASA; None when the agents cannot keep up (the line grows without end)."""
    if agents <= 0 or agents <= arrivals_per_s * handle_s:
        return None
    result = simulate(SimulationSettings(arrivals_per_s, handle_s, agents, calls=SIM_CALLS, seed=1,
                                         service_level_s=target_s, warm_up_calls=SIM_WARM_UP))
    stats = result.stats
    return {"calls": stats.offered, "service_level": rounded(stats.service_level, 3),
            "asa_s": rounded(stats.average_speed_of_answer_s), "longest_wait_s": rounded(stats.longest_wait_s)}

"""The indexed router agrees with the plainest possible router on random floors, for every strategy."""
from __future__ import annotations

import random

import pytest

from callqueue import model
from callqueue.index import AgentIndex
from callqueue.matching import requirement
from callqueue.model import AgentStatus
from callqueue.routing import route
from callqueue.waiting import WaitingLine

from queue_builders import T0, agent, caller, floor_config

SKILLS = ["billing", "support", "ko", "en"]
STRATEGIES = ["longest_idle", "fewest_calls", "highest_skill", "round_robin"]


def plain_route(entries, agents, config, now) -> list[tuple[str, str]]:
    """Every waiting caller in order takes the best untaken available agent, by brute force."""
    taken, chosen = set(), []
    for entry in sorted(entries, key=lambda e: (-e.priority, e.enqueued_at, e.call_id)):
        strategy = config.queues[entry.queue].strategy
        fits = [(a, alt) for a in agents if a.status is AgentStatus.AVAILABLE and a.id not in taken
                for alt in _first_fit(a, requirement(entry, config, now))]
        if fits:
            best = min(fits, key=lambda fit: _rule(strategy, *fit))[0]
            taken.add(best.id)
            chosen.append((entry.call_id, best.id))
    return chosen


def _first_fit(agent, req):
    return [alt for alt in req.alternatives
            if all(agent.skills.get(skill, 0) >= level for skill, level in alt.skills)][:1]


def _rule(strategy, agent, alt):
    if strategy == "fewest_calls":
        return agent.calls_today, agent.idle_since, agent.id
    if strategy == "highest_skill":
        return -sum(agent.skills.get(skill, 0) for skill, _ in alt.skills), agent.idle_since, agent.id
    if strategy == "round_robin":
        return (agent.last_assigned_at or T0.replace(year=1970)), agent.id
    return agent.idle_since, agent.id


def random_floor(rng: random.Random):
    statuses = ["available"] * 4 + ["busy", "offline", "break", "wrap_up", "missed"]
    agents = [agent(f"a{i}", {s: rng.randint(1, 10) for s in rng.sample(SKILLS, rng.randint(0, 4))},
                    rng.choice(statuses), idle_s=-rng.randint(0, 900), calls=rng.randint(0, 5),
                    assigned_s=rng.choice([None, -rng.randint(0, 900)]))
              for i in range(rng.randint(0, 40))]
    entries = [caller(f"c{i}", rng.choice(["billing", "support", "general"]), waited_s=rng.randint(0, 200),
                      priority=rng.randint(0, 2), skills=rng.choice([{}, {"ko": 1}, {"en": 1}, {"ko": 5}]))
               for i in range(rng.randint(0, 30))]
    return agents, entries


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_the_indexed_router_matches_brute_force_on_random_floors(strategy):
    rng = random.Random(strategy)
    for _ in range(150):
        agents, entries = random_floor(rng)
        config = floor_config(strategy)
        expected = plain_route(entries, agents, config, T0)
        for line in (entries, WaitingLine(entries)):
            assert [(a.call_id, a.agent_id) for a in route(line, AgentIndex(agents), config, T0)] == expected


def test_an_index_kept_up_to_date_move_by_move_matches_a_fresh_one():
    rng = random.Random(7)
    agents, _ = random_floor(rng)
    index = AgentIndex(agents)
    for step in range(300):
        index.put(_random_move(rng, rng.choice(list(index)), step))
    assert _orders(index) == _orders(AgentIndex(list(index)))


def _orders(index: AgentIndex) -> list[list[str]]:
    orders = [*STRATEGIES[:2], STRATEGIES[3]]
    lists = [index.ordered(skill, order) for skill in ["", *SKILLS] for order in orders]
    lists += [index.ordered(skill, "level") for skill in SKILLS]
    return [[a.id for a in agents] for agents in lists]


def _random_move(rng, someone, step):
    now = T0.replace(minute=step % 60, hour=9 + step // 60)
    moves = {
        AgentStatus.AVAILABLE: lambda a: model.offer(a, f"c{step}", now),
        AgentStatus.RESERVED: lambda a: rng.choice([model.answer, model.miss, model.withdraw])(a, now),
        AgentStatus.BUSY: lambda a: model.hang_up(a, now, rng.choice([0, 30])),
        AgentStatus.WRAP_UP: lambda a: model.end_wrap_up(a, now),
    }
    move = moves.get(someone.status, lambda a: model.set_status(a, rng.choice(["available", "break"]), now))
    return move(someone)

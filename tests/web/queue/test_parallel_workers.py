"""Four processes route one floor at once (SQLite file and PostgreSQL): no agent ever holds two calls at a time,
no caller is ever offered to two agents at a time, and every caller is served."""
from __future__ import annotations

import multiprocessing
from collections import defaultdict

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from callqueue.tables import AgentRow, AssignmentRow, QueueEntryRow
from ivr.db import make_engine

from parallel_floor import build_floor, work

WORKERS, AGENTS, CALLERS = 4, 30, 300


def overlaps(assignments: list[AssignmentRow]) -> list[tuple[int, int]]:
    """Pairs of assignments of one holder whose [offered, released) intervals overlap."""
    clashes = []
    ordered = sorted(assignments, key=lambda a: (a.offered_at, a.id))
    for before, after in zip(ordered, ordered[1:]):
        if before.released_at is None or after.offered_at < before.released_at:
            clashes.append((before.id, after.id))
    return clashes


@pytest.mark.slow
@pytest.mark.parametrize("few_agents", [100, 0], ids=["agents-in-memory", "agents-from-lists"])
def test_parallel_workers_never_give_an_agent_two_calls_or_a_call_two_agents(database_url, few_agents):
    build_floor(database_url, AGENTS, CALLERS)
    context = multiprocessing.get_context("fork")
    with context.Pool(WORKERS) as pool:
        pool.starmap(work, [(database_url, f"w{i}", 120, i, few_agents) for i in range(WORKERS)])
    engine = make_engine(database_url)
    with sessionmaker(engine)() as session:
        assignments = list(session.scalars(select(AssignmentRow)))
        entries = list(session.scalars(select(QueueEntryRow)))
        agents = list(session.scalars(select(AgentRow)))
    engine.dispose()
    by_agent, by_entry = defaultdict(list), defaultdict(list)
    for a in assignments:
        by_agent[a.agent_id].append(a)
        by_entry[a.entry_id].append(a)
    assert len(assignments) > CALLERS  # every caller, and again after each missed offer
    assert len({a.worker for a in assignments}) >= 2  # they really routed side by side
    assert {agent: overlaps(rows) for agent, rows in by_agent.items() if overlaps(rows)} == {}
    assert {entry: overlaps(rows) for entry, rows in by_entry.items() if overlaps(rows)} == {}
    assert {e.status for e in entries} == {"completed"}
    assert {a.status for a in agents} == {"available"}
    assert all(a.outcome in ("answered", "missed") for a in assignments)

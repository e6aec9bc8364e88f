"""Routing from the database's agent lists (routing_agents) decides exactly as the in-memory index, on SQLite and
PostgreSQL: the same agents for the same callers, with the same why (rule, requirement, candidates, skipped)."""
from __future__ import annotations

import dataclasses
import sys
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "callqueue"))

from callqueue import model  # noqa: E402
from callqueue.agent_lists import relist_all  # noqa: E402
from callqueue.index import AgentIndex  # noqa: E402
from callqueue.model import Agent, AgentStatus, QueueEntry  # noqa: E402
from callqueue.repository import SqlAlchemyQueueRepository  # noqa: E402
from callqueue.routing import route  # noqa: E402
from callqueue.tables import AgentRow, AgentStatusLogRow, RoutingAgentRow, RoutingCountRow  # noqa: E402
from ivr.db import downgrade, make_engine, upgrade  # noqa: E402
from queue_builders import floor_config  # noqa: E402

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
SKILLS = ["billing", "support", "ko", "en"]
STATUSES = ["available"] * 4 + ["busy", "offline", "break", "wrap_up"]
FUZZ = hypothesis_settings(max_examples=40, deadline=None, derandomize=True,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

moments = st.one_of(st.none(), st.integers(-900, 0).map(lambda s: T0 + timedelta(seconds=s)))
agents = st.lists(st.builds(
    lambda skills, status, idle, calls, assigned: (skills, status, idle, calls, assigned),
    st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 10), max_size=4), st.sampled_from(STATUSES),
    st.integers(-300, 0).map(lambda s: T0 + timedelta(seconds=s * 3)), st.integers(0, 4), moments), max_size=30)
callers = st.lists(st.tuples(st.sampled_from(["billing", "support", "general"]), st.integers(0, 200), st.integers(0, 2),
                             st.sampled_from([{}, {"ko": 1}, {"en": 1}, {"ko": 5}, {"billing": 8}])), max_size=20)


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def floor(specs) -> list[Agent]:
    # ids that sort differently by code point than by a language's collation ("B" < "a" < "a_" < "ab")
    names = ["a", "B", "a_", "ab", "Z9", "z"]
    return [Agent(f"{names[i % len(names)]}{i:02d}", "", "", skills, AgentStatus(status), idle, idle, calls, assigned)
            for i, (skills, status, idle, calls, assigned) in enumerate(specs)]


def waiting(specs) -> list[QueueEntry]:
    return [QueueEntry(str(i + 1), queue, T0 - timedelta(seconds=waited), priority, skills)
            for i, (queue, waited, priority, skills) in enumerate(specs)]


def seat(session, floor_agents: list[Agent]) -> SqlAlchemyQueueRepository:
    for table in (RoutingAgentRow, AgentStatusLogRow, AgentRow):
        session.execute(delete(table))
    repo = SqlAlchemyQueueRepository(session)
    for agent in floor_agents:
        repo.add_agent(agent, T0)
    return repo


def decisions(assignments) -> list[tuple]:
    return [(a.call_id, a.agent_id, a.why.rule, a.why.requirement, [(c.agent_id, c.via, c.score) for c in a.why.candidates],
             list(a.why.skipped)) for a in assignments]


@pytest.mark.parametrize("strategy", ["longest_idle", "fewest_calls", "highest_skill", "round_robin"])
def test_database_lists_route_every_caller_as_the_index_does(sessions, strategy):
    @FUZZ
    @given(agents, callers)
    def check(agent_specs, caller_specs):
        config, floor_agents, entries = floor_config(strategy), floor(agent_specs), waiting(caller_specs)
        with sessions() as session:
            repo = seat(session, floor_agents)
            expected = decisions(route(entries, AgentIndex(floor_agents), config, T0))
            assert decisions(route(entries, repo.listed_agents(), config, T0)) == expected
            session.rollback()
    check()


def test_an_agent_leaves_the_lists_when_offered_and_returns_when_available_again(sessions):
    with sessions() as session:
        repo = seat(session, floor([({"billing": 7}, "available", T0, 0, None), ({"billing": 9}, "busy", T0, 0, None)]))
        listed = lambda: sorted(session.scalars(select(RoutingAgentRow.skill).where(RoutingAgentRow.agent_id == "a00")))
        assert listed() == ["", "billing"]
        offered = model.offer(repo.agent("a00"), "1", T0)
        repo.save_agent(offered, T0)
        assert listed() == [] and repo.listed_agents().count() == 0
        repo.save_agent(model.withdraw(offered, T0), T0)
        assert listed() == ["", "billing"] and repo.listed_agents().count("billing") == 1


def test_rebuilding_the_lists_from_the_agents_table_matches_what_saves_wrote(sessions):
    specs = [({"ko": 3, "en": 5}, "available", T0, 2, T0), ({}, "available", T0, 0, None), ({"ko": 1}, "break", T0, 0, None)]
    rows = lambda session: sorted(session.execute(select(RoutingAgentRow.skill, RoutingAgentRow.agent_id, RoutingAgentRow.rank,
                                                         RoutingAgentRow.calls_today)).all())
    with sessions() as session:
        seat(session, floor(specs))
        written = rows(session)
        assert relist_all(session.connection()) == 4
        assert rows(session) == written and len(written) == 4


def chosen(assignments) -> list[str]:
    return [a.agent_id for a in assignments]


def test_an_agent_changed_after_it_was_read_is_refused_and_the_caller_decided_again_without_it(sessions):
    specs = [({"billing": 9}, "available", T0, 0, None), ({"billing": 7}, "available", T0, 0, None)]
    config, caller = floor_config("highest_skill"), waiting([("billing", 0, 0, {})])
    with sessions() as session:
        repo = seat(session, floor(specs))
        lists = repo.listed_agents()
        assert chosen(route(caller, lists, config, T0)) == ["a00"]
        repo.save_agent(dataclasses.replace(repo.agent("a00"), skills={"billing": 10}), T0)  # after the read
        assert lists.claim(["a00"]) == ["a00"] and lists.count() == 1
        again = route(caller, lists, config, T0)
        assert decisions(again) == decisions(route(caller, AgentIndex(floor(specs)[1:]), config, T0))
        assert lists.claim(chosen(again)) == [] and lists.get("B01") == repo.agent("B01")
        session.rollback()


def test_an_agent_another_transaction_holds_is_refused_and_the_next_best_is_claimed(sessions, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) are PostgreSQL's; SQLite writers take turns")
    specs = [({"billing": 9}, "available", T0, 0, None), ({"billing": 7}, "available", T0, 0, None)]
    config, caller = floor_config("highest_skill"), waiting([("billing", 0, 0, {})])
    with sessions() as setup:
        seat(setup, floor(specs))
        setup.commit()
    with sessions() as other, sessions() as session:
        other.execute(select(AgentRow).where(AgentRow.id == "a00").with_for_update())  # held, not committed
        lists = SqlAlchemyQueueRepository(session).listed_agents()
        assert chosen(route(caller, lists, config, T0)) == ["a00"]  # looked at without a lock
        assert lists.claim(["a00"]) == ["a00"]
        assert chosen(route(caller, lists, config, T0)) == ["B01"] and lists.claim(["B01"]) == []


def counted(session) -> dict[str, int]:
    listed_rows = select(RoutingAgentRow.skill, func.count()).group_by(RoutingAgentRow.skill)
    return dict(session.execute(listed_rows).all())


def kept(session) -> dict[str, int]:
    return {skill: n for skill, n in session.execute(select(RoutingCountRow.skill, RoutingCountRow.agents)).all() if n}


@FUZZ
@given(agents, st.lists(st.tuples(st.integers(0, 29), st.sampled_from(STATUSES), st.booleans()), max_size=12))
def test_the_counts_per_skill_follow_every_committed_save_and_ignore_rolled_back_ones(sessions, agent_specs, moves):
    floor_agents = floor(agent_specs)
    with sessions() as session:
        repo = seat(session, floor_agents)
        session.execute(delete(RoutingCountRow))
        session.commit()
    for at, status, keep in moves:
        if at < len(floor_agents):
            with sessions() as session:
                repo = SqlAlchemyQueueRepository(session)
                agent = repo.agent(floor_agents[at].id)
                repo.save_agent(dataclasses.replace(agent, status=AgentStatus(status), skills={**agent.skills, "ko": at % 10 + 1}), T0)
                assert repo.listed_agents().count("ko") == counted(session).get("ko", 0)  # this transaction's saves count
                session.commit() if keep else session.rollback()
    with sessions() as session:
        assert kept(session) == counted(session)


def test_upgrading_to_0020_lists_the_available_agents_with_their_skills_and_counts(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        downgrade(engine, "0019")
        with engine.begin() as connection:
            for agent_id, skills, status in (("kim", {"billing": 7, "ko": 9}, "available"), ("lee", {"en": 5}, "break")):
                connection.execute(AgentRow.__table__.insert().values(
                    id=agent_id, name=agent_id, contact=f"client:{agent_id}", skills=skills, status=status, calls_today=0))
        upgrade(engine)
        with sessionmaker(engine)() as session:
            rows = session.execute(select(RoutingAgentRow.skill, RoutingAgentRow.agent_id, RoutingAgentRow.skills)).all()
            assert sorted(rows) == [(skill, "kim", {"billing": 7, "ko": 9}) for skill in ("", "billing", "ko")]
            assert kept(session) == {"": 1, "billing": 1, "ko": 1}
    finally:
        engine.dispose()

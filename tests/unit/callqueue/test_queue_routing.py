"""Routing: who is served first, which agent each strategy picks, skills, languages, escalation, and why."""
from __future__ import annotations

import pytest

from callqueue.index import AgentIndex
from callqueue.matching import SkipReason, next_escalation_at, requirement
from callqueue.model import AgentStatus, EntryStatus
from callqueue.routing import explain, route
from callqueue.waiting import WaitingLine
from callqueue import model

from queue_builders import T0, agent, at, caller, floor_config


def picks(entries, agents, strategy="longest_idle", now=T0) -> list[tuple[str, str]]:
    return [(a.call_id, a.agent_id) for a in route(entries, agents, floor_config(strategy), now)]


def test_a_higher_priority_caller_is_served_before_one_who_waited_longer():
    entries = [caller("old", waited_s=50), caller("vip", waited_s=5, priority=2)]
    assert picks(entries, [agent("kim", {"billing": 8})]) == [("vip", "kim")]


def test_callers_of_equal_priority_are_served_longest_waiting_first():
    entries = [caller("new", waited_s=5), caller("old", waited_s=50), caller("mid", waited_s=20)]
    agents = [agent("kim", {"billing": 8}, idle_s=-10), agent("lee", {"billing": 8}, idle_s=-5)]
    assert picks(entries, agents) == [("old", "kim"), ("mid", "lee")]


@pytest.mark.parametrize("strategy, agents, chosen", [
    ("longest_idle", [agent("kim", {"billing": 9}, idle_s=-60), agent("lee", {"billing": 5}, idle_s=-600)], "lee"),
    ("fewest_calls", [agent("kim", {"billing": 9}, calls=3), agent("lee", {"billing": 5}, calls=7)], "kim"),
    ("fewest_calls", [agent("kim", {"billing": 9}, calls=3, idle_s=-1), agent("lee", {"billing": 5}, calls=3, idle_s=-9)], "lee"),
    ("highest_skill", [agent("kim", {"billing": 6}, idle_s=-600), agent("lee", {"billing": 9})], "lee"),
    ("highest_skill", [agent("kim", {"billing": 7}, idle_s=-9), agent("lee", {"billing": 7}, idle_s=-1)], "kim"),
    ("round_robin", [agent("kim", {"billing": 9}, assigned_s=-60), agent("lee", {"billing": 5}, assigned_s=-600)], "lee"),
    ("round_robin", [agent("kim", {"billing": 9}, assigned_s=-60), agent("lee", {"billing": 5})], "lee"),
])
def test_each_strategy_picks_its_agent(strategy, agents, chosen):
    [assignment] = route([caller("CA1")], agents, floor_config(strategy), T0)
    assert assignment.agent_id == chosen and assignment.why.rule == strategy


@pytest.mark.parametrize("strategy, score", [
    ("longest_idle", "idle since 2026-01-05T08:50:00+00:00"),
    ("fewest_calls", "4 calls today"),
    ("highest_skill", "skill levels 16"),
    ("round_robin", "last assigned never"),
])
def test_the_why_says_what_the_rule_compared(strategy, score):
    kim = agent("kim", {"billing": 6, "ko": 10}, idle_s=-600, calls=4)
    [assignment] = route([caller("CA1", skills={"ko": 1})], [kim], floor_config(strategy), T0)
    assert assignment.why.chosen.score == score


@pytest.mark.parametrize("skills, status, reason, detail", [
    ({"billing": 9, "ko": 9}, "offline", SkipReason.UNAVAILABLE, "is offline"),
    ({"billing": 9, "ko": 9}, "busy", SkipReason.UNAVAILABLE, "is busy"),
    ({"billing": 9, "ko": 9}, "missed", SkipReason.UNAVAILABLE, "is missed"),
    ({"support": 9, "ko": 9}, "available", SkipReason.MISSING_SKILL, "missing skill billing"),
    ({"billing": 4, "ko": 9}, "available", SkipReason.LEVEL_TOO_LOW, "billing level 4 is below 5"),
    ({"billing": 9, "en": 10}, "available", SkipReason.WRONG_LANGUAGE, "does not speak ko"),
])
def test_explain_gives_the_reason_an_agent_cannot_take_the_call(skills, status, reason, detail):
    agents = [agent("odd", skills, status=status, idle_s=-600), agent("kim", {"billing": 5, "ko": 3})]
    why = explain(caller("CA1", skills={"ko": 1}), agents, floor_config(), T0)
    assert [c.agent_id for c in why.candidates] == ["kim"]
    assert [(s.agent_id, s.reason, s.detail) for s in why.skipped] == [("odd", reason, detail)]


def test_route_notes_the_available_agents_it_looked_at_and_passed_over():
    agents = [agent("lee", {"billing": 4, "ko": 9}, idle_s=-600), agent("kim", {"billing": 5, "ko": 3})]
    [assignment] = route([caller("CA1", skills={"ko": 1})], agents, floor_config(), T0)
    assert assignment.agent_id == "kim"
    assert [str(s) for s in assignment.why.skipped] == ["lee: billing level 4 is below 5"]


def test_route_looks_only_at_agents_holding_the_rarest_required_skill():
    agents = [agent(f"en{i}", {"billing": 9, "en": 9}, idle_s=-600) for i in range(50)] + [agent("kim", {"billing": 5, "ko": 3})]
    [assignment] = route([caller("CA1", skills={"ko": 1})], agents, floor_config(), T0)
    assert assignment.agent_id == "kim" and assignment.why.skipped == ()


def test_a_caller_nobody_qualifies_for_stays_waiting():
    assert picks([caller("CA1", skills={"ko": 1})], [agent("ann", {"billing": 9, "en": 10})]) == []


def test_a_lower_priority_caller_is_served_when_the_agent_cannot_take_the_first():
    entries = [caller("ko-vip", priority=5, skills={"ko": 1}), caller("en", skills={"en": 1})]
    assert picks(entries, [agent("ann", {"billing": 9, "en": 10})]) == [("en", "ann")]


@pytest.mark.parametrize("waited_s, chosen", [(0, None), (59, None), (60, "lee"), (300, "lee")])
def test_after_a_minute_a_lower_billing_level_is_enough(waited_s, chosen):
    lee = agent("lee", {"billing": 3})
    assert picks([caller("CA1", waited_s=waited_s)], [lee]) == ([("CA1", chosen)] if chosen else [])


@pytest.mark.parametrize("waited_s, chosen", [(89, None), (90, "choi")])
def test_after_ninety_seconds_support_callers_take_anyone_who_speaks_their_language(waited_s, chosen):
    agents = [agent("choi", {"ko": 10}), agent("ann", {"en": 10})]
    entries = [caller("CA1", "support", waited_s=waited_s, skills={"ko": 1})]
    assert picks(entries, agents) == ([("CA1", chosen)] if chosen else [])


@pytest.mark.parametrize("waited_s, chosen", [(119, None), (120, "choi")])
def test_after_two_minutes_general_agents_may_take_billing_callers(waited_s, chosen):
    choi = agent("choi", {"ko": 10})
    assignments = route([caller("CA1", waited_s=waited_s, skills={"ko": 1})], [choi], floor_config(), T0)
    assert [(a.agent_id, a.why.chosen.via, a.why.requirement.step) for a in assignments] == (
        [(chosen, "general", 2)] if chosen else [])


def test_escalation_steps_add_up():
    req = requirement(caller("CA1", waited_s=130, skills={"ko": 1}), floor_config(), T0)
    assert [(alt.via, alt.skills) for alt in req.alternatives] == [
        ("billing", (("billing", 3), ("ko", 1))), ("general", (("ko", 1),))]


def test_a_billing_agent_is_still_preferred_through_billing_once_general_joins():
    agents = [agent("kim", {"billing": 8, "ko": 9}, idle_s=-5), agent("choi", {"ko": 10}, idle_s=-50)]
    [assignment] = route([caller("CA1", waited_s=200, skills={"ko": 1})], agents, floor_config(), T0)
    assert [(c.agent_id, c.via) for c in assignment.why.candidates] == [("choi", "general"), ("kim", "billing")]


@pytest.mark.parametrize("waited_s, step_after_s", [(0, 60), (61, 120), (500, None)])
def test_the_next_escalation_time_is_when_the_worker_routes_again(waited_s, step_after_s):
    expected = None if step_after_s is None else at(step_after_s - waited_s)
    assert next_escalation_at(caller("CA1", waited_s=waited_s), floor_config().queues["billing"], T0) == expected


def test_why_lists_the_chosen_agent_then_runners_up_in_rule_order():
    agents = [agent(name, {"billing": 8}, idle_s=-idle) for name, idle in
              [("kim", 10), ("lee", 40), ("park", 30), ("choi", 20)]]
    [assignment] = route([caller("CA1")], agents, floor_config(), T0)
    assert [c.agent_id for c in assignment.why.candidates] == ["lee", "park", "choi"]


def test_an_agent_taken_by_an_earlier_caller_is_noted_as_taken():
    agents = [agent("kim", {"billing": 8, "ko": 5, "en": 5}, idle_s=-60), agent("ann", {"billing": 8, "en": 9})]
    entries = [caller("ko", waited_s=30, skills={"ko": 1}), caller("en", skills={"en": 1})]
    first, second = route(entries, agents, floor_config(), T0)
    assert (first.agent_id, second.agent_id) == ("kim", "ann")
    assert [(s.agent_id, s.reason, s.detail) for s in second.why.skipped] == [
        ("kim", SkipReason.TAKEN, "taken by call ko in this decision")]


def test_explain_names_every_agent_that_cannot_take_the_call():
    agents = [agent("kim", {"billing": 8}, status="busy"), agent("lee", {"billing": 8}, status="offline"),
              agent("ann", {"support": 8}), agent("park", {"billing": 6})]
    why = explain(caller("CA1"), agents, floor_config(), T0)
    assert [c.agent_id for c in why.candidates] == ["park"]
    assert [str(s) for s in why.skipped] == ["kim: is busy", "lee: is offline", "ann: missing skill billing"]


def test_each_agent_gets_one_caller_and_each_caller_one_agent():
    agents = [agent(f"a{i}", {"billing": 5 + i % 5}, idle_s=-i) for i in range(30)]
    entries = [caller(f"c{i}", waited_s=i) for i in range(50)]
    chosen = picks(entries, agents, "highest_skill")
    assert len(chosen) == 30
    assert len({c for c, _ in chosen}) == len({a for _, a in chosen}) == 30
    assert [c for c, _ in chosen] == [f"c{i}" for i in range(49, 19, -1)]


def test_callers_not_waiting_and_callers_of_unknown_queues_are_left_alone():
    offered = model.offer_entry(caller("offered", waited_s=90), "lee", T0)
    entries = [offered, caller("lost", "closed", waited_s=80), caller("CA1")]
    assert picks(entries, [agent("kim", {"billing": 9})]) == [("CA1", "kim")]


def test_no_available_agent_means_no_assignment():
    agents = [agent("kim", {"billing": 9}, status=s) for s in ("busy", "wrap_up", "missed", "break")]
    assert picks([caller("CA1")], agents) == []


def test_routing_changes_neither_the_callers_nor_the_index():
    index = AgentIndex([agent("kim", {"billing": 9}), agent("lee", {"billing": 7}, idle_s=-9)])
    entries = [caller("CA1"), caller("CA2", waited_s=3)]
    first = route(entries, index, floor_config(), T0)
    assert route(entries, index, floor_config(), T0) == first
    assert index.count("billing") == 2 and all(e.status is EntryStatus.WAITING for e in entries)


def test_the_index_keeps_longest_idle_order_when_a_withdrawn_agent_returns():
    kim, lee = agent("kim", {"billing": 9}, idle_s=-60), agent("lee", {"billing": 9}, idle_s=-30)
    index = AgentIndex([kim, lee])
    index.put(model.offer(kim, "CA1", T0))
    index.put(agent("park", {"billing": 9}, idle_s=0))
    index.put(model.withdraw(index.get("kim"), at(1)))
    assert [a.id for a in index.available("billing")] == ["kim", "lee", "park"]
    index.put(model.set_status(index.get("lee"), "break", at(2)))
    assert [a.id for a in index.available()] == ["kim", "park"] and index.get("lee").status is AgentStatus.BREAK


def test_the_waiting_line_keeps_priority_then_age_order_and_only_waiting_callers():
    line = WaitingLine([caller("new", waited_s=5), caller("vip", priority=1), caller("old", waited_s=50)])
    line.put(caller("older", waited_s=90))
    line.put(model.offer_entry(line.get("new"), "kim", T0))
    line.remove("nobody")
    assert [e.call_id for e in line] == ["vip", "older", "old"] and len(line) == 3

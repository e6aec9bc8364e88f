"""The enqueue node, driven directly: filing, the agent's dial, missed calls, overflow and hang-up."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ivr.flow.engine import step
from ivr.flow.events import CallResumed, CallStarted, DialEnded, DigitsEntered, QueueLeft
from ivr.flow.instructions import DialAgent, Enqueue, Gather, Hangup, Say
from ivr.flow.loader import check_flow_text, parse_flow

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)

FLOW = """
name: q
languages: [ko, en]
start: menu
nodes:
  menu:
    kind: menu
    prompt: {ko: 메뉴, en: Menu}
    options: {1: {to: order, language: en}, 2: billing}
  order: {kind: set, values: {order_number: "12345"}, next: billing}
  billing:
    kind: enqueue
    queue: billing
    skills: {billing: 5}
    priority: 2
    carry: [order_number]
    prompt: {ko: 연결합니다, en: Connecting you}
    next: survey
    on_overflow: busy
  survey: {kind: hangup, prompt: {ko: 설문, en: Survey}}
  busy: {kind: hangup, prompt: {ko: 통화중, en: All busy}}
"""


@pytest.fixture
def flow():
    return parse_flow(FLOW, "q.yaml")


def run(flow, *events):
    instructions, state = step(flow, None, CallStarted("+8210", "+1800"), NOW)
    for event in events:
        instructions, state = step(flow, state, event, NOW)
    return instructions, state


def test_enqueue_files_the_caller_with_the_language_as_a_required_skill(flow):
    instructions, state = run(flow, DigitsEntered("1"))
    assert instructions == [Say("Connecting you", "en"),
                            Enqueue("billing", (("billing", 5), ("en", 1)), 2, (("order_number", "12345"),),
                                    "billing, order number 12345", "en")]
    assert state.node == "billing"


def test_korean_caller_needs_korean(flow):
    instructions, _ = run(flow, DigitsEntered("2"))
    assert instructions[-1].skills == (("billing", 5), ("ko", 1))
    assert instructions[-1].variables == (("order_number", ""),)
    assert instructions[-1].whisper == "billing"


def test_assigned_rings_the_agent_and_an_answered_call_goes_on(flow):
    instructions, state = run(flow, DigitsEntered("1"), QueueLeft("assigned", "client:alice", 15, 7))
    assert instructions == [DialAgent("client:alice", 15, 7)]
    assert state.node == "billing"
    instructions, state = step(flow, state, DialEnded("completed", 90), NOW)
    assert instructions == [Say("Survey", "en"), Hangup()]


def test_an_agent_who_does_not_answer_files_the_caller_again_without_the_prompt(flow):
    _, state = run(flow, DigitsEntered("1"), QueueLeft("assigned", "client:alice", 15, 7))
    instructions, state = step(flow, state, DialEnded("no-answer"), NOW)
    assert [type(i) for i in instructions] == [Enqueue]
    assert state.node == "billing"


def test_overflow_goes_to_on_overflow_and_hangup_ends_the_call(flow):
    instructions, state = run(flow, DigitsEntered("1"), QueueLeft("overflowed"))
    assert instructions == [Say("All busy", "en"), Hangup()]
    instructions, state = run(flow, DigitsEntered("1"), QueueLeft("hangup"))
    assert instructions == [Hangup()] and state.ended


def test_a_repeated_request_files_again_and_a_key_is_ignored(flow):
    _, state = run(flow, DigitsEntered("1"))
    for event in (CallResumed(), DigitsEntered("5")):
        instructions, _ = step(flow, state, event, NOW)
        assert [type(i) for i in instructions] == [Enqueue]


def test_validation_checks_targets_and_levels():
    bad = FLOW.replace("on_overflow: busy", "on_overflow: nowhere").replace("{billing: 5}", "{billing: 11}")
    _, problems = check_flow_text(bad, "q.yaml")
    messages = [str(p) for p in problems]
    assert any("level 11 is out of range" in m for m in messages), messages

"""A prompt leaves out the parts whose variables are empty; the validator warns of a variable no way sets."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ivr.flow.compose import compose
from ivr.flow.dataflow import UnsetRead, may_set, unset_reads
from ivr.flow.engine import step
from ivr.flow.events import CallStarted, DigitsEntered
from ivr.flow.instructions import Enqueue, Gather, Say
from ivr.flow.loader import parse_flow
from ivr.flow.prompts import Speech, parts, spoken_text

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("template, variables, heard", [
    ("요금 문의, 주문 번호 {order|digits}", {}, "요금 문의"),
    ("요금 문의, 주문 번호 {order|digits}", {"order": "123"}, "요금 문의, 주문 번호 1 2 3"),
    ("Order {o} was delivered on {eta}. Thank you!", {"o": "7"}, "Thank you!"),
    ("Order {o} was delivered on {eta}. Thank you!", {"o": "7", "eta": "today"}, "Order 7 was delivered on today. Thank you!"),
    ("Hello {name}, welcome.", {"name": ""}, "welcome."),
    ("{greeting}", {}, ""),
    ("It costs 3.5 or 12,000 won, {who}", {}, "It costs 3.5 or 12,000 won"),
    ("No variables here.", {}, "No variables here."),
])
def test_a_part_reading_an_empty_variable_is_left_out(template, variables, heard):
    assert spoken_text(template, variables, Speech("ko")) == heard


def test_a_mark_inside_a_number_does_not_split_the_prompt():
    assert parts("Pay 12,000 won by 3.5 pm. Thanks") == ["Pay 12,000 won by 3.5 pm. ", "Thanks"]


FLOW = """
name: q
languages: [ko, en]
start: menu
nodes:
  menu:
    kind: menu
    prompt: {ko: "메뉴, {name}님", en: "Menu, {name}"}
    options: {1: ask, 2: billing}
  ask: {kind: gather, variable: order_number, prompt: {ko: 주문 번호, en: Order}, next: billing, fallback: billing}
  billing:
    kind: enqueue
    queue: billing
    carry: [order_number]
    whisper: {ko: "요금 문의, 주문 번호 {order_number|digits}", en: "billing, order {order_number|digits}"}
  empty: {kind: say, text: "{nothing}", next: menu}
"""


def test_the_whisper_of_a_caller_who_gave_no_order_number_has_no_dangling_words():
    flow = parse_flow(FLOW)
    first, state = step(flow, None, CallStarted("+8210", "+1800"), NOW)
    assert first == [Gather((Say("메뉴", "ko"),), 5, 1, "", None)]
    instructions, _ = step(flow, state, DigitsEntered("2"), NOW)
    assert [i.whisper for i in instructions if isinstance(i, Enqueue)] == ["요금 문의"]


def test_the_whisper_reads_the_order_number_when_the_caller_gave_one():
    flow = parse_flow(FLOW)
    _, state = step(flow, None, CallStarted("+8210", "+1800"), NOW)
    _, state = step(flow, state, DigitsEntered("1"), NOW)
    instructions, _ = step(flow, state, DigitsEntered("4321"), NOW)
    assert [i.whisper for i in instructions if isinstance(i, Enqueue)] == ["요금 문의, 주문 번호 4 3 2 1"]


def test_a_variable_set_on_some_way_counts_as_set_but_the_unset_one_is_flagged():
    flow = parse_flow(FLOW)
    assert "order_number" in may_set(flow)["billing"]
    assert unset_reads([flow]) == [UnsetRead("q", "menu", ("prompt", "en"), "name")]


def test_a_fallback_way_does_not_set_the_gathered_variable():
    flow = parse_flow(FLOW.replace("next: billing, fallback: billing", "next: bye, fallback: billing") + "  bye: {kind: hangup}\n")
    assert "order_number" not in may_set(flow)["billing"]
    assert UnsetRead("q", "billing", ("whisper", "en"), "order_number") in unset_reads([flow])


PART = """
name: greet
start: hello
nodes:
  hello: {kind: say, text: "Hello {name}. Hi {stranger}.", next: done}
  done: {kind: return}
"""
CALLER = """
name: main
start: set
nodes:
  set: {kind: set, values: {name: Kim}, next: part}
  part: {kind: subflow, flow: greet, next: bye}
  bye: {kind: hangup, prompt: "Bye {name}"}
"""


def test_a_part_is_flagged_only_for_what_no_caller_sets():
    part, caller = parse_flow(PART), parse_flow(CALLER)
    served = [compose(caller, {"greet": part, "main": caller}), part]
    assert unset_reads(served) == [UnsetRead("greet", "hello", ("text",), "stranger")]

"""The engine, driven directly: each node kind, retries, languages, variables, the journal."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ivr.flow.engine import step
from ivr.flow.errors import FlowRuntimeError
from ivr.flow.events import CallResumed, CallStarted, DialEnded, DigitsEntered, NoInput
from ivr.flow.instructions import Dial, Gather, Hangup, Play, Say
from ivr.flow.loader import parse_flow
from ivr.flow.model import Flow

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)

FLOW = """
name: t
languages: [ko, en]
variables: {desk: "+15550001"}
start: hello
nodes:
  hello: {kind: say, text: {ko: 안녕하세요, en: Hello}, next: menu}
  menu:
    kind: menu
    prompt: {ko: 메뉴, en: Menu}
    options:
      1: {to: pin, language: en}
      2: desk
      3: bye
      9: menu
    invalid_prompt: {ko: 잘못, en: Wrong}
    no_input_prompt: {ko: 없음, en: Nothing}
    max_invalid: 2
    fallback: desk
  pin:
    kind: gather
    prompt: {ko: 번호, en: "Enter your PIN"}
    variable: pin
    num_digits: 4
    sensitive: true
    invalid_prompt: {ko: 다시, en: Again}
    next: readback
  readback: {kind: say, text: "PIN {pin|digits} for {caller}", play: "https://x/beep.wav", next: jump}
  jump: {kind: goto, to: bye}
  desk: {kind: transfer, number: "{desk}", prompt: {ko: 연결, en: Connecting}, timeout_s: 20, on_failure: busy, next: bye}
  busy: {kind: say, text: {ko: 통화중, en: Busy}, next: bye}
  bye: {kind: hangup, prompt: {ko: 안녕히, en: Bye}}
"""


@pytest.fixture
def flow():
    return parse_flow(FLOW, "t.yaml")


def run(flow, *events):
    instructions, state = step(flow, None, CallStarted("+8210", "+1800"), NOW)
    for event in events:
        instructions, state = step(flow, state, event, NOW)
    return instructions, state


def texts(instructions):
    out = []
    for i in instructions:
        out += [p.text for p in i.prompts if isinstance(p, Say)] if isinstance(i, Gather) else [i.text] if isinstance(i, Say) else []
    return out


def test_call_start_says_greeting_then_waits_at_menu_in_default_language(flow):
    instructions, state = run(flow)
    assert instructions == [Say("안녕하세요", "ko"), Gather((Say("메뉴", "ko"),), 5, 1, "")]
    assert state.node == "menu" and state.language == "ko"
    assert [e.kind for e in state.journal] == ["node_entered", "node_entered"]
    assert all(e.at == NOW for e in state.journal)


def test_menu_option_can_switch_language_for_the_rest_of_the_call(flow):
    instructions, state = run(flow, DigitsEntered("1"))
    assert state.language == "en" and state.node == "pin"
    assert texts(instructions) == ["Enter your PIN"]


def test_invalid_key_plays_invalid_prompt_then_menu_again(flow):
    instructions, state = run(flow, DigitsEntered("7"))
    assert texts(instructions) == ["잘못", "메뉴"]
    assert state.node == "menu" and state.invalid_count == 1 and state.no_input_count == 0


def test_no_input_has_its_own_prompt_and_counter(flow):
    instructions, state = run(flow, NoInput(), DigitsEntered("7"), NoInput())
    assert texts(instructions) == ["없음", "메뉴"]
    assert (state.invalid_count, state.no_input_count) == (1, 2)


def test_invalid_input_past_the_limit_goes_to_the_fallback(flow):
    instructions, state = run(flow, DigitsEntered("7"), DigitsEntered("8"))
    assert state.node == "desk"
    assert instructions == [Say("연결", "ko"), Dial("+15550001", 20, None)]
    assert "tries_exhausted" in [e.kind for e in state.journal]


def test_no_input_three_times_by_default_then_fallback(flow):
    _, state = run(flow, NoInput(), NoInput())
    assert state.node == "menu"
    _, state = run(flow, NoInput(), NoInput(), NoInput())
    assert state.node == "desk"


def test_choosing_an_option_resets_the_retry_counters(flow):
    _, state = run(flow, DigitsEntered("7"), DigitsEntered("9"))
    assert state.node == "menu" and state.invalid_count == 0


def test_junk_digits_are_an_invalid_choice_not_an_error(flow):
    _, state = run(flow, DigitsEntered("abc<>"))
    assert state.node == "menu" and state.invalid_count == 1


def test_gather_stores_variable_and_interpolates_it_digit_by_digit(flow):
    instructions, state = run(flow, DigitsEntered("1"), DigitsEntered("1234"))
    assert state.variables["pin"] == "1234"
    assert instructions[:2] == [Say("PIN 1 2 3 4 for +8210", "en"), Play("https://x/beep.wav")]
    assert instructions[-1] == Hangup() and state.ended and state.node == "bye"


def test_sensitive_gather_masks_digits_in_the_journal(flow):
    _, state = run(flow, DigitsEntered("1"), DigitsEntered("1234"))
    entered = [e for e in state.journal if e.kind == "digits_entered"]
    assert entered[0].detail["digits"] == "****"
    assert "1234" not in repr(state.journal)


@pytest.mark.parametrize("digits", ["123", "12345", "12a4", ""])
def test_gather_rejects_digits_of_the_wrong_shape(flow, digits):
    instructions, state = run(flow, DigitsEntered("1"), DigitsEntered(digits))
    assert state.node == "pin" and state.invalid_count == 1
    assert texts(instructions) == ["Again", "Enter your PIN"]


def test_gather_pattern_must_match_whole_input():
    flow = parse_flow(
        "name: g\nstart: g\nnodes:\n  g: {kind: gather, prompt: x, variable: v, pattern: '[0-9]{4,6}', next: e}\n  e: {kind: hangup}\n"
    )
    _, state = step(flow, step(flow, None, CallStarted("a", "b"), NOW)[1], DigitsEntered("1234567"), NOW)
    assert state.node == "g" and state.invalid_count == 1
    _, state = step(flow, state, DigitsEntered("123456"), NOW)
    assert state.node == "e" and state.variables["v"] == "123456"


def test_gather_without_num_digits_finishes_on_pound(flow):
    gather_flow = parse_flow("name: g\nstart: g\nnodes:\n  g: {kind: gather, prompt: x, variable: v, next: e}\n  e: {kind: hangup}\n")
    instructions, _ = step(gather_flow, None, CallStarted("a", "b"), NOW)
    assert instructions == [Gather((Say("x", "ko"),), 5, None, "#")]


def test_transfer_answered_goes_to_next_and_failure_to_on_failure(flow):
    _, state = run(flow, DigitsEntered("2"), DialEnded("completed", 61))
    assert state.node == "bye" and state.ended
    instructions, state = run(flow, DigitsEntered("2"), DialEnded("no-answer"))
    assert texts(instructions) == ["통화중", "안녕히"] and state.ended


def test_an_event_the_node_does_not_wait_for_asks_again(flow):
    instructions, state = run(flow, DialEnded("completed"))
    assert state.node == "menu" and texts(instructions) == ["메뉴"]
    assert [e.kind for e in state.journal] == ["event_ignored"]


def test_resume_repeats_the_question_without_counting_a_try(flow):
    instructions, state = run(flow, DigitsEntered("7"), CallResumed())
    assert texts(instructions) == ["메뉴"] and state.invalid_count == 1


def test_an_ended_call_only_hangs_up(flow):
    instructions, state = run(flow, DigitsEntered("3"))
    assert instructions == [Say("안녕히", "ko"), Hangup()]
    assert run(flow, DigitsEntered("3"), DigitsEntered("1"))[0] == [Hangup()]


def test_a_loop_of_gotos_is_a_runtime_fault_not_a_hang():
    # The loader refuses such a flow; the engine must still not hang on one built by hand.
    looping = Flow.model_validate({"name": "l", "start": "a", "nodes": {"a": {"kind": "goto", "to": "b"},
                                                                        "b": {"kind": "goto", "to": "a"}}})
    with pytest.raises(FlowRuntimeError, match="without waiting"):
        step(looping, None, CallStarted("a", "b"), NOW)


def test_say_without_next_ends_the_call():
    flow = parse_flow("name: s\nstart: s\nnodes:\n  s: {kind: say, text: bye}\n")
    instructions, state = step(flow, None, CallStarted("a", "b"), NOW)
    assert instructions == [Say("bye", "ko"), Hangup()] and state.ended


def test_step_before_start_is_a_fault(flow):
    with pytest.raises(FlowRuntimeError):
        step(flow, None, DigitsEntered("1"), NOW)

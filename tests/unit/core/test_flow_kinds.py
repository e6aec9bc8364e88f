"""The engine on the richer node kinds: hours, switch, set, subflow, http, voicemail, survey, menu keys."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ivr.flow.compose import compose
from ivr.flow.engine import step
from ivr.flow.events import CallStarted, DigitsEntered, HttpFetched, NoInput, RecordingMade
from ivr.flow.instructions import FetchJson, Gather, Hangup, Record, Say
from ivr.flow.loader import parse_flow

MONDAY_10_SEOUL = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
MONDAY_20_SEOUL = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)

FLOW = """
name: k
languages: [ko, en]
timezone: Asia/Seoul
lists: {vips: ["+82 10-9999-0000"]}
start: hours
nodes:
  hours:
    kind: hours
    weekly: {mon-fri: "09:00-18:00"}
    holidays: [{date: 2026-03-03, name: test}]
    open: vip
    closed: vm
  vip:
    kind: switch
    cases:
      - when: {caller_in: vips}
        to: vip_hello
      - when: {language: en}
        to: menu
    default: lookup_set
  vip_hello: {kind: say, text: {ko: VIP, en: VIP}, next: menu}
  lookup_set: {kind: set, values: {order: "12345", greeting: "hi {caller}"}, next: lookup}
  lookup:
    kind: http
    url: "https://shop.example/orders/{order}?k={secret.KEY}"
    headers: {X-Caller: "{caller}"}
    map: {status: delivery.status, first: items.0.name}
    prompt: {ko: 잠시만요, en: One moment}
    next: menu
    on_failure: vm
  menu:
    kind: menu
    prompt: {ko: 긴 안내, en: Long menu}
    short_prompt: {ko: 짧은 안내, en: Short menu}
    options: {1: sub, 2: survey, 3: second}
  second:
    kind: menu
    prompt: {ko: 두번째, en: Second}
    options: {1: vm}
  sub: {kind: subflow, flow: part, next: menu}
  vm: {kind: voicemail, prompt: {ko: 녹음, en: Record}, max_length_s: 60, next: bye}
  survey:
    kind: survey
    name: csat
    questions:
      - {id: ok, type: yes_no, prompt: {ko: 해결, en: Solved}}
      - {id: score, prompt: {ko: 점수, en: Score}}
    invalid_prompt: {ko: 다시, en: Again}
    next: bye
  bye: {kind: hangup}
"""

PART = """
name: part
languages: [ko, en]
start: ask
nodes:
  ask:
    kind: menu
    prompt: {ko: 부분, en: Part}
    options: {1: done, 2: out}
  done: {kind: return}
  out: {kind: hangup, prompt: {ko: 끝, en: End}}
"""


@pytest.fixture
def flow():
    main, part = parse_flow(FLOW, "k.yaml"), parse_flow(PART, "part.yaml")
    return compose(main, {"k": main, "part": part})


def begin(flow, caller="+821012345678", now=MONDAY_10_SEOUL):
    return step(flow, None, CallStarted(caller, "+1800"), now)


def kinds(state):
    return [e.kind for e in state.journal]


def test_open_hours_go_on_and_closed_hours_go_to_voicemail(flow):
    _, state = begin(flow)
    assert state.node == "lookup"
    instructions, state = begin(flow, now=MONDAY_20_SEOUL)
    assert state.node == "vm" and instructions == [Say("녹음", "ko"), Record(60, 5, "#", True)]


def test_a_holiday_is_closed_all_day(flow):
    _, state = begin(flow, now=datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc))
    assert state.node == "vm"


def test_a_vip_number_matches_whatever_its_formatting(flow):
    instructions, state = begin(flow, caller="+821099990000")
    assert instructions[0] == Say("VIP", "ko") and state.node == "menu"
    assert [e.detail for e in state.journal if e.kind == "switch_matched"] == [{"case": 0}]


def test_set_then_http_asks_the_shell_to_fetch_with_variables_filled(flow):
    instructions, state = begin(flow)
    assert state.variables["greeting"] == "hi +821012345678"
    assert instructions == [
        Say("잠시만요", "ko"),
        FetchJson("GET", "https://shop.example/orders/12345?k={secret.KEY}", (("X-Caller", "+821012345678"),), None, 3),
    ]


def test_http_answer_maps_fields_and_failure_takes_the_failure_branch(flow):
    _, state = begin(flow)
    data = {"delivery": {"status": "shipped"}, "items": [{"name": "책"}]}
    _, ok = step(flow, state, HttpFetched(True, 200, data), MONDAY_10_SEOUL)
    assert ok.node == "menu" and ok.variables["status"] == "shipped" and ok.variables["first"] == "책"
    _, failed = step(flow, state, HttpFetched(False, 503, None, "HTTP 503"), MONDAY_10_SEOUL)
    assert failed.node == "vm"


def test_http_answer_missing_a_field_leaves_it_empty(flow):
    _, state = begin(flow)
    _, state = step(flow, state, HttpFetched(True, 200, {"delivery": {}}), MONDAY_10_SEOUL)
    assert state.variables["status"] == "" and state.variables["first"] == ""


def at_menu(flow):
    _, state = begin(flow)
    return step(flow, state, HttpFetched(True, 200, {}), MONDAY_10_SEOUL)


def test_menu_long_prompt_first_then_short_prompt(flow):
    instructions, state = at_menu(flow)
    assert instructions[-1].prompts == (Say("긴 안내", "ko"),)
    instructions, state = step(flow, state, DigitsEntered("#"), MONDAY_10_SEOUL)
    assert instructions == [Gather((Say("짧은 안내", "ko"),), 5, 1, "")]
    assert "menu_repeated" in kinds(state) and state.invalid_count == 0


def test_star_goes_back_to_the_previous_menu(flow):
    _, state = at_menu(flow)
    _, state = step(flow, state, DigitsEntered("3"), MONDAY_10_SEOUL)
    assert state.node == "second"
    instructions, state = step(flow, state, DigitsEntered("*"), MONDAY_10_SEOUL)
    assert state.node == "menu" and instructions[-1].prompts == (Say("짧은 안내", "ko"),)


def test_star_on_the_first_menu_is_an_invalid_key(flow):
    _, state = at_menu(flow)
    _, state = step(flow, state, DigitsEntered("*"), MONDAY_10_SEOUL)
    assert state.node == "menu" and state.invalid_count == 1


def test_subflow_runs_its_part_and_returns_to_next(flow):
    _, state = at_menu(flow)
    instructions, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)
    assert state.node == "part/ask" and state.stack == ("menu",)
    instructions, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)
    assert state.node == "menu" and state.stack == ()
    assert ("returned", {"to": "menu"}) in [(e.kind, e.detail) for e in state.journal]


def test_star_back_into_a_finished_subflow_returns_from_it_again(flow):
    _, state = at_menu(flow)
    _, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)  # into the part
    _, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)  # its return: back at menu
    _, state = step(flow, state, DigitsEntered("*"), MONDAY_10_SEOUL)  # back to the part's menu
    assert state.node == "part/ask" and state.stack == ("menu",)
    _, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)
    assert state.node == "menu" and not state.ended


def test_hanging_up_inside_a_subflow_ends_the_call(flow):
    _, state = at_menu(flow)
    _, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)
    instructions, state = step(flow, state, DigitsEntered("2"), MONDAY_10_SEOUL)
    assert instructions == [Say("끝", "ko"), Hangup()] and state.ended


def test_voicemail_recorded_and_empty(flow):
    _, state = begin(flow, now=MONDAY_20_SEOUL)
    made = RecordingMade("https://api.twilio.com/rec/RE1", 14, "#", "RE1")
    _, done = step(flow, state, made, MONDAY_20_SEOUL)
    recorded = [e.detail for e in done.journal if e.kind == "voicemail_recorded"]
    assert recorded == [{"url": "https://api.twilio.com/rec/RE1", "duration_s": 14, "sid": "RE1"}] and done.ended
    _, empty = step(flow, state, RecordingMade(""), MONDAY_20_SEOUL)
    assert "voicemail_empty" in kinds(empty) and empty.ended


def survey_answers(state):
    return [(e.detail["question"], e.detail["answer"]) for e in state.journal if e.kind == "survey_answer"]


def test_survey_notes_each_answer_and_moves_on(flow):
    _, state = at_menu(flow)
    instructions, state = step(flow, state, DigitsEntered("2"), MONDAY_10_SEOUL)
    assert instructions == [Gather((Say("해결", "ko"),), 5, 1, "")]
    _, state = step(flow, state, DigitsEntered("1"), MONDAY_10_SEOUL)
    assert survey_answers(state) == [("ok", "yes")] and state.cursor == 1
    instructions, state = step(flow, state, DigitsEntered("4"), MONDAY_10_SEOUL)
    assert survey_answers(state) == [("score", 4)] and state.ended


def test_survey_asks_once_more_after_a_wrong_key_then_skips(flow):
    _, state = at_menu(flow)
    _, state = step(flow, state, DigitsEntered("2"), MONDAY_10_SEOUL)
    instructions, state = step(flow, state, DigitsEntered("7"), MONDAY_10_SEOUL)
    assert instructions == [Gather((Say("다시", "ko"), Say("해결", "ko")), 5, 1, "")]
    _, state = step(flow, state, DigitsEntered("9"), MONDAY_10_SEOUL)
    assert survey_answers(state) == [("ok", None)] and state.cursor == 1


def test_survey_silence_skips_the_question(flow):
    _, state = at_menu(flow)
    _, state = step(flow, state, DigitsEntered("2"), MONDAY_10_SEOUL)
    _, state = step(flow, state, NoInput(), MONDAY_10_SEOUL)
    assert survey_answers(state) == [("ok", None)]

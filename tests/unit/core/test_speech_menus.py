"""Menus that listen: phrases per language, a confident choice acts at once, an unsure one is confirmed."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ivr.flow.engine import step
from ivr.flow.events import CallStarted, DigitsEntered, NoInput, SpeechHeard
from ivr.flow.instructions import Gather, Listen, Say
from ivr.flow.loader import parse_flow

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
FLOW = """
name: s
languages: [ko, en]
start: menu
nodes:
  menu:
    kind: menu
    prompt: {ko: 메뉴, en: Menu}
    options:
      1: {to: billing, phrases: {ko: [요금, 환불], en: [billing]}}
      2: {to: support, phrases: {ko: [기술 지원]}}
      3: {to: english, language: en}
    invalid_prompt: {ko: 다시, en: Again}
  billing: {kind: hangup, prompt: {ko: 요금 담당, en: Billing}}
  support: {kind: hangup, prompt: {ko: 지원 담당, en: Support}}
  english: {kind: goto, to: menu}
"""


@pytest.fixture
def flow():
    return parse_flow(FLOW, "s.yaml")


def begin(flow):
    return step(flow, None, CallStarted("+8210", "+1800"), NOW)


def test_a_menu_with_phrases_listens_in_the_callers_language(flow):
    instructions, state = begin(flow)
    assert instructions[-1].listen == Listen("ko", (("1", ("요금", "환불")), ("2", ("기술 지원",))))
    instructions, state = step(flow, state, DigitsEntered("3"), NOW)
    assert instructions[-1].listen == Listen("en", (("1", ("billing",)),))


def test_a_menu_without_phrases_or_with_speech_off_only_takes_keys():
    keys_only = parse_flow(FLOW.replace("    invalid_prompt", "    speech: false\n    invalid_prompt"), "s.yaml")
    assert begin(keys_only)[0][-1].listen is None


def test_a_confident_spoken_choice_acts_like_its_key(flow):
    _, state = begin(flow)
    instructions, state = step(flow, state, SpeechHeard("요금 문의요", 0.91, "1", "요금", 96.0, True), NOW)
    assert instructions == [Say("요금 담당", "ko"), instructions[-1]] and state.node == "billing"
    heard = [e.detail for e in state.journal if e.kind == "speech_heard"]
    assert heard == [{"transcript": "요금 문의요", "confidence": 0.91, "option": "1", "phrase": "요금", "score": 96.0,
                      "confident": True, "sure": True}]


def test_an_unsure_choice_is_confirmed_by_key_or_by_voice(flow):
    _, state = begin(flow)
    instructions, state = step(flow, state, SpeechHeard("요금 어", 0.4, "1", "요금", 72.0, False), NOW)
    assert instructions == [Gather((Say("요금, 맞으신가요? 맞으면 1번 또는 '네', 아니면 2번 또는 '아니요'라고 말씀해 주세요.", "ko"),),
                                   5, 1, "", Listen("ko", (("1", ("네", "예", "응")), ("2", ("아니요", "아니")))))]
    assert state.node == "menu" and state.confirming == "1"
    _, by_key = step(flow, state, DigitsEntered("1"), NOW)
    assert by_key.node == "billing"
    _, by_voice = step(flow, state, SpeechHeard("네", 0.9, "1", "네", 100.0, True), NOW)
    assert by_voice.node == "billing"


def test_saying_no_to_the_confirmation_asks_the_menu_again_without_counting_a_try(flow):
    _, state = begin(flow)
    _, state = step(flow, state, SpeechHeard("요금 어", 0.4, "1", "요금", 72.0, False), NOW)
    instructions, state = step(flow, state, SpeechHeard("아니요", 0.9, "2", "아니요", 100.0, True), NOW)
    assert state.node == "menu" and state.confirming == "" and state.invalid_count == 0
    assert instructions[-1].prompts == (Say("메뉴", "ko"),)


def test_an_unsure_yes_to_the_confirmation_is_not_taken(flow):
    _, state = begin(flow)
    _, state = step(flow, state, SpeechHeard("요금 어", 0.4, "1", "요금", 72.0, False), NOW)
    _, state = step(flow, state, SpeechHeard("네", 0.5, "1", "네", 100.0, False), NOW)
    assert state.node == "menu" and state.confirming == "" and state.invalid_count == 1


def test_silence_at_the_confirmation_is_a_wrong_answer(flow):
    _, state = begin(flow)
    _, state = step(flow, state, SpeechHeard("요금 어", 0.4, "1", "요금", 72.0, False), NOW)
    instructions, state = step(flow, state, NoInput(), NOW)
    assert state.invalid_count == 1 and state.confirming == ""
    assert [p.text for p in instructions[-1].prompts] == ["다시", "메뉴"]


def test_speech_that_matches_nothing_gets_the_invalid_prompt(flow):
    _, state = begin(flow)
    instructions, state = step(flow, state, SpeechHeard("날씨 어때", 0.8, None), NOW)
    assert state.invalid_count == 1 and [p.text for p in instructions[-1].prompts] == ["다시", "메뉴"]


def test_keys_still_work_on_a_listening_menu(flow):
    _, state = begin(flow)
    _, state = step(flow, state, DigitsEntered("2"), NOW)
    assert state.node == "support"

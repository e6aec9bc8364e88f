"""Transcript alternatives -> menu option: exact phrases, stray words, thresholds, ambiguity. Pure."""
from __future__ import annotations

import subprocess
import sys

import pytest

from speech.matching import Match, MatchSettings, coverage, grammar_of, match, normalize

from speech_menu import MENU


@pytest.mark.parametrize(
    "alternatives, expected",
    [
        (["요금"], Match("billing", "요금", 100.0, True)),
        (["배송 기술 지원"], Match("support", "기술 지원", 100.0, True)),  # the phrase plus a stray word
        (["", "상담원 연결"], Match("agent", "상담원 연결", 95.0, True)),  # the second alternative
        (["  배송   조회! "], Match("delivery", "배송 조회", 100.0, True)),  # spacing and punctuation
    ],
)
def test_the_closest_option_over_the_alternatives_is_chosen(alternatives, expected):
    assert match(alternatives, MENU) == expected


@pytest.mark.parametrize("alternatives", [[], [""], ["안녕하세요"], ["날씨 어때요"]])
def test_nothing_close_enough_is_no_match(alternatives):
    assert match(alternatives, MENU) is None


def test_a_phrase_that_fits_two_options_nearly_as_well_is_low_confidence():
    chosen = match(["상담원 지원"], MENU)
    assert chosen is not None and not chosen.confident


def test_a_score_between_threshold_and_confirm_band_asks_for_confirmation():
    chosen = match(["배송 조"], MENU, settings=MatchSettings(confirm_below=95))
    assert (chosen.option, chosen.confident) == ("delivery", False)


def test_a_higher_threshold_turns_a_weak_match_into_none():
    assert match(["배송 조"], MENU, threshold=99) is None


def test_an_option_may_have_several_phrases():
    options = {"billing": ["요금", "요금 문의", "청구서"], "agent": ["상담원 연결"]}
    assert match(["청구서"], options).option == "billing"
    assert grammar_of(options) == ["요금", "요금 문의", "청구서", "상담원 연결"]


def test_normalize_keeps_hangul_and_drops_punctuation_and_extra_spaces():
    assert normalize(" 요금,  문의?! ABC ") == "요금 문의 abc"


def test_matching_imports_no_speech_engine():
    code = "import sys, speech.matching; print(sorted(m for m in ('vosk', 'pyttsx3') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_an_exact_phrase_heard_first_is_sure_even_when_lower_guesses_name_another_option():
    options = {"1": ["배송 조회", "배송"], "3": ["기술 지원", "고장"]}
    found = match(["배송 조회", "배송 조회 고장", "고장"], options)
    assert found == Match("1", "배송 조회", 100.0, True)


def test_a_phrase_two_options_share_is_not_sure():
    found = match(["문의"], {"1": ["문의"], "2": ["문의", "요금"]})
    assert found is not None and not found.confident


def test_a_phrase_heard_whole_with_a_stray_word_is_sure_when_it_explains_most_of_it():
    options = {"1": ["배송 조회", "배송"], "3": ["기술 지원", "고장"]}
    assert match(["배송 조회 고장"], options) == Match("1", "배송 조회", 100.0, True)


def test_two_phrases_of_the_same_length_heard_together_are_not_sure():
    found = match(["요금 고장"], {"2": ["요금"], "3": ["고장"]})
    assert found is None or not found.confident


SAMPLE_MENU = {"1": ["배송 조회", "배송"], "2": ["요금", "환불", "결제 문의"], "3": ["기술 지원", "고장"],
               "0": ["상담원 연결", "상담원"]}


@pytest.mark.parametrize(
    "said, heard",
    [
        ("안녕하세요 날씨가 좋네요", "연결 요금 조회 기술 요금"),  # what vosk's menu grammar made of them
        ("오늘 점심 뭐 먹지", "문의 지원 기술 환불 기술"),
        ("네 그렇습니다 고맙습니다", "조회 기술 지원 환불 기술"),
        ("(free words)", "오늘 날씨 정말 좋네요"),
    ],
)
def test_speech_far_from_every_phrase_is_not_understood_even_when_it_holds_a_phrase(said, heard):
    assert match([heard], SAMPLE_MENU) is None


@pytest.mark.parametrize(
    "heard, option",
    [
        ("배송 조회 고장", "1"),  # one stray word: the phrase explains two thirds
        ("환불", "2"),
        ("상담원 연결 해주세요", "0"),  # half of it is the phrase
    ],
)
def test_speech_mostly_explained_by_a_phrase_is_still_understood(heard, option):
    found = match([heard], SAMPLE_MENU)
    assert found is not None and found.option == option


@pytest.mark.parametrize(
    "heard, phrase, share",
    [("배송 조회 고장", "배송 조회", 0.67), ("연결 요금 조회 기술 요금", "요금", 0.2), ("요금", "요금 문의", 1.0), ("", "요금", 0.0)],
)
def test_coverage_is_the_share_of_what_was_heard_that_the_phrase_explains(heard, phrase, share):
    assert round(coverage(heard, phrase), 2) == share

"""Right, or ask: the decision rule over n-best alternatives, fillers, cut-off words. Pure."""
from __future__ import annotations

import pytest

from speech.decision import DEFAULT, SHORT, DecisionSettings, Hearing, decide, settings_for

MAIN = {"1": ["배송 조회", "배송"], "2": ["요금", "환불", "결제 문의"], "3": ["기술 지원", "고장"],
        "0": ["상담원 연결", "상담원"]}
YES_NO = {"1": ["네", "예", "응"], "2": ["아니요", "아니"]}


def test_an_exact_phrase_the_whole_n_best_agrees_on_is_sure():
    found = decide(Hearing(["배송 조회", "배송"], [0.7, 0.3]), MAIN)
    assert (found.option, found.confident) == ("1", True)


def test_the_same_words_cut_off_before_the_caller_finished_are_never_sure():
    found = decide(Hearing(["배송 조회", "배송"], [0.7, 0.3], cut_off=True), MAIN)
    assert found is not None and (found.option, found.confident) == ("1", False)


@pytest.mark.parametrize("heard", [["요금 고장"], ["고장 요금"], ["요금 상담원"], ["환불 고장", "고장"]])
def test_two_phrases_at_once_are_never_sure(heard):
    found = decide(Hearing(heard), MAIN)
    assert found is None or not found.confident


@pytest.mark.parametrize(
    "heard",
    [["안녕하세요 날씨 좋네요"], ["연결 요금 조회 기술 요금"], ["오늘 날씨 요금"], ["여보세요", "요금"], [""], []],
)
def test_speech_outside_the_menu_is_rejected(heard):
    assert decide(Hearing(heard), MAIN) is None


def test_a_filler_beside_a_phrase_may_be_asked_about_but_is_never_sure():
    found = decide(Hearing(["음 요금"], [1.0]), MAIN)
    assert found is None or not found.confident


def test_an_n_best_split_between_options_is_asked_not_acted_on():
    found = decide(Hearing(["요금", "고장", "배송"], [0.4, 0.35, 0.25]), MAIN)
    assert found is not None and not found.confident


def test_a_near_sound_is_asked_about_or_asked_again_never_taken():
    found = decide(Hearing(["요건"], [1.0]), {"2": ["요금"], "3": ["고장"]})
    assert found is None or (found.option, found.confident) == ("2", False)


def test_a_near_sound_scores_closer_to_its_phrase_than_to_the_others():
    loose = DecisionSettings(threshold=50.0, min_coverage=0.5)
    found = decide(Hearing(["요건"], [1.0]), {"2": ["요금"], "3": ["고장"]}, loose)
    assert (found.option, found.confident) == ("2", False)


def test_yes_no_menus_use_the_short_answer_settings():
    assert settings_for(YES_NO) is SHORT and settings_for(MAIN) is DEFAULT


def test_a_lone_yes_with_a_split_n_best_is_asked_again_rather_than_taken():
    found = decide(Hearing(["네", "아니"], [0.55, 0.45]), YES_NO)
    assert found is None or not found.confident


def test_a_two_syllable_answer_in_a_long_menu_is_confirmed_never_taken():
    # The grammar forces unclear speech into its short phrases with one path and full share.
    found = decide(Hearing(["고장"], [1.0], speech_s=0.5), MAIN)
    assert (found.option, found.confident) == ("3", False)


@pytest.mark.parametrize("heard, shares", [(["배송 조회 고장", "배송 조회"], [0.88, 0.12]), (["배송 조회 고장"], [1.0])])
def test_a_trailing_word_is_forgiven_when_the_phrase_alone_was_weighed_or_there_was_no_other_path(heard, shares):
    found = decide(Hearing(heard, shares), MAIN)
    assert (found.option, found.phrase, found.confident) == ("1", "배송 조회", True)


def test_a_phrase_plus_a_word_among_other_paths_must_be_mostly_the_phrase():
    assert decide(Hearing(["배송 조회 고장", "배송 조회 기술"], [0.6, 0.4]), MAIN) is None


@pytest.mark.parametrize("speech_s, sure", [(0.5, False), (0.8, False), (1.0, True), (3.0, True), (None, True)])
def test_a_phrase_longer_than_the_speech_is_never_sure(speech_s, sure):
    # 상담원 연결 is five syllables: more than 6 per second of speech (under 0.83 s) is too fast to be it.
    found = decide(Hearing(["상담원 연결"], [1.0], speech_s=speech_s), MAIN)
    assert (found.option, found.confident) == ("0", sure)


def test_a_quick_yes_no_within_its_own_speed_limit_is_sure_and_a_forced_one_is_not():
    assert decide(Hearing(["아니요"], [1.0], speech_s=0.46), YES_NO).confident
    assert not decide(Hearing(["아니요"], [1.0], speech_s=0.3), YES_NO).confident  # a one-syllable 응 forced


def test_a_yes_no_answer_needs_most_of_the_n_best():
    assert not decide(Hearing(["네", ""], [0.53, 0.47]), YES_NO).confident


def test_phrases_without_hangul_are_neither_counted_nor_length_checked():
    found = decide(Hearing(["agent"], [1.0], speech_s=0.1), {"0": ["agent"], "1": ["delivery"]})
    assert (found.option, found.confident) == ("0", True)

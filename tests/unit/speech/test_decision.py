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

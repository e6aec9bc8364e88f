"""Jamo decomposition and the Korean-aware distance the decision rule uses. Pure."""
from __future__ import annotations

import pytest

from speech.jamo import decompose, jamo_similarity


@pytest.mark.parametrize(
    "text, jamo",
    [("네", "ㄴㅔ"), ("요금 문의", "ㅇㅛㄱㅡㅁㅁㅜㄴㅇㅢ"), ("닭", "ㄷㅏㄺ"), ("가", "ㄱㅏ"), ("힣", "ㅎㅣㅎ"),
     ("yes 네", "yesㄴㅔ"), ("", "")],
)
def test_syllables_decompose_into_lead_vowel_and_tail(text, jamo):
    assert decompose(text) == jamo


def test_near_sounds_are_nearer_in_jamo_than_in_syllables():
    from rapidfuzz.distance import Indel

    assert jamo_similarity("네", "내") == 50.0 and Indel.normalized_similarity("네", "내") == 0.0
    assert jamo_similarity("요금", "요건") > 100 * Indel.normalized_similarity("요금", "요건")


def test_a_different_word_is_farther_than_a_near_one():
    assert jamo_similarity("요금", "요건") > jamo_similarity("요금", "고장")
    assert jamo_similarity("아니요", "아니") > jamo_similarity("아니요", "네")


def test_equal_texts_score_100_whatever_the_spacing():
    assert jamo_similarity("배송 조회", "배송조회") == 100.0

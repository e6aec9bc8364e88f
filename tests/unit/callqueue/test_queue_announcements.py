"""What a waiting caller is told: the callers AHEAD of it (next, one, several) and the wait, in Korean and English."""
from __future__ import annotations

from pathlib import Path

import pytest

from callqueue.config import load_queues, parse_queues
from callqueue.errors import ConfigError
from callqueue.queues import Announcement

SAMPLE = load_queues(Path(__file__).resolve().parents[3] / "flows" / "queues.yaml")


@pytest.mark.parametrize("language, ahead, said", [
    ("ko", 0, "다음 순서입니다."),
    ("ko", 1, "고객님 앞에 1명이 기다리고 있습니다."),
    ("ko", 2, "고객님 앞에 2명이 기다리고 있습니다."),
    ("ko", 7, "고객님 앞에 7명이 기다리고 있습니다."),
    ("en", 0, "You are next in line."),
    ("en", 1, "There is 1 caller ahead of you."),
    ("en", 2, "There are 2 callers ahead of you."),
    ("en", 7, "There are 7 callers ahead of you."),
])
def test_a_caller_is_told_how_many_callers_are_ahead(language, ahead, said):
    assert SAMPLE.announcements[language].news(ahead, None) == [said]


@pytest.mark.parametrize("language, estimate_s, said", [
    ("ko", 20, "예상 대기 시간은 약 1분입니다."),
    ("ko", 200, "예상 대기 시간은 약 4분입니다."),
    ("en", 20, "Your expected wait is about 1 minute."),
    ("en", 60, "Your expected wait is about 1 minute."),
    ("en", 61, "Your expected wait is about 2 minutes."),
    ("en", 200, "Your expected wait is about 4 minutes."),
])
def test_the_expected_wait_follows_in_whole_minutes(language, estimate_s, said):
    assert SAMPLE.announcements[language].news(0, estimate_s)[1:] == [said]


def test_a_language_without_a_singular_minute_uses_the_estimate_text():
    words = Announcement(estimate="약 {minutes}분")
    assert words.news(3, 30) == ["There are 3 callers ahead of you.", "약 1분"]


def test_the_old_position_text_is_refused_with_what_replaces_it():
    with pytest.raises(ConfigError) as refused:
        parse_queues('announcements:\n  en: {position: "You are number {position} in line."}\nqueues: {q: {}}\n', "queues.yaml")
    assert "queues.yaml:2:" in str(refused.value) and "replaced by next, one_ahead and ahead" in str(refused.value)


def test_the_centers_time_zone_must_be_a_real_zone():
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        parse_queues("timezone: Mars/Olympus\nqueues: {q: {}}\n", "queues.yaml")
    assert SAMPLE.timezone == "Asia/Seoul" and parse_queues("queues: {q: {}}\n").timezone == "UTC"

"""Business hours in Seoul decide the branch after the language choice: open hours reach the main menu, closed
hours the closed message and voicemail, in the language the caller chose."""
from __future__ import annotations

import pytest
from sample import (CLOSED_EN, CLOSED_KO, EVE_11, EVE_13, GREETING, LANGUAGE_PROMPT, MENU_EN, MENU_KO, MONDAY_10,
                    MONDAY_20, NEW_YEAR_11, SATURDAY_12, SATURDAY_14, SUNDAY_11, VOICEMAIL_EN, VOICEMAIL_KO)

from ivr.sim import run_call

OPEN = [GREETING, LANGUAGE_PROMPT, MENU_KO]
CLOSED = [GREETING, LANGUAGE_PROMPT, CLOSED_KO, VOICEMAIL_KO]


@pytest.mark.parametrize("moment, heard", [
    (MONDAY_10, OPEN),
    (MONDAY_20, CLOSED),
    (SUNDAY_11, CLOSED),
    (SATURDAY_12, OPEN),
    (SATURDAY_14, CLOSED),
    (NEW_YEAR_11, CLOSED),   # a Thursday, but 신정
    (EVE_11, OPEN),          # 성탄 전야 단축 근무: 09:00-12:00
    (EVE_13, CLOSED),        # a Thursday afternoon, closed on the short day
], ids=["monday-10", "monday-20", "sunday", "saturday-12:30", "saturday-14", "new-year", "eve-11", "eve-13"])
def test_the_hour_in_seoul_decides_between_the_menu_and_voicemail(transport, signed, clock, moment, heard):
    clock.current = moment
    result = run_call(transport, ["1"] if heard is OPEN else ["1", "2"], options=signed)  # closed: 2 leaves a message
    assert result.said_texts == heard


def test_a_caller_who_chose_english_hears_that_we_are_closed_in_english(transport, signed, clock):
    clock.current = MONDAY_20
    result = run_call(transport, ["2", "2"], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, CLOSED_EN, VOICEMAIL_EN]


def test_open_hours_in_english_reach_the_english_menu(transport, signed, clock):
    clock.current = MONDAY_10
    result = run_call(transport, ["2"], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, MENU_EN]


def test_hours_check_is_in_the_call_event_log(transport, signed, clock, call_record):
    clock.current = NEW_YEAR_11
    result = run_call(transport, ["1"], options=signed)
    checked = [e for e in call_record(result.call_sid)["events"] if e["kind"] == "hours_checked"]
    assert [(e["node"], e["detail"]) for e in checked] == [("office_hours", {"open": False, "timezone": "Asia/Seoul"})]

"""Keys every menu understands when they are not options: `#` repeats the menu, `*` goes back to the previous one;
and a menu heard again plays its short prompt."""
from __future__ import annotations

from sample import (AGENT_KO, ANYTHING_ELSE_EN, IN_TRANSIT, IN_TRANSIT_EN, LANGUAGE_PROMPT, MENU_EN, ORDER_EN,
                    SHORT_MENU_EN, SHORT_MENU_KO)

from ivr.sim import run_call


def test_hash_repeats_the_main_menu_in_its_short_form(transport, signed, call_record):
    result = run_call(transport, ["2", "#", "1"], options=signed)
    assert result.said_texts[2:] == [MENU_EN, SHORT_MENU_EN, ORDER_EN]
    assert "menu_repeated" in [e["kind"] for e in call_record(result.call_sid)["events"]]


def test_nine_replays_the_main_menu_as_an_option(transport, signed):
    result = run_call(transport, ["2", "9", "1"], options=signed)
    assert result.said_texts[2:] == [MENU_EN, SHORT_MENU_EN, ORDER_EN]


def test_star_goes_back_from_the_order_result_to_the_main_menu(transport, signed, call_record):
    result = run_call(transport, ["2", "1", f"{IN_TRANSIT}#", "*", "1"], options=signed)
    assert result.said_texts[-5:] == [ORDER_EN, IN_TRANSIT_EN, ANYTHING_ELSE_EN, SHORT_MENU_EN, ORDER_EN]
    back = [e["detail"] for e in call_record(result.call_sid)["events"] if e["kind"] == "menu_back"]
    assert back == [{"to": "main_menu"}]


def test_star_with_no_previous_menu_is_an_invalid_key(transport, signed):
    result = run_call(transport, ["*", "2"], options=signed)
    assert result.said_texts[1:4] == [LANGUAGE_PROMPT, "잘못 누르셨습니다.", LANGUAGE_PROMPT]


def test_star_at_the_main_menu_goes_back_to_the_language_menu_then_on_to_the_main_menu(transport, signed):
    result = run_call(transport, ["2", "*", "1", "0"], options=signed)
    assert result.said_texts[2:6] == [MENU_EN, LANGUAGE_PROMPT, SHORT_MENU_KO, AGENT_KO]
    assert "☎ hangup" not in result.lines

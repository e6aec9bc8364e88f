"""The keys a scripted caller presses, and what Twilio makes of them in a Gather."""
from __future__ import annotations

import pytest

from ivr.sim.caller import collect, parse_digits


@pytest.mark.parametrize("keys, num_digits, finish_on_key, expected", [
    ("12345#", None, "#", ("12345", "#")),
    ("12#45", None, "#", ("12", "#")),
    ("1", 1, "", ("1", "")),
    ("123", 2, "#", ("12", "")),
    ("12", 4, "#", ("12", "")),       # timeout after two keys
    ("#", None, "#", ("", "#")),
    ("12*", None, "*", ("12", "*")),
    ("1#", None, "", ("1#", "")),     # finishOnKey="" makes # an ordinary key
])
def test_gather_digits_follow_twilios_rules(keys, num_digits, finish_on_key, expected):
    assert collect(keys, num_digits, finish_on_key) == expected


@pytest.mark.parametrize("script, expected", [
    ("1,1,12345#,2", ["1", "1", "12345#", "2"]),
    ("1,,2", ["1", "", "2"]),
    (" 2 , 0 ", ["2", "0"]),
    ("*9#", ["*9#"]),
])
def test_digit_scripts_give_one_item_per_gather(script, expected):
    assert parse_digits(script) == expected


def test_digit_script_with_letters_is_refused():
    with pytest.raises(ValueError, match="'1a' is not keypad input"):
        parse_digits("2,1a")

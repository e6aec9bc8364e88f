"""Phone numbers a caller gives for a callback: E.164 as caller ID shows it, or Korean domestic numbers keyed in."""
from __future__ import annotations

import re

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
KOREAN = re.compile(r"^0(1[016789][0-9]{7,8}|2[2-9][0-9]{6,7}|[3-6][1-5][2-9][0-9]{6,7}|70[0-9]{8})$")


def callback_number(text: str) -> str | None:
    """`text` as an E.164 number to call back (01012345678 -> +821012345678); None when it is not a number we can
    call: too short or long, a service code, an unknown area, or anonymous caller ID."""
    digits = (text or "").strip().replace("-", "").replace(" ", "")
    if E164.match(digits):
        return digits
    if KOREAN.match(digits):
        return "+82" + digits[1:]
    return None


def spoken(number: str) -> str:
    """A number as it is read back: domestic form, digit by digit (+821012345678 -> 0 1 0 1 2 3 4 5 6 7 8)."""
    local = "0" + number[3:] if number.startswith("+82") else number.lstrip("+")
    return " ".join(local)

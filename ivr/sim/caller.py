"""The person on the phone: keys from a script (`1,,12345#`) or typed at the terminal, and what Twilio makes of them."""
from __future__ import annotations

import re
from typing import Callable

from .errors import CallerHungUp

KEYPAD = re.compile(r"^[0-9*#]*$")
HANG_UP = "q"


def parse_digits(script: str) -> list[str]:
    """`"1,,12345#"` -> `["1", "", "12345#"]`: one item per Gather, empty for no input. Raises ValueError."""
    items = [item.strip() for item in script.split(",")]
    for item in items:
        if not KEYPAD.match(item):
            raise ValueError(f"{item!r} is not keypad input (0-9, *, #)")
    return items


def collect(keys: str, num_digits: int | None, finish_on_key: str) -> tuple[str, str]:
    """Twilio's `(Digits, FinishedOnKey)` for the keys pressed: the finish key ends input and is not included;
    reaching numDigits ends it too (FinishedOnKey ""); keys after the end are lost."""
    digits = ""
    for key in keys:
        if finish_on_key and key == finish_on_key[0]:
            return digits, key
        digits += key
        if num_digits and len(digits) >= num_digits:
            return digits, ""
    return digits, ""


class ScriptedCaller:
    """Presses the scripted keys, one item per Gather; hangs up when the script runs out."""

    def __init__(self, digits: list[str]):
        self.remaining = list(digits)

    def keys(self, prompt: str) -> str | None:
        if not self.remaining:
            raise CallerHungUp("the script ran out")
        item = self.remaining.pop(0)
        return item or None


class TerminalCaller:
    """Asks a person for keys: an empty line is no input, `q` (or end of input) hangs up."""

    def __init__(self, read_line: Callable[[str], str | None], warn: Callable[[str], None]):
        self.read_line, self.warn = read_line, warn

    def keys(self, prompt: str) -> str | None:
        while True:
            line = self.read_line(prompt)
            if line is None or line.strip().lower() == HANG_UP:
                raise CallerHungUp("at the terminal")
            keys = line.strip().replace(" ", "")
            if KEYPAD.match(keys):
                return keys or None
            self.warn("keys are 0-9, * and #; Enter for no input, q to hang up")

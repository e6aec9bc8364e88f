"""The person on the phone: keys, recordings and spoken answers from a script (`1,,12345#,rec:12,say:요금`) or
typed at the terminal."""
from __future__ import annotations

import re
from typing import Callable

from .errors import CallerHungUp, ScriptMismatch
from .recording import Speech, parse_speech
from .speaking import parse_spoken

KEYPAD = re.compile(r"^[0-9*#]*$")
HOLD_KEYS = re.compile(r"^cb:([0-9*#]+)$")  # keys pressed while waiting in a queue (the callback offer)
HANG_UP = "q"


def parse_digits(script: str) -> list[str]:
    """`"1,,12345#,rec:12"` -> `["1", "", "12345#", "rec:12"]`: one item per Gather or Record, empty for no
    input (silence). Raises ValueError."""
    items = [item.strip() for item in script.split(",")]
    for item in items:
        check_item(item)
    return items


def check_item(item: str) -> None:
    """Raise ValueError unless `item` is keypad input (0-9, *, #), a recording (`rec:12`), an answer by voice at
    a listening menu (`say:배송 조회`, `wav:answer.wav`, `dtmf:1`) or keys pressed while waiting in a queue (`cb:1`)."""
    if item.startswith("cb:"):
        if not HOLD_KEYS.match(item):
            raise ValueError(f"{item!r}: keys pressed while waiting in a queue are 0-9, * and #, like cb:1")
        return
    if parse_spoken(item) is None and parse_speech(item) is None and not KEYPAD.match(item):
        raise ValueError(f"{item!r} is not keypad input (0-9, *, #), a recording (rec:SECONDS), an answer by "
                         f"voice (say:WORDS, wav:FILE, dtmf:KEY) or keys while waiting in a queue (cb:1)")


def speech_of(item: str) -> Speech | None:
    """What a script item means at a <Record>: `rec:...` speaks; keys alone record nothing; "" is silence."""
    speech = parse_speech(item)
    if speech is not None or not item:
        return speech
    return Speech(0, item[0])


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

    def hold_keys(self) -> str | None:
        """At a wait document's <Gather>: the keys of a `cb:KEY` item next in the script; else nothing pressed."""
        match = HOLD_KEYS.match(self.remaining[0]) if self.remaining else None
        if match is None:
            return None
        self.remaining.pop(0)
        return match.group(1)

    def keys(self, prompt: str) -> str | None:
        item = self._next()
        if item.startswith("cb:"):
            raise ScriptMismatch(f"the script says {item!r} (a key while waiting in a queue) but Twilio is "
                                 f"gathering keys at a menu")
        if parse_speech(item) is not None:
            raise ScriptMismatch(f"the script says {item!r} (a recording) but Twilio is gathering keys")
        if parse_spoken(item) is not None:
            raise ScriptMismatch(f"the script says {item!r} but this menu takes keys only (it does not listen)")
        return item or None

    def menu_answer(self, prompt: str) -> str | None:
        """At a listening menu: keys, or `say:`/`wav:`/`dtmf:` (None: silence)."""
        item = self._next()
        if parse_speech(item) is not None:
            raise ScriptMismatch(f"the script says {item!r} (a recording) but Twilio is asking a listening menu")
        return item or None

    def speech(self, prompt: str) -> Speech | None:
        item = self._next()
        if parse_spoken(item) is not None:
            raise ScriptMismatch(f"the script says {item!r} but this <Record> is a voicemail: use rec:SECONDS")
        return speech_of(item)

    def _next(self) -> str:
        if not self.remaining:
            raise CallerHungUp("the script ran out")
        return self.remaining.pop(0)


class TerminalCaller:
    """Asks a person for keys or a recording: an empty line is no input (silence), `q` (or end of input) hangs up."""

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

    def menu_answer(self, prompt: str) -> str | None:
        """At a listening menu: keys, `say:words`, `wav:file` or `dtmf:KEY`; Enter is silence."""
        while True:
            line = self.read_line(prompt)
            if line is None or line.strip().lower() == HANG_UP:
                raise CallerHungUp("at the terminal")
            answer = line.strip()
            try:
                if parse_spoken(answer) is not None or KEYPAD.match(answer.replace(" ", "")):
                    return (answer if parse_spoken(answer) else answer.replace(" ", "")) or None
            except ValueError as exc:
                self.warn(str(exc))
                continue
            self.warn("keys (0-9, * and #), say:WORDS, wav:FILE or dtmf:KEY; Enter for silence, q to hang up")

    def speech(self, prompt: str) -> Speech | None:
        """At a <Record>: `12` speaks 12 s then presses #, `12:hangup`, `12:silence`; Enter is silence."""
        while True:
            line = self.read_line(prompt)
            if line is None or line.strip().lower() == HANG_UP:
                raise CallerHungUp("at the terminal")
            said = line.strip().replace(" ", "")
            try:
                return speech_of(f"rec:{said}" if said[:1].isdigit() else said)
            except ValueError:
                self.warn("seconds to speak (12), optionally :hangup, :silence or :KEY after it; Enter for silence")

"""Turn Twilio's webhook form into CallInfo and engine events; junk becomes input the flow handles."""
from __future__ import annotations

import re

from ..flow.events import DialEnded, DigitsEntered, NoInput, RecordingMade
from ..service import KNOWN_STATUSES, CallInfo

CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
KEYPAD = re.compile(r"[^0-9*#]")
MAX_DIGITS = 64
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() is True, and int("²") fails
MAX_SECONDS = 10_000_000                 # 115 days: far past any call, well inside a 32-bit column


class BadWebhook(Exception):
    """A request Twilio would never send (no CallSid, say); answered 400, never a crash."""


def check_text(path: str, form) -> None:
    """Refuse a NUL byte anywhere: no Twilio request has one, and PostgreSQL cannot store it."""
    if "\x00" in path or any("\x00" in key or "\x00" in value for key, value in form.items(multi=True)):
        raise BadWebhook("a NUL byte in the request")


def seconds(value: str | None) -> int | None:
    """A count of seconds as Twilio writes it (ASCII digits), capped; None when absent or not a number."""
    text = (value or "").strip()
    return min(int(text), MAX_SECONDS) if WHOLE_NUMBER.fullmatch(text) else None


def call_info(form) -> CallInfo:
    """The call's identity from any webhook; CallSid is the one field we cannot do without."""
    call_sid = (form.get("CallSid") or "").strip()
    if not CALL_SID.match(call_sid):
        raise BadWebhook(f"CallSid missing or malformed: {call_sid[:40]!r}")
    status = (form.get("CallStatus") or "").strip()
    return CallInfo(
        call_sid=call_sid,
        account_sid=(form.get("AccountSid") or "")[:64],
        from_number=(form.get("From") or form.get("Caller") or "anonymous")[:64],
        to_number=(form.get("To") or form.get("Called") or "")[:64],
        direction=(form.get("Direction") or "")[:32],
        status=status if status in KNOWN_STATUSES else "",
    )


def gather_event(form) -> DigitsEntered | NoInput:
    """A Gather's answer: the keys pressed, or no input when Digits is absent or empty."""
    digits = form.get("Digits")
    if digits is None or digits == "":
        return NoInput()
    # Keep junk visible to the flow as an invalid choice rather than dropping it.
    cleaned = digits.strip()[:MAX_DIGITS]
    return DigitsEntered(cleaned if cleaned else "?")


def dial_event(form) -> DialEnded:
    status = (form.get("DialCallStatus") or "failed").strip()
    return DialEnded(status=status, duration_s=_int(form.get("DialCallDuration")))


def _int(value: str | None) -> int:
    return seconds(value) or 0


def recording_event(form) -> RecordingMade:
    """A <Record>'s answer; no RecordingUrl (the fall-through Redirect) means nothing was recorded."""
    return RecordingMade(url=(form.get("RecordingUrl") or "").strip()[:1024], duration_s=_int(form.get("RecordingDuration")),
                         finished_on=(form.get("Digits") or "")[:16], sid=(form.get("RecordingSid") or "")[:64])

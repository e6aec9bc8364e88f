"""Twilio-shaped webhook requests for the benchmarks: the form of one call and its signature."""
from __future__ import annotations

from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

MAIN_NUMBER = "+18005550100"  # flows/main.yaml answers it
STEP_PATH = "/voice/step"
REPEAT_MENU = {"node": "main_menu", "digits": "9"}  # main_menu's option 9 stays at main_menu


def call_sid(index: int) -> str:
    return f"CA{index:032x}"


def call_form(index: int, **extra: str) -> dict[str, str]:
    """The parameters Twilio sends on every webhook of call number `index`, plus `extra`."""
    return {
        "CallSid": call_sid(index), "AccountSid": "AC" + "0" * 32, "From": f"+1555{index:07d}",
        "To": MAIN_NUMBER, "CallStatus": "in-progress", "Direction": "inbound", "ApiVersion": "2010-04-01",
        **extra,
    }


def step_path(node: str) -> str:
    return f"{STEP_PATH}?{urlencode({'node': node})}"


class Signer:
    """X-Twilio-Signature for a form posted to a URL, as Twilio computes it."""

    def __init__(self, auth_token: str):
        self.validator = RequestValidator(auth_token)

    def headers(self, url: str, form: dict[str, str]) -> dict[str, str]:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": self.validator.compute_signature(url, form),
        }


def body(form: dict[str, str]) -> str:
    return urlencode(form)

"""Twilio's side of the wire: the call's identity, the parameters every request carries, signatures, URLs."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from twilio.request_validator import RequestValidator

API_VERSION = "2010-04-01"
DEFAULT_FROM = "+821012345678"
DEFAULT_TO = "+18005550100"


def new_sid(prefix: str) -> str:
    """A Twilio-shaped id: two letters and 32 hex digits (CA... for calls, AC... for accounts)."""
    return prefix + secrets.token_hex(16)


@dataclass(frozen=True)
class CallIdentity:
    """Who calls whom on which account; the same on every request of the call."""

    call_sid: str
    account_sid: str
    from_number: str = DEFAULT_FROM
    to_number: str = DEFAULT_TO

    @classmethod
    def new(cls, from_number: str = DEFAULT_FROM, to_number: str = DEFAULT_TO, account_sid: str = "",
            call_sid: str = "") -> "CallIdentity":
        """A fresh call; ids not given are random, as Twilio's are."""
        return cls(call_sid or new_sid("CA"), account_sid or new_sid("AC"), from_number, to_number)

    def params(self, call_status: str) -> dict[str, str]:
        """The parameters Twilio puts on every TwiML request and status callback of an inbound call."""
        return {
            "CallSid": self.call_sid, "AccountSid": self.account_sid,
            "From": self.from_number, "To": self.to_number,
            "Caller": self.from_number, "Called": self.to_number,
            "CallStatus": call_status, "Direction": "inbound", "ApiVersion": API_VERSION,
        }


SHOW_PROMPT_TEXT = "X-IVR-Prompt-Text"


class Signer:
    """X-Twilio-Signature as Twilio computes it; with no auth token, requests go unsigned."""

    def __init__(self, auth_token: str = ""):
        self.validator = RequestValidator(auth_token) if auth_token else None

    def headers(self, public_url: str, form: dict) -> dict[str, str]:
        shown = {SHOW_PROMPT_TEXT: "1"}  # not Twilio's: asks our server for the words of each <Play> it sends
        if self.validator is None:
            return shown
        return {**shown, "X-Twilio-Signature": self.validator.compute_signature(public_url, form)}


class Addressing:
    """Maps the URLs Twilio would request (public) onto the server the simulator really talks to."""

    def __init__(self, base_url: str, public_url: str = ""):
        self.base_url = base_url.rstrip("/")
        self.public_url = (public_url or base_url).rstrip("/")

    def resolve(self, reference: str, document_url: str) -> str:
        """An action or Redirect URL made absolute against the document that named it, as Twilio does."""
        return urljoin(document_url, reference.strip())

    def start(self, path: str) -> str:
        return urljoin(self.public_url + "/", path)

    def local(self, public: str) -> str:
        rest = public[len(self.public_url):]
        if public.startswith(self.public_url) and rest[:1] in ("", "/", "?"):
            return self.base_url + rest
        return public


def with_query(url: str, params: dict) -> str:
    """A GET request's URL: Twilio appends its parameters to the query string."""
    return url + ("&" if "?" in url else "?") + urlencode(params)

"""Test helpers: Twilio-shaped signed requests, and TwiML read by element paths."""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

TOKEN = "test-auth-token"


def twiml(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == "Response"
    return root


def verbs(root: ET.Element) -> list[str]:
    return [child.tag for child in root]


def said(root: ET.Element) -> list[str]:
    """Every <Say> text, in order, nested ones included."""
    return [el.text or "" for el in root.iter("Say")]


def new_call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def twilio_params(call_sid: str, **extra) -> dict:
    """The parameters Twilio sends on every voice webhook (twilio-wire.md §1)."""
    base = {
        "CallSid": call_sid, "AccountSid": "AC" + "0" * 32, "From": "+821012345678", "To": "+18005550100",
        "Caller": "+821012345678", "Called": "+18005550100", "CallStatus": "in-progress",
        "Direction": "inbound", "ApiVersion": "2010-04-01", "FromCountry": "KR", "ToCountry": "US",
    }
    return {**base, **extra}


class TwilioClient:
    """Posts to the app as Twilio does: form-encoded, signed with the auth token."""

    def __init__(self, client, token: str = TOKEN):
        self.client, self.token = client, token

    def post(self, path: str, params: dict, sign: bool = True, signature: str | None = None):
        headers = {}
        if sign:
            url = "http://localhost" + path
            headers["X-Twilio-Signature"] = signature or RequestValidator(self.token).compute_signature(url, params)
        return self.client.post(path, data=params, headers=headers)

    def start(self, call_sid: str, **extra):
        return self.post("/voice", twilio_params(call_sid, CallStatus="ringing", **extra))

    def press(self, call_sid: str, node: str, digits: str | None, **extra):
        params = twilio_params(call_sid, **extra)
        if digits is not None:
            params["Digits"] = digits
        return self.post(f"/voice/step?{urlencode({'node': node})}", params)

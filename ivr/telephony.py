"""Outbound Twilio REST: send a waiting caller out of its queue at once; a fake records the requests in tests."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

log = logging.getLogger(__name__)
LEFT_PATH = "/voice/queue/left"


def left_url(base_url: str, node: str) -> str:
    """The Enqueue action of the node, as the absolute URL Twilio is sent to (and signs)."""
    return f"{base_url}{LEFT_PATH}?{urlencode({'node': node})}"


class TwilioTelephony:
    """Redirects a live call with twilio's REST client (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL)."""

    def __init__(self, account_sid: str, auth_token: str, base_url: str, client=None):
        from twilio.rest import Client

        self.client = client or Client(account_sid, auth_token)
        self.base_url = base_url

    def leave_queue(self, call_sid: str, node: str) -> bool:
        """Point the waiting call at its Enqueue action now; on failure the next wait-URL request does it."""
        try:
            self.client.calls(call_sid).update(url=left_url(self.base_url, node), method="POST")
        except Exception as exc:  # noqa: BLE001 - the wait URL is the fallback; the caller is not lost
            log.warning("REST redirect of call %s failed (%s); it leaves the queue on its next wait request", call_sid, exc)
            return False
        return True


class FakeTelephony:
    """Records every redirect and status lookup instead of calling Twilio; `statuses` holds the calls' CallStatus."""

    def __init__(self, base_url: str = "https://ivr.example", statuses: dict[str, str] | None = None):
        self.base_url = base_url
        self.redirects: list[tuple[str, str]] = []
        self.statuses: dict[str, str] = dict(statuses or {})
        self.status_lookups: list[str] = []

    def leave_queue(self, call_sid: str, node: str) -> bool:
        self.redirects.append((call_sid, left_url(self.base_url, node)))
        return True

    def call_status(self, call_sid: str) -> str | None:
        """The call's CallStatus as set in `statuses`; None (unknown) for any other call."""
        self.status_lookups.append(call_sid)
        return self.statuses.get(call_sid)


def telephony_for(settings):
    """The REST adapter when credentials and the public URL are set; None (webhooks only) otherwise."""
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.public_base_url:
        return TwilioTelephony(settings.twilio_account_sid, settings.twilio_auth_token, settings.public_base_url)
    return None

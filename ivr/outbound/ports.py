"""The outbound Twilio port: what the rest of the server may ask of Twilio's REST API and media.

Implemented by `TwilioRest` (ivr/outbound/twilio_rest.py) and, in tests, by one recording fake (tests/fakes.py).
Failures are answers, never exceptions: a redirect that did not happen is False (the webhook fallback moves the
call on), an unknown call status is None, a refused or missing download is None (the caller gets the retry path).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

CURRENT_RECORDING = "Twilio.CURRENT"  # Twilio's name for the call's recording in progress
RECORDING_STATUSES = ("paused", "in-progress", "stopped")


@dataclass(frozen=True)
class Media:
    """A download's answer: the bytes, or why there are none and whether trying again later may help."""

    body: bytes | None
    reason: str = ""         # '' when `body` is there
    permanent: bool = False  # refused (host not allowed, too big): retrying cannot help


@dataclass(frozen=True)
class OutboundCall:
    """A call to place: Twilio dials `to` from `from_` and, once answered, fetches its TwiML from `url`."""

    to: str
    from_: str
    url: str                  # absolute, or a path on this server (PUBLIC_BASE_URL is put in front)
    status_callback: str = ""  # absolute, or a path on this server; '' for none
    timeout_s: int = 30        # seconds Twilio lets it ring


class Telephony(Protocol):
    """Outbound Twilio: live calls, placed calls, recordings and their media."""

    rest_ready: bool  # credentials and PUBLIC_BASE_URL are set: the REST methods can reach Twilio

    def redirect(self, call_sid: str, url: str) -> bool:
        """Point a live call at new TwiML (`url`: absolute, or a path on this server); False when it failed."""

    def place_call(self, call: OutboundCall) -> str | None:
        """Place a call; the new CallSid, or None when Twilio did not take it."""

    def call_status(self, call_sid: str) -> str | None:
        """Twilio's CallStatus of the call (`queued`, `in-progress`, `completed`...), or None when unknown."""

    def update_recording(self, call_sid: str, status: str, recording_sid: str = CURRENT_RECORDING) -> bool:
        """Pause (`paused`, the paused part skipped: PauseBehavior=skip), resume (`in-progress`) or stop a call's
        recording; False when it failed."""

    def delete_recording(self, recording_sid: str) -> bool:
        """Delete Twilio's copy of a recording (after ours is verified); False when it failed."""

    def fetch_media(self, url: str) -> Media:
        """One attempt at the media at `url` (allowed hosts only), with the reason when there is nothing."""

    def download(self, url: str, tries: int = 1) -> bytes | None:
        """The media at `url` (allowed hosts only); a 404 is tried again up to `tries` times; None when not fetched."""


def absolute(base_url: str, url: str) -> str:
    """`url` as Twilio must be given it: a path on this server gets PUBLIC_BASE_URL in front."""
    return f"{base_url.rstrip('/')}{url}" if url.startswith("/") else url


def check_recording_status(status: str) -> str:
    if status not in RECORDING_STATUSES:
        raise ValueError(f"recording status {status!r}: use one of {', '.join(RECORDING_STATUSES)}")
    return status

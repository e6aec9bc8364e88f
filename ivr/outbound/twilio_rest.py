"""The Twilio adapter of the outbound port: REST calls with twilio's `Client`, media with `MediaDownloader`.

The REST base URL is a setting (TWILIO_API_BASE_URL), so tests and operators can point the client at a stand-in
or a regional host; twilio's client still builds the requests and signs them with the account's credentials.
"""
from __future__ import annotations

import logging

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .hosts import MediaHosts
from .media import MediaDownloader
from .ports import CURRENT_RECORDING, Media, OutboundCall, absolute, check_recording_status

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
REST_TIMEOUT_S = 5.0  # a redirect runs inside a webhook or the router: never wait long for Twilio
REST_FAULTS = (TwilioException, requests.RequestException, ValueError)  # ValueError: an answer that is not JSON


class TwilioRest:
    """Redirects and places calls, reads call status, pauses, resumes and deletes recordings, downloads media."""

    def __init__(self, account_sid: str, auth_token: str, public_base_url: str, media: MediaDownloader,
                 api_base_url: str = TWILIO_API, timeout_s: float = REST_TIMEOUT_S):
        self.base_url, self.media = public_base_url, media
        self.client = _client(account_sid, auth_token, api_base_url, timeout_s) if account_sid and auth_token else None
        self.rest_ready = self.client is not None and bool(public_base_url)

    @classmethod
    def from_settings(cls, settings) -> "TwilioRest":
        auth = (settings.twilio_account_sid, settings.twilio_auth_token)
        media = MediaDownloader(MediaHosts(settings.twilio_media_hosts), auth if all(auth) else None,
                                settings.twilio_media_max_bytes)
        return cls(*auth, settings.public_base_url, media, settings.twilio_api_base_url)

    def redirect(self, call_sid: str, url: str) -> bool:
        if not self._ready("redirect", call_sid):
            return False
        try:
            self.client.calls(call_sid).update(url=absolute(self.base_url, url), method="POST")
        except REST_FAULTS as exc:
            log.warning("REST redirect of call %s failed (%s); its webhooks move it on instead", call_sid, exc)
            return False
        return True

    def place_call(self, call: OutboundCall) -> str | None:
        if not self._ready("call to", call.to):
            return None
        extra = {"status_callback": absolute(self.base_url, call.status_callback), "status_callback_method": "POST"}
        try:
            placed = self.client.calls.create(to=call.to, from_=call.from_, url=absolute(self.base_url, call.url),
                                              method="POST", timeout=call.timeout_s,
                                              **(extra if call.status_callback else {}))
        except REST_FAULTS as exc:
            log.warning("REST call to %s not placed: %s", call.to, exc)
            return None
        return placed.sid or None

    def call_status(self, call_sid: str) -> str | None:
        if self.client is None:
            return None
        try:
            status = self.client.calls(call_sid).fetch().status
        except REST_FAULTS as exc:
            log.warning("REST status of call %s unknown: %s", call_sid, exc)
            return None
        return str(status) if status else None

    def update_recording(self, call_sid: str, status: str, recording_sid: str = CURRENT_RECORDING) -> bool:
        check_recording_status(status)
        if self.client is None:
            log.warning("recording of call %s not set %s: no REST credentials", call_sid, status)
            return False
        try:
            # skip: the paused part (a card number, a PIN) is left out of the file, not replaced by silence
            extra = {"pause_behavior": "skip"} if status == "paused" else {}
            self.client.calls(call_sid).recordings(recording_sid).update(status=status, **extra)
        except REST_FAULTS as exc:
            log.warning("recording %s of call %s not set %s: %s", recording_sid, call_sid, status, exc)
            return False
        return True

    def delete_recording(self, recording_sid: str) -> bool:
        if self.client is None:
            log.warning("recording %s not deleted from Twilio: no REST credentials", recording_sid)
            return False
        try:
            return bool(self.client.recordings(recording_sid).delete())
        except REST_FAULTS as exc:
            log.warning("recording %s not deleted from Twilio: %s", recording_sid, exc)
            return False

    def download(self, url: str, tries: int = 1) -> bytes | None:
        return self.media.download(url, tries)

    def fetch_media(self, url: str) -> Media:
        return self.media.fetch(url)

    def _ready(self, what: str, whom: str) -> bool:
        if not self.rest_ready:
            log.warning("REST %s %s skipped: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL are needed", what, whom)
        return self.rest_ready


class BaseUrlHttpClient(TwilioHttpClient):
    """twilio's HTTP client, sending what twilio addresses to https://api.twilio.com to `api_base_url` instead."""

    def __init__(self, api_base_url: str, timeout_s: float):
        super().__init__(timeout=timeout_s)
        self.api_base_url = api_base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.api_base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def _client(account_sid: str, auth_token: str, api_base_url: str, timeout_s: float) -> Client:
    client = Client(account_sid, auth_token, http_client=BaseUrlHttpClient(api_base_url, timeout_s))
    client.edge = client.region = None  # the host is TWILIO_API_BASE_URL alone, whatever TWILIO_REGION/EDGE say
    return client

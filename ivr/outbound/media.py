"""Downloads Twilio media (recordings) from allowed hosts only, with a size cap and redirects checked hop by hop.

A webhook hands us a RecordingUrl; fetching whatever it names would let anyone who can post a webhook make the
server request any address in the operator's network. So every URL, and every redirect target, must be in
TWILIO_MEDIA_HOSTS (see `hosts`). Twilio may answer a media URL with a redirect to a pre-signed URL on its media
storage (observed: a 307 to https://media.twiliocdn.com/...); that is followed only because that host is listed
too, and the account's credentials are never sent to a host other than the one first asked.
"""
from __future__ import annotations

import logging
import time
from urllib.parse import urljoin, urlsplit

import requests

from .hosts import MediaHosts
from .ports import Media

log = logging.getLogger(__name__)
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
DEFAULT_MAX_BYTES = 64_000_000  # about 33 minutes of Twilio's 8 kHz 16-bit WAV
NOT_YET = object()  # 404: Twilio may still be writing the file when the webhook arrives
RETRY_PAUSE_S = 0.4


class MediaDownloader:
    """GETs media with the account's credentials; refused, failed or too big is logged and is None."""

    def __init__(self, hosts: MediaHosts, auth: tuple[str, str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 timeout_s: float = 4.0, session: requests.Session | None = None, sleep=time.sleep):
        self.hosts, self.auth, self.max_bytes, self.timeout_s = hosts, auth, max_bytes, timeout_s
        self.session = session or requests.Session()
        self.sleep = sleep

    def download(self, url: str, tries: int = 1) -> bytes | None:
        for attempt in range(max(1, tries)):
            got = self._follow(url)
            if got is not NOT_YET:
                return got if isinstance(got, bytes) else None
            if attempt + 1 < tries:
                self.sleep(RETRY_PAUSE_S * (attempt + 1))
        log.warning("media %s still not there after %d tries", url, max(1, tries))
        return None

    def fetch(self, url: str) -> Media:
        """One download (no waiting): the body, or why not and whether a later try may help."""
        got = self._follow(url)
        if isinstance(got, bytes):
            return Media(got)
        if got is NOT_YET:
            return Media(None, "not there yet (HTTP 404)")
        return Media(None, got.reason, got.permanent)

    def _follow(self, url: str):
        """One download: each hop checked against the allow-list before any connection is made."""
        first_host, auth = _host(url), self.auth
        for _ in range(MAX_REDIRECTS + 1):
            why = self.hosts.refusal(url)
            if why:
                log.warning("media %s refused: %s", url, why)
                return _Failed(f"refused: {why}", permanent=True)
            got = self._get(url, auth if _host(url) == first_host else None)
            if not isinstance(got, _Redirect):
                return got
            url = got.location
        log.warning("media %s: more than %d redirects, given up", url, MAX_REDIRECTS)
        return _Failed(f"more than {MAX_REDIRECTS} redirects", permanent=True)

    def _get(self, url: str, auth):
        try:
            with self.session.get(url, auth=auth, timeout=self.timeout_s, stream=True, allow_redirects=False) as response:
                if response.is_redirect:
                    return _Redirect(urljoin(url, response.headers["Location"]))
                if response.status_code == 404:
                    return NOT_YET
                if response.status_code != 200:
                    log.warning("media %s answered HTTP %s", url, response.status_code)
                    return _Failed(f"HTTP {response.status_code}")
                return self._body(response, url)
        except requests.RequestException as exc:
            log.warning("media %s not fetched: %s", url, type(exc).__name__)
            return _Failed(f"not fetched: {type(exc).__name__}")

    def _body(self, response: requests.Response, url: str):
        if _declared_length(response) > self.max_bytes:
            log.warning("media %s refused: it declares more than %d bytes", url, self.max_bytes)
            return _Failed(f"refused: more than {self.max_bytes} bytes", permanent=True)
        chunks, size = [], 0
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > self.max_bytes:
                log.warning("media %s refused: more than %d bytes", url, self.max_bytes)
                return _Failed(f"refused: more than {self.max_bytes} bytes", permanent=True)
            chunks.append(chunk)
        if not size:
            log.warning("media %s answered an empty body", url)
            return _Failed("empty body")
        return b"".join(chunks)


class _Failed:
    def __init__(self, reason: str, permanent: bool = False):
        self.reason, self.permanent = reason, permanent


class _Redirect:
    def __init__(self, location: str):
        self.location = location


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _declared_length(response: requests.Response) -> int:
    try:
        return int(response.headers.get("Content-Length", "0"))
    except ValueError:
        return 0

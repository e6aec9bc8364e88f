"""Which hosts the server may fetch Twilio media from (TWILIO_MEDIA_HOSTS): a webhook's URL is never trusted as is.

A host listed without a port is reached over HTTPS on its default port only. A `host:port` the operator listed
explicitly may also be reached over plain HTTP (a local stand-in, the simulator's loopback server). Hosts are
compared exactly (no wildcards, no suffixes), case-insensitively.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_MEDIA_HOSTS = ("api.twilio.com", "media.twiliocdn.com")


class BadHostEntry(ValueError):
    """An entry of TWILIO_MEDIA_HOSTS that is not `host` or `host:port`."""


@dataclass(frozen=True)
class MediaHost:
    host: str
    port: int | None = None  # None: HTTPS on port 443 only

    @classmethod
    def parse(cls, entry: str) -> "MediaHost":
        text = entry.strip()
        try:
            parts = urlsplit(f"//{text}")
            port = parts.port
        except ValueError as exc:
            raise BadHostEntry(f"{entry!r} is not host or host:port ({exc})") from None
        if not parts.hostname or parts.path or parts.query or parts.fragment or "@" in parts.netloc:
            raise BadHostEntry(f"{entry!r} is not host or host:port")
        return cls(parts.hostname.lower(), port)

    def __str__(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"


def parse_media_hosts(text: str) -> tuple[str, ...]:
    """TWILIO_MEDIA_HOSTS as normalised entries; an empty setting means the defaults; a bad entry is an error."""
    entries = [e for e in (text or "").split(",") if e.strip()]
    return tuple(str(MediaHost.parse(e)) for e in entries) if entries else DEFAULT_MEDIA_HOSTS


class MediaHosts:
    """The allow-list: `refusal(url)` says why a URL may not be fetched, or '' when it may."""

    def __init__(self, entries: tuple[str, ...] | list[str] = DEFAULT_MEDIA_HOSTS):
        self.entries = tuple(MediaHost.parse(e) for e in entries)

    def refusal(self, url: str) -> str:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return "not a URL"
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "not an http(s) URL"
        if parts.username is not None or parts.password is not None:
            return "credentials in the URL"
        host = parts.hostname.lower()
        if any(self._admits(entry, parts.scheme, host, port) for entry in self.entries):
            return ""
        return f"{host}{'' if port is None else f':{port}'} over {parts.scheme} is not in TWILIO_MEDIA_HOSTS"

    @staticmethod
    def _admits(entry: MediaHost, scheme: str, host: str, port: int | None) -> bool:
        if entry.host != host:
            return False
        if entry.port is None:
            return scheme == "https" and port in (None, 443)
        default = 443 if scheme == "https" else 80
        return (port if port is not None else default) == entry.port

    def __str__(self) -> str:
        return ",".join(str(e) for e in self.entries)

"""One way to send a webhook, two carriers: real HTTP with requests, or the Flask app in-process."""
from __future__ import annotations

import threading

from dataclasses import dataclass
from typing import Protocol

import requests

from .errors import ProtocolError

IN_PROCESS_BASE_URL = "http://localhost"  # the host Flask's test client puts in request.url


@dataclass(frozen=True)
class Answer:
    """The server's reply, reduced to what Twilio looks at."""

    status: int
    content_type: str
    body: str

    @property
    def mimetype(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


class Transport(Protocol):
    base_url: str

    def send(self, method: str, url: str, form: dict, headers: dict) -> Answer:
        """Request the absolute `url` with `form` as the POST body (GET carries its parameters in `url`)."""


class HttpTransport:
    """Webhooks over the network to a running server, e.g. `http://127.0.0.1:5000`."""

    def __init__(self, base_url: str, session: requests.Session | None = None, timeout_s: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout_s = timeout_s

    def send(self, method: str, url: str, form: dict, headers: dict) -> Answer:
        try:
            reply = self.session.request(method, url, data=form or None, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ProtocolError(f"cannot reach {url}: {exc}") from exc
        return Answer(reply.status_code, reply.headers.get("Content-Type", ""), reply.text)

    def send_json(self, method: str, path: str, body: dict | None, headers: dict) -> Answer:
        """A JSON API request (the simulator registers its agents this way)."""
        try:
            reply = self.session.request(method, self.base_url + path, json=body, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ProtocolError(f"cannot reach {self.base_url}{path}: {exc}") from exc
        return Answer(reply.status_code, reply.headers.get("Content-Type", ""), reply.text)


class FlaskTransport:
    """Webhooks straight into a Flask app through its test client; no server, no port."""

    def __init__(self, app, base_url: str = IN_PROCESS_BASE_URL):
        self.app = app  # the simulator serves this app's recordings and opens its media streams on a loopback port
        self.client = app.test_client()
        self.base_url = base_url.rstrip("/")

    def send(self, method: str, url: str, form: dict, headers: dict) -> Answer:
        data = form if method == "POST" else None
        reply = self.client.open(url, method=method, data=data, headers=headers, follow_redirects=True)
        return Answer(reply.status_code, reply.content_type or "", reply.get_data(as_text=True))

    def send_json(self, method: str, path: str, body: dict | None, headers: dict) -> Answer:
        """A JSON API request (the simulator registers its agents this way)."""
        reply = self.client.open(path, method=method, json=body, headers=headers)
        return Answer(reply.status_code, reply.content_type or "", reply.get_data(as_text=True))


def await_prompt_warming() -> None:
    """Let an in-process app's background prompt rendering finish before a call: pyttsx3 silences its chatter by
    swapping the process's sys.stdout while it renders, which would swallow a transcript printed meanwhile."""
    for thread in threading.enumerate():
        if thread.name == "prompt-warm":
            thread.join()

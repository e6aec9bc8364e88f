"""The http node's shell side: fetch JSON with requests (or from this server itself), secrets from the environment,
never raising."""
from __future__ import annotations

import logging
import os
import re

import requests

from .flow.events import HttpFetched
from .flow.instructions import FetchJson

log = logging.getLogger(__name__)
SECRET = re.compile(r"\{secret\.([A-Za-z0-9_]+)\}")
MAX_BYTES = 1_000_000


def with_secrets(text: str, env: dict) -> str:
    """Replace {secret.NAME} with the IVR_SECRET_NAME setting, so flows never hold credentials."""
    return SECRET.sub(lambda m: env.get(f"IVR_SECRET_{m.group(1).upper()}", ""), text)


class RequestsJsonFetcher:
    """Performs FetchJson instructions; every failure becomes HttpFetched(ok=False, reason=...)."""

    def __init__(self, env: dict | None = None, session: requests.Session | None = None):
        self.env = dict(os.environ if env is None else env)
        self.session = session or requests.Session()

    def fetch(self, request: FetchJson) -> HttpFetched:
        url = with_secrets(request.url, self.env)
        headers = {k: with_secrets(v, self.env) for k, v in request.headers}
        body = None if request.body is None else {k: with_secrets(v, self.env) for k, v in request.body}
        try:
            response = self.session.request(request.method, url, headers=headers, json=body, timeout=request.timeout_s)
        except requests.RequestException as exc:
            log.warning("http node: %s %s failed: %s", request.method, url, type(exc).__name__)
            return HttpFetched(False, 0, None, type(exc).__name__)
        return _decoded(response, url)


def _decoded(response: requests.Response, url: str) -> HttpFetched:
    if response.status_code >= 400:
        log.warning("http node: %s answered %s", url, response.status_code)
        return HttpFetched(False, response.status_code, None, f"HTTP {response.status_code}")
    if len(response.content) > MAX_BYTES:
        return HttpFetched(False, response.status_code, None, "answer too large")
    try:
        return HttpFetched(True, response.status_code, response.json())
    except ValueError:
        log.warning("http node: %s did not answer JSON", url)
        return HttpFetched(False, response.status_code, None, "not JSON")


class LocalFirstFetcher:
    """Relative URLs go to this server's own app (a Flask app, through its test client); absolute ones to the
    network fetcher. http nodes may so name this server itself ('/demo/orders/1'), answered in-process."""

    def __init__(self, network, app):
        self.network, self.app = network, app

    def fetch(self, request: FetchJson) -> HttpFetched:
        if not request.url.startswith("/"):
            return self.network.fetch(request)
        client = self.app.test_client()
        body = None if request.body is None else dict(request.body)
        response = client.open(request.url, method=request.method, headers=dict(request.headers), json=body)
        if response.status_code >= 400:
            return HttpFetched(False, response.status_code, None, f"HTTP {response.status_code}")
        data = response.get_json(silent=True)
        return HttpFetched(data is not None, response.status_code, data, "" if data is not None else "not JSON")

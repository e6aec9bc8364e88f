"""Let http nodes name this server itself with a relative URL ('/demo/orders/1'), answered in-process."""
from __future__ import annotations

from flask import Flask

from ..flow.events import HttpFetched
from ..flow.instructions import FetchJson


class LocalFirstFetcher:
    """Relative URLs go to this app through its test client; absolute ones to the network fetcher."""

    def __init__(self, network, app: Flask):
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

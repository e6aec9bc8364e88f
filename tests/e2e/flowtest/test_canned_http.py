"""Canned answers for http nodes in flow tests: by exact URL or `*` pattern; this server for the rest; no network."""
from __future__ import annotations

from ivr.flow.events import HttpFetched
from ivr.flow.instructions import FetchJson
from ivr.flowtest.fetch import NO_NETWORK, CannedFetcher
from ivr.flowtest.model import CannedAnswer


class FakeServer:
    """This server's own endpoints, answering every relative URL with one order."""

    def __init__(self):
        self.asked: list[str] = []

    def fetch(self, request: FetchJson) -> HttpFetched:
        self.asked.append(request.url)
        return HttpFetched(True, 200, {"status": "preparing"})


def get(url: str) -> FetchJson:
    return FetchJson("GET", url, (), None, 3)


def fetcher(**answers) -> tuple[CannedFetcher, FakeServer]:
    server = FakeServer()
    table = {url: CannedAnswer.model_validate(answer) for url, answer in answers.items()}
    return CannedFetcher(table, server), server


def test_exact_url_wins_over_a_pattern():
    canned, _ = fetcher(**{"/orders/1": {"json": {"n": 1}}, "/orders/*": {"json": {"n": "any"}}})
    assert canned.fetch(get("/orders/1")) == HttpFetched(True, 200, {"n": 1})
    assert canned.fetch(get("/orders/77")) == HttpFetched(True, 200, {"n": "any"})


def test_status_and_network_errors_fail_like_the_real_fetcher():
    canned, _ = fetcher(**{"/a": {"status": 503}, "/b": {"error": "timeout"}, "/c": {"status": 204}})
    assert [canned.fetch(get(url)) for url in ("/a", "/b", "/c")] == [
        HttpFetched(False, 503, None, "HTTP 503"), HttpFetched(False, 0, None, "timeout"),
        HttpFetched(False, 204, None, "not JSON")]


def test_relative_urls_without_an_answer_go_to_this_server_and_absolute_ones_nowhere():
    canned, server = fetcher()
    assert canned.fetch(get("/demo/orders/5")).ok is True
    assert canned.fetch(get("https://shop.example.com/orders/5")) == HttpFetched(False, 0, None, NO_NETWORK)
    assert server.asked == ["/demo/orders/5"]
    assert canned.log == ["http GET /demo/orders/5 -> 200 (this server)",
                          f"http GET https://shop.example.com/orders/5 -> {NO_NETWORK} (not fetched)"]

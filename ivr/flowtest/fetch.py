"""http nodes in flow tests: canned answers by URL; other URLs of this server answered by it; never the network."""
from __future__ import annotations

import re

from ..flow.events import HttpFetched
from ..flow.instructions import FetchJson
from ..http_fetch import LocalFirstFetcher
from .model import CannedAnswer

NO_NETWORK = "no canned answer (flow tests never use the network)"


class CannedFetcher:
    """Answers FetchJson from a case's `http` table (exact URL, or `*` as a wildcard) and notes every request."""

    def __init__(self, answers: dict[str, CannedAnswer], server):
        self.answers, self.server = answers, server
        self.log: list[str] = []

    def fetch(self, request: FetchJson) -> HttpFetched:
        canned = self._match(request.url)
        if canned is not None:
            result, source = _answer(canned), "canned"
        elif request.url.startswith("/"):
            result, source = self.server.fetch(request), "this server"
        else:
            result, source = HttpFetched(False, 0, None, NO_NETWORK), "not fetched"
        outcome = result.status or result.reason
        self.log.append(f"http {request.method} {request.url} -> {outcome} ({source})")
        return result

    def _match(self, url: str) -> CannedAnswer | None:
        if url in self.answers:
            return self.answers[url]
        for pattern, answer in self.answers.items():
            if "*" in pattern and re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), url):
                return answer
        return None


class CaseFetcher:
    """The http nodes' fetcher a flow-test server is built with: the current case's canned answers, then this
    server (`app`, named once it exists) for its own relative URLs, never the network."""

    def __init__(self):
        self.app = None
        self.case = CannedFetcher({}, None)

    def start_case(self, answers: dict[str, CannedAnswer]) -> CannedFetcher:
        """Answer from `answers` from now on; the returned fetcher logs this case's requests."""
        self.case = CannedFetcher(answers, LocalFirstFetcher(None, self.app))
        return self.case

    def fetch(self, request: FetchJson) -> HttpFetched:
        return self.case.fetch(request)


def _answer(canned: CannedAnswer) -> HttpFetched:
    """The answer as the network fetcher would have reported it."""
    if canned.error is not None:
        return HttpFetched(False, 0, None, canned.error)
    if canned.status >= 400:
        return HttpFetched(False, canned.status, None, f"HTTP {canned.status}")
    if canned.body is None:
        return HttpFetched(False, canned.status, None, "not JSON")
    return HttpFetched(True, canned.status, canned.body)

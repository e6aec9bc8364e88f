"""frontend/src/common.js in chromium: the CSRF header on JSON POSTs, refusals as errors with the server's
message, and the event stream as nudges — a resync on every (re)connection, named events delivered with their
ids, and a stream the server refused opened again. (Whether chromium sends Last-Event-ID back cannot be seen
through page.route: the live stream's own tests check it against the server.)

The page and every answer are the test's own (page.route on a made-up origin): these check the helper alone;
the desk's and board's tests check it against the real stream."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ESBUILD = ROOT / "frontend" / "node_modules" / ".bin" / "esbuild"
ORIGIN = "http://ivr.test"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'"


@pytest.fixture(scope="module")
def common_bundle() -> str:
    """common.js bundled as the global `ivrCommon` (pages import it instead)."""
    if not ESBUILD.exists():
        pytest.fail(f"{ESBUILD} is missing: run `make frontend`", pytrace=False)
    done = subprocess.run([str(ESBUILD), str(ROOT / "frontend" / "src" / "common.js"), "--bundle", "--format=iife",
                           "--global-name=ivrCommon", "--target=es2020"], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def harness(page, common_bundle):
    """A page at ORIGIN with a csrf-token meta and common.js loaded; returns the page."""
    page.route(f"{ORIGIN}/common.js", lambda route: route.fulfill(content_type="text/javascript", body=common_bundle))
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(
        content_type="text/html", headers={"Content-Security-Policy": CSP},
        body='<!doctype html><meta name="csrf-token" content="tok-123"><script src="/common.js"></script>'))
    page.goto(f"{ORIGIN}/")
    return page


def stream(*events: tuple[int, str, dict], retry_ms: int = 100) -> str:
    """An event-stream body of (id, kind, data) events; the answer ends after them, as a dropped connection."""
    return f"retry: {retry_ms}\n\n" + "".join(f"id: {i}\nevent: {kind}\ndata: {json.dumps(data)}\n\n"
                                               for i, kind, data in events)


def test_post_json_sends_the_csrf_token_and_the_body(harness):
    seen = []

    def answer(route):
        seen.append((route.request.headers.get("x-csrftoken"), route.request.post_data_json))
        route.fulfill(content_type="application/json", body='{"ok": true}')

    harness.route(f"{ORIGIN}/api/thing", answer)
    assert harness.evaluate("() => ivrCommon.postJson('/api/thing', {a: 1})") == {"ok": True}
    assert seen == [("tok-123", {"a": 1})]


def test_a_refused_post_rejects_with_the_status_and_the_servers_message(harness):
    harness.expect_console_errors("400")  # chromium logs the failed resource load
    harness.route(f"{ORIGIN}/api/thing", lambda route: route.fulfill(
        status=400, content_type="application/json", body='{"error": "CSRF token missing"}'))
    refused = harness.evaluate("""() => ivrCommon.postJson('/api/thing', {}).then(
        () => null, (e) => ({name: e.name, status: e.status, message: e.message}))""")
    assert refused == {"name": "HttpError", "status": 400, "message": "CSRF token missing"}


def test_events_arrive_as_nudges_with_a_resync_on_each_connection(harness):
    connections = []

    def answer(route):
        connections.append(route.request.url)
        n = len(connections)
        route.fulfill(content_type="text/event-stream", body=stream((n, "offer", {"kind": "offer", "ref": f"e{n}"})))

    harness.route(f"{ORIGIN}/events", answer)
    harness.evaluate("""() => { window.nudges = [];
        window.live = ivrCommon.liveEvents('/events', (n) => nudges.push(n), {kinds: ['offer']}); }""")
    harness.wait_for_function("() => nudges.length >= 4")
    harness.evaluate("() => live.close()")
    nudges = harness.evaluate("() => nudges.slice(0, 4)")
    assert nudges == [{"kind": "resync"}, {"kind": "offer", "ref": "e1", "id": "1"},
                      {"kind": "resync"}, {"kind": "offer", "ref": "e2", "id": "2"}]


def test_a_stream_the_server_refused_is_opened_again_and_resyncs(harness):
    harness.expect_console_errors("503|EventSource")
    answers = []

    def answer(route):
        answers.append(route.request.url)
        if len(answers) == 1:
            route.fulfill(status=503, content_type="text/plain", body="restarting")
        else:
            route.fulfill(content_type="text/event-stream", body=stream(retry_ms=60000))

    harness.route(f"{ORIGIN}/events", answer)
    harness.evaluate("""() => { window.states = []; window.nudges = [];
        window.live = ivrCommon.liveEvents('/events', (n) => nudges.push(n), {onState: (s) => states.push(s)}); }""")
    harness.wait_for_function("() => nudges.length >= 1", timeout=10_000)
    harness.evaluate("() => live.close()")
    assert harness.evaluate("() => [states.slice(0, 2), nudges[0]]") == [["reconnecting", "open"], {"kind": "resync"}]
    assert len(answers) >= 2

"""The front end's vendor libraries are served by the production server from /static/dist/ (built by `make`,
no CDN) and work in chromium under the pages' Content-Security-Policy: htmx, Twilio's Voice SDK, Chart.js."""
from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

VENDOR = {"htmx.min.js": "htmx", "twilio.min.js": "Twilio.Device", "chart.umd.js": "Chart"}
# The pages' policy (PLAN.md, set by ivr/web/http_policy.py on every text/html answer).
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' "
            "wss: ws:; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# What base.html must carry for htmx under that policy: no inline <style> of its own, no eval.
HTMX_CONFIG = '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>'
BLANK = "/__browser_test_blank__"  # answered by the test itself (page.route), never by the server


def fetch(base: str, path: str) -> http.client.HTTPResponse:
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.body = answer.read()
    connection.close()
    return answer


def blank_page(page, base: str, head: str = "") -> None:
    """Open an empty HTML page of our server's origin carrying the pages' CSP header, so scripts loaded from the
    server run exactly as on a real page (the document is the test's; everything it loads is the server's)."""
    page.route(base + BLANK, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": PAGE_CSP},
        body=f"<!doctype html><html><head><meta charset=utf-8>{head}<title>t</title></head><body></body></html>"))
    page.goto(base + BLANK)


def test_the_vendor_files_are_served_from_static_dist_with_a_javascript_type(live_server):
    base = live_server()
    for name in VENDOR:
        answer = fetch(base, f"/static/dist/{name}")
        assert (answer.status, answer.getheader("Content-Type").split(";")[0]) == (200, "text/javascript"), name
        assert len(answer.body) > 10_000, name


def test_htmx_twilio_and_chart_load_under_the_page_policy_with_no_console_error(live_server, page):
    base = live_server()
    blank_page(page, base, HTMX_CONFIG)
    for name in VENDOR:
        page.add_script_tag(url=f"{base}/static/dist/{name}")
    defined = page.evaluate("""() => ({
        htmx: typeof htmx === "object" && typeof htmx.ajax === "function",
        "Twilio.Device": typeof Twilio === "object" && typeof Twilio.Device === "function",
        Chart: typeof Chart === "function" && typeof Chart.register === "function"})""")
    assert defined == {global_: True for global_ in VENDOR.values()}
    page.evaluate("() => new Chart(document.body.appendChild(document.createElement('canvas')), "
                  "{type: 'bar', data: {labels: ['a'], datasets: [{data: [1]}]}, options: {animation: false}})")


def test_a_csp_refusal_on_the_page_fails_the_page_fixture(live_server, page):
    """The page fixture would catch what base.html must avoid: htmx's own inline <style> is refused."""
    base = live_server()
    blank_page(page, base)  # without the htmx-config meta
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("src => document.head.append(Object.assign(document.createElement('script'), {src}))",
                      f"{base}/static/dist/htmx.min.js")
    assert any("Content Security Policy" in e for e in page.console_errors), page.console_errors
    page.expect_console_errors("Content Security Policy")

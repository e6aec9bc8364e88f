"""Fakes for tests: the one outbound Twilio fake (REST and media), and for end-to-end tests a tiny TwiML server that
checks signatures and a real HTTP server thread."""
from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager

from flask import Flask, Response, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from ivr.outbound.ports import CURRENT_RECORDING, Media, OutboundCall, absolute, check_recording_status

TOKEN = "secret"
API_TOKEN = "api-token"


class FakeTwilio:
    """The outbound Twilio port, recording every request instead of calling Twilio.

    Set `media` (url -> bytes) for downloads, `media_failures` (url -> how many fetches fail first, as an
    unreachable Twilio would), `statuses` (CallSid -> CallStatus) for `call_status`, and `failing` to make every
    REST request fail as a refused or unreachable Twilio would. `rest_log` keeps recording REST requests in order."""

    rest_ready = True

    def __init__(self, base_url: str = "https://ivr.example", media: dict | None = None, statuses: dict | None = None):
        self.base_url = base_url
        self.media: dict[str, bytes] = dict(media or {})
        self.statuses: dict[str, str] = dict(statuses or {})
        self.failing = False
        self.redirects: list[tuple[str, str]] = []
        self.placed: list[tuple[str, OutboundCall]] = []
        self.recording_updates: list[tuple[str, str, str]] = []
        self.downloads: list[str] = []
        self.status_lookups: list[str] = []
        self.media_failures: dict[str, int] = {}
        self.deleted_recordings: list[str] = []
        self.rest_log: list[tuple] = []  # ("update_recording", call_sid, status, sid) / ("delete_recording", sid)

    def redirect(self, call_sid: str, url: str) -> bool:
        self.redirects.append((call_sid, absolute(self.base_url, url)))
        return not self.failing

    def place_call(self, call: OutboundCall) -> str | None:
        if self.failing:
            return None
        call_sid = "CA" + secrets.token_hex(16)
        self.placed.append((call_sid, call))
        self.statuses[call_sid] = "queued"
        return call_sid

    def call_status(self, call_sid: str) -> str | None:
        self.status_lookups.append(call_sid)
        return None if self.failing else self.statuses.get(call_sid)

    def update_recording(self, call_sid: str, status: str, recording_sid: str = CURRENT_RECORDING) -> bool:
        self.recording_updates.append((call_sid, check_recording_status(status), recording_sid))
        self.rest_log.append(("update_recording", call_sid, status, recording_sid))
        return not self.failing

    def delete_recording(self, recording_sid: str) -> bool:
        self.rest_log.append(("delete_recording", recording_sid))
        if self.failing:
            return False
        self.deleted_recordings.append(recording_sid)
        return True

    def fetch_media(self, url: str) -> Media:
        self.downloads.append(url)
        if self.media_failures.get(url, 0) > 0:
            self.media_failures[url] -= 1
            return Media(None, "HTTP 503")
        body = self.media.get(url)
        return Media(body) if body is not None else Media(None, "not there yet (HTTP 404)")

    def download(self, url: str, tries: int = 1) -> bytes | None:
        self.downloads.append(url)
        return self.media.get(url)


def twiml_app(documents: dict[str, str], content_type: str = "text/xml", status: int = 200) -> Flask:
    """Answers fixed documents by path (204 for others); checks signatures, records every request in `seen`."""
    app = Flask("fake_twiml")
    app.config["seen"] = []

    @app.route("/<path:path>", methods=["GET", "POST"])
    def answer(path):
        params = request.form if request.method == "POST" else {}
        valid = RequestValidator(TOKEN).validate(raw_url(request), params, request.headers.get("X-Twilio-Signature", ""))
        app.config["seen"].append((request.method, request.full_path.rstrip("?"), dict(request.values), valid))
        if not valid:
            return Response("bad signature", status=403)
        if f"/{path}" not in documents:
            return Response(status=204)
        return Response(documents[f"/{path}"], status=status, content_type=content_type)

    return app


def raw_url(request) -> str:
    """The URL as the client sent it: werkzeug's `request.url` decodes the query (%2F), which breaks signatures."""
    query = request.query_string.decode("latin-1")
    return request.base_url + (f"?{query}" if query else "")


def response(*verbs: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(verbs) + "</Response>"


@contextmanager
def serving(app: Flask):
    """`app` on a free local port with werkzeug's threaded server; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)

"""Stand-ins for end-to-end tests: a tiny TwiML server that checks signatures, a real HTTP server thread, and a
recording store that downloads nothing."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from flask import Flask, Response, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

TOKEN = "secret"
API_TOKEN = "api-token"


class FakeRecordingStore:
    """Stands in for the download of recordings from Twilio: notes what it was asked for, keeps no file."""

    def __init__(self):
        self.fetched: list[tuple[str, str, str]] = []

    def fetch(self, url: str, call_sid: str, recording_sid: str):
        self.fetched.append((url, call_sid, recording_sid))
        return None


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

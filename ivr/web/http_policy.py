"""What every response carries: security headers (a strict Content-Security-Policy on every page), and answers in the right language (JSON under /api, fallback
TwiML under /voice) for URLs no route matches, so no error page ever shows HTML, a path or a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
# Pages load only this server's own scripts and styles (no inline ones anywhere), talk only to it (wss:/ws: for
# the browser phone's and live updates' sockets), and are never framed.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' wss: ws:; "
            "media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HTML_ONLY = {"Content-Security-Policy": PAGE_CSP}


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, unmatched)


def security_headers(response):
    """Answers are never cached (API data, recording audio, TwiML) unless a route outside /api said how (prompt
    audio does); send_file's own `no-cache` still lets a cache store a recording, so /api always says no-store."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        for name, value in HTML_ONLY.items():
            response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def unmatched(exc: HTTPException):
    """An HTTP error no blueprint answered (no route, wrong method): JSON for the API, TwiML for Twilio."""
    if request.path.startswith("/api/") or request.path == "/api":
        return jsonify({"error": exc.description or exc.name}), exc.code
    if request.path.startswith("/voice/"):
        from .voice import fallback_answer  # the voice blueprint's own fallback, in one place

        log.warning("webhook %s %s: %s", request.method, request.path[:120], exc.name)
        return fallback_answer(exc.code or 404)
    return exc

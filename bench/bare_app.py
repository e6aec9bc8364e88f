"""The baseline: a bare Flask endpoint answering fixed TwiML, no signature check, no database.

gunicorn 'bare_app:create_app()' with BENCH_TWIML_FILE naming a file whose bytes are answered
(the bench writes the real app's menu answer there, so both sides send the same bytes).
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

DEFAULT_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    '<Gather action="/voice/step?node=main_menu" finishOnKey="" input="dtmf" method="POST" numDigits="1" timeout="5">'
    '<Say language="en-US">For delivery status, press 1. To hear these options again, press 9.</Say></Gather>'
    '<Redirect method="POST">/voice/step?node=main_menu</Redirect></Response>'
)


def create_app(twiml: bytes | None = None) -> Flask:
    """An app whose /voice/step answers `twiml` (default: BENCH_TWIML_FILE, else a small menu)."""
    body = twiml if twiml is not None else _twiml_from_env()
    app = Flask("bare")

    @app.route("/voice/step", methods=["GET", "POST"])
    def step():
        return Response(body, mimetype="text/xml")

    return app


def _twiml_from_env() -> bytes:
    path = os.environ.get("BENCH_TWIML_FILE")
    return Path(path).read_bytes() if path else DEFAULT_TWIML.encode()

"""Mounting the live stream in a test app the way the desk and board pages do (imported by name: a test may not
import from `conftest`, which names whichever conftest module another folder loaded first)."""
from __future__ import annotations

from flask import Flask, request

from ivr.live.stream import parse_last_event_id


def mount_stream(app: Flask, hub) -> None:
    """GET /test-live/events?audience=a&audience=b: the hub's stream, as a page would mount it after sign-in."""

    def events():
        last = parse_last_event_id(request.headers.get("Last-Event-ID") or request.args.get("last_event_id"))
        return hub.response(request.args.getlist("audience"), last)

    app.add_url_rule("/test-live/events", "test_live_events", events)

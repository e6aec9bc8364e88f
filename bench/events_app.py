"""The production app with the live stream mounted as a page mounts it, for the event benchmark and the server
tests (the product mounts it only behind sign-in, at /desk/events and /board/events):

    gunicorn --pythonpath bench 'events_app:create_app()'

GET /bench-live/events?audience=agent:kim&audience=board streams those audiences; the answer names the worker
process that holds the stream (X-Worker-Pid), so a test can hold streams on every worker.
"""
from __future__ import annotations

import os

from flask import request

from ivr.live.stream import parse_last_event_id
from ivr.web import create_app as create_ivr_app


def create_app():
    app = create_ivr_app()
    hub = app.extensions["ivr"].live

    def events():
        last = parse_last_event_id(request.headers.get("Last-Event-ID"))
        answer = hub.response(request.args.getlist("audience"), last)
        answer.headers["X-Worker-Pid"] = str(os.getpid())
        return answer

    app.add_url_rule("/bench-live/events", "bench_live_events", events)
    return app

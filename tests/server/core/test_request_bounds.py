"""Request bounds outside Flask: a body over the cap is refused (413) before a byte is read, and a webhook that
overruns its time budget answers the fallback while the late work is left behind."""
from __future__ import annotations

import io
import threading
import time

from helpers import new_call_sid, twilio_params

from ivr.web.budget import RequestBounds, text_answer

LATE = text_answer("200 OK", "<Response><Say>sorry</Say></Response>", "text/xml")


class Unread(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, size=-1):
        raise AssertionError("the body was read")


def call(app, path: str, body: bytes = b"", **environ):
    started: list = []
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "wsgi.input": io.BytesIO(body),
           "CONTENT_LENGTH": str(len(body)), **environ}
    chunks = app(env, lambda status, headers, exc_info=None: started.append((status, dict(headers))))
    return started[0][0], started[0][1], b"".join(chunks)


def echo(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def sleepy(seconds: float, finished: threading.Event):
    def app(environ, start_response):
        time.sleep(seconds)
        finished.set()
        return echo(environ, start_response)
    return app


def bounded(app, budget_s: float = 5.0):
    return RequestBounds(app, max_body_bytes=1000, budget_s=budget_s, late=lambda path: LATE if path.startswith("/voice") else None)


def test_a_body_declared_over_the_cap_is_refused_before_it_is_read():
    status, headers, body = call(bounded(echo), "/voice", **{"wsgi.input": Unread(), "CONTENT_LENGTH": "100000000"})
    assert status.startswith("413") and body == b"request body too large\n"
    status, _, _ = call(bounded(echo), "/api/calls", **{"wsgi.input": Unread(), "CONTENT_LENGTH": "1001"})
    assert status.startswith("413")


def test_a_chunked_body_over_the_cap_is_refused_after_one_byte_past_it():
    stream = io.BytesIO(b"x" * 5000)
    status, _, _ = call(bounded(echo), "/voice", **{"wsgi.input": stream, "CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"})
    assert status.startswith("413") and stream.tell() == 1001


def test_a_small_body_reaches_the_app_whole():
    status, headers, body = call(bounded(echo), "/voice/step", b"Digits=1&CallSid=CA1")
    assert (status, body, headers["Content-Length"]) == ("200 OK", b"Digits=1&CallSid=CA1", "20")


def test_a_webhook_past_its_budget_answers_the_fallback_and_the_late_work_finishes_alone():
    finished = threading.Event()
    started = time.monotonic()
    status, headers, body = call(bounded(sleepy(1.5, finished), budget_s=0.3), "/voice", b"CallSid=CA1")
    assert (status, body) == ("200 OK", b"<Response><Say>sorry</Say></Response>")
    assert time.monotonic() - started < 1.2 and not finished.is_set()
    assert finished.wait(5)


def test_paths_without_a_late_answer_are_not_budgeted():
    status, _, body = call(bounded(sleepy(0.5, threading.Event()), budget_s=0.1), "/api/calls", b"abc")
    assert (status, body) == ("200 OK", b"abc")


def test_the_app_refuses_a_big_unsigned_webhook_with_413_and_never_parses_it(app):
    client = app.test_client()
    big = "x" * (app.extensions["ivr"].settings.max_body_bytes + 1)
    response = client.post("/voice", data={**twilio_params(new_call_sid()), "Junk": big})
    assert response.status_code == 413
    assert client.get("/api/calls", headers={"Authorization": "Bearer api-token"}).get_json()["calls"] == []

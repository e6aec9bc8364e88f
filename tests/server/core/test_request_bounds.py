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


def gated(app, budget_s: float, concurrency: int):
    return RequestBounds(app, max_body_bytes=1000, budget_s=budget_s, concurrency=concurrency,
                         late=lambda path: LATE if path.startswith("/voice") else None)


def test_webhooks_past_the_concurrency_wait_their_turn_in_arrival_order():
    order, inside, most = [], [0], [0]
    lock = threading.Lock()

    def app(environ, start_response):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            order.append(environ["QUERY_STRING"])
        time.sleep(0.2)
        with lock:
            inside[0] -= 1
        return echo(environ, start_response)

    bounds = gated(app, budget_s=5.0, concurrency=2)
    threads = []
    for i in range(6):
        thread = threading.Thread(target=call, args=(bounds, "/voice"), kwargs={"QUERY_STRING": str(i)})
        thread.start()
        threads.append(thread)
        time.sleep(0.03)  # arrive one after another; all have come before the first turn is given back
    for thread in threads:
        thread.join(10)

    assert most[0] == 2
    assert sorted(order) == [str(i) for i in range(6)]
    assert order[2:] == ["2", "3", "4", "5"]  # those who waited got their turns in the order they came


def holding_the_only_turn(path: str, budget_s: float = 0.3):
    """A gate of one turn, held by a webhook to `path` until `release` is set; `ran` lists what reached the app."""
    release, ran = threading.Event(), []

    def app(environ, start_response):
        ran.append(environ["PATH_INFO"] + environ["QUERY_STRING"])
        if environ["QUERY_STRING"] == "first":
            release.wait(5)
        return echo(environ, start_response)

    bounds = gated(app, budget_s=budget_s, concurrency=1)
    first = threading.Thread(target=call, args=(bounds, path), kwargs={"QUERY_STRING": "first"})
    first.start()
    time.sleep(0.05)
    return bounds, first, release, ran


def test_a_menu_answer_whose_budget_ran_out_while_waiting_answers_the_fallback_and_never_runs(caplog):
    bounds, first, release, ran = holding_the_only_turn("/voice")

    status, _, body = call(bounds, "/voice/step", b"CallSid=CA1", QUERY_STRING="second")
    release.set()
    first.join(5)
    time.sleep(0.1)

    assert status == "200 OK" and body == LATE.body
    assert ran == ["/voicefirst"]  # the second never reached the app, even after the first let go
    assert "waiting for its turn" in caplog.text and "CallSid=CA1" in caplog.text
    # the turn the first held is free again: a third webhook runs at once
    assert call(bounds, "/voice", b"x", QUERY_STRING="third")[2] == b"x"


def test_pages_and_the_api_are_not_gated():
    hold = threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/voice":
            hold.wait(5)
        return echo(environ, start_response)

    bounds = gated(app, budget_s=2.0, concurrency=1)
    busy = threading.Thread(target=call, args=(bounds, "/voice"))
    busy.start()
    time.sleep(0.05)

    assert call(bounds, "/api/calls", b"ok")[2] == b"ok"
    hold.set()
    busy.join(5)


def test_a_status_callback_whose_budget_ran_out_while_waiting_still_runs_when_its_turn_comes():
    bounds, first, release, ran = holding_the_only_turn("/voice/step")

    status, _, body = call(bounds, "/voice/status", b"CallSid=CA1&CallStatus=completed")
    assert status == "200 OK" and body == LATE.body  # Twilio was answered on time
    release.set()
    first.join(5)
    deadline = time.monotonic() + 5
    while len(ran) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)

    assert ran == ["/voice/stepfirst", "/voice/status"]  # the call's end was recorded all the same

"""Bounds around every request, outside Flask: a body-size cap checked before a byte of the body is read, and a
time budget after which a webhook answers the fallback TwiML.

Twilio waits 15 s for a webhook, then plays its own error and drops the call. A database that hangs (rather
than refusing) can stall a request for longer than any single timeout admits, so the webhook runs on its own
thread (a greenlet under gevent) and the caller hears our fallback when the budget runs out; the late work is
left to finish or fail against its own database timeouts.

At most `concurrency` webhooks of a process run at once; the others wait their turn in arrival order, inside the
same budget. Under overload a gevent worker would otherwise start every webhook it accepted and share the CPU
among hundreds of them: each one slow, all holding database connections, the pool's timeout turning them into
fallbacks. A menu answer (`/voice/step`, `/voice/speech`) whose budget ran out while it waited is never run: its
caller already has the fallback and the answer has no other effect. Every other webhook reports something that
must not be lost (a call's start or end, a dial's or a recording's outcome, a caller leaving a queue): it runs when
its turn comes, however late, as a slow webhook's work always finishes.
"""
from __future__ import annotations

import io
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs

from ..event_loop import on_gevent

log = logging.getLogger(__name__)
STREAM_PATH = "/voice/stream"  # a WebSocket lives for the whole menu: never budgeted
DROPPABLE_WHEN_LATE = frozenset({"/voice/step", "/voice/speech"})  # menu answers: nothing else hangs on them
READ_CHUNK = 65_536


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def send(self, start_response) -> list[bytes]:
        start_response(self.status, self.headers + [("Content-Length", str(len(self.body)))])
        return [self.body]


def text_answer(status: str, body: str, mimetype: str) -> Answer:
    return Answer(status, [("Content-Type", f"{mimetype}; charset=utf-8")], body.encode())


class RequestBounds:
    """WSGI middleware: refuse oversized bodies with 413; answer `late(path)` for budgeted paths that overrun."""

    def __init__(self, app, max_body_bytes: int, budget_s: float, late: Callable[[str], Answer | None],
                 concurrency: int = 32):
        self.app, self.max_body_bytes, self.budget_s, self.late = app, max_body_bytes, budget_s, late
        self.concurrency = concurrency
        self._gate, self._gate_pid = None, None  # made in the process that serves (after gunicorn's fork)

    def __call__(self, environ, start_response):
        declared = _content_length(environ)
        if declared is not None and declared > self.max_body_bytes:
            return self._too_large(environ, declared, start_response)
        path = environ.get("PATH_INFO", "")
        fallback = None if path.startswith(STREAM_PATH) else self.late(path)
        if fallback is None:
            return self.app(environ, start_response)
        body = _read_body(environ, declared, self.max_body_bytes)
        if body is None:
            return self._too_large(environ, None, start_response)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self._within_budget(environ, path, fallback, body).send(start_response)

    def _too_large(self, environ, declared: int | None, start_response):
        log.warning("request body of %s bytes refused (limit %s): %s %s from %s", declared or "over the limit",
                    self.max_body_bytes, environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), environ.get("REMOTE_ADDR"))
        return text_answer("413 Request Entity Too Large", "request body too large\n", "text/plain").send(start_response)

    def _within_budget(self, environ, path: str, fallback: Answer, body: bytes) -> Answer:
        run = _Run(self.app, environ, self.gate(), time.monotonic() + self.budget_s, path in DROPPABLE_WHEN_LATE)
        _start(run)
        if run.done.wait(self.budget_s) and run.answer is not None:
            return run.answer
        if run.done.is_set() and not run.turned_away:
            return fallback  # the app itself failed outside its error handlers (already logged)
        run.abandoned = True
        waited = "waiting for its turn" if not run.began else "running"
        log.error("%s %s took longer than the %.1f s budget %s (CallSid=%s; %d webhooks at once at most); answering "
                  "the fallback", environ.get("REQUEST_METHOD"), path, self.budget_s, waited, _call_sid(environ, body),
                  self.concurrency)
        return fallback

    def gate(self):
        """This process's semaphore of `concurrency` turns (gevent's when gevent patched threading)."""
        if self._gate_pid != os.getpid():
            self._gate, self._gate_pid = threading.BoundedSemaphore(self.concurrency), os.getpid()
        return self._gate


class _Run:
    """One request through the app on its own thread once the gate gives it a turn, its whole answer collected."""

    def __init__(self, app, environ, gate, deadline: float, droppable: bool = False):
        self.app, self.environ, self.gate, self.deadline, self.droppable = app, environ, gate, deadline, droppable
        self.answer: Answer | None = None
        self.done = threading.Event()
        self.started: list = []
        self.began = self.turned_away = self.abandoned = False

    def __call__(self) -> None:
        acquired = self.gate.acquire(timeout=max(0.0, self.deadline - time.monotonic()))
        if not acquired and not self.droppable:
            acquired = self.gate.acquire()  # must not be lost: it runs late, its answer long given as the fallback
        if not acquired or (self.abandoned and self.droppable):
            if acquired:
                self.gate.release()
            self.turned_away = True
            self.done.set()
            return
        try:
            self.began = True
            self._serve()
        finally:
            self.gate.release()

    def _serve(self) -> None:
        chunks: list[bytes] = []

        def start_response(status, headers, exc_info=None):
            self.started[:] = [status, list(headers)]
            return chunks.append

        try:
            iterable = self.app(self.environ, start_response)
            try:
                chunks.extend(iterable)
            finally:
                getattr(iterable, "close", lambda: None)()
            status, headers = self.started
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            self.answer = Answer(status, headers, b"".join(chunks))
        except BaseException:  # noqa: BLE001 - whatever escaped Flask is logged here and answered with the fallback
            log.exception("request %s failed outside the app's error handlers", self.environ.get("PATH_INFO"))
        finally:
            self.done.set()


def _start(run: "_Run") -> None:
    """The request's own greenlet under gevent's patched threads (half the CPU of a patched Thread), else a thread."""
    if on_gevent():
        import gevent

        gevent.spawn(run)
    else:
        threading.Thread(target=run, name="webhook", daemon=True).start()


def _content_length(environ) -> int | None:
    raw = environ.get("CONTENT_LENGTH") or ""
    return int(raw) if raw.strip().isdigit() else None


def _read_body(environ, declared: int | None, limit: int) -> bytes | None:
    """The whole body (None when it passes `limit`); chunked bodies are read up to one byte past the limit."""
    stream = environ.get("wsgi.input")
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() or environ.get("wsgi.input_terminated")
    if stream is None or (declared is None and not chunked):
        return b""
    wanted, parts = (declared if declared is not None else limit + 1), []
    while wanted > 0:
        part = stream.read(min(READ_CHUNK, wanted))
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    body = b"".join(parts)
    return None if len(body) > limit else body


def _call_sid(environ, body: bytes) -> str:
    values = parse_qs(environ.get("QUERY_STRING", "")) | parse_qs(body.decode("latin-1"))
    return (values.get("CallSid") or ["-"])[0][:64]

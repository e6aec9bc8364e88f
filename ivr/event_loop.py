"""Work that must not stall gevent's event loop: off it on a real thread under gevent workers, in place elsewhere.

Under gevent workers (the production server) every request and every media stream of a worker shares one event
loop on one OS thread. Native code that blocks without yielding — vosk decoding (cffi releases the GIL for the
call), a flock() on SQLite's writer lock — would stop everything else of the worker: a real thread of gevent's
pool runs it while the loop serves the other callers. Elsewhere (threads: `python app.py`, sync workers, the test
client) the work simply runs where it is asked for.
"""
from __future__ import annotations

import sys


def on_gevent() -> bool:
    """Whether gevent patched this process's threads (gunicorn.conf.py does, before the app is built)."""
    monkey = sys.modules.get("gevent.monkey")  # never imported here: a process without gevent stays without it
    return monkey is not None and monkey.is_module_patched("threading")


def native_threads():
    """gevent's pool of real threads when this process runs on gevent's patched event loop; None elsewhere.

    Asked at each use, not kept: the pool belongs to the hub of the current thread, and gunicorn's workers are
    forked after the app is built."""
    if not on_gevent():
        return None
    from gevent import get_hub

    return get_hub().threadpool


def off_the_event_loop(work):
    """Run CPU-heavy native work (vosk decoding a recording) where it cannot stall other callers; its value or
    its exception comes back here."""
    pool = native_threads()
    return work() if pool is None else _returned(pool.spawn(_captured, work).get())


class StreamDecoder:
    """One media stream's recogniser calls (make it, feed a frame, finish), one after another in the order asked.

    Under gevent each call runs in a thread of the pool and the stream's greenlet waits for it before it reads
    the next frame: the frames are decoded in order, never two at once on the stream's one recogniser (vosk's
    recognisers are not safe to share between threads; the model is). If the greenlet is killed while it waits
    (a worker stopping), the thread finishes that call alone and returns to the pool; the stream's next call (the
    closing `finish`) first waits for it."""

    def __init__(self, pool=None):
        self.pool = pool
        self._running = None

    @classmethod
    def for_this_server(cls) -> StreamDecoder:
        """Off the event loop under gevent, in place otherwise (see native_threads)."""
        return cls(native_threads())

    def run(self, work):
        """`work()`'s value; its exception is raised here, as if it had run here."""
        if self.pool is None:
            return work()
        if self._running is not None:
            self._running.wait()  # a call whose waiter was killed may still be running on the recogniser
        self._running = self.pool.spawn(_captured, work)
        outcome = self._running.get()
        self._running = None
        return _returned(outcome)


def _captured(work) -> tuple:
    """In the pool's thread: (value, None) or (None, the exception). An exception left to the pool would also be
    printed to stderr by gevent's hub as an unhandled error, once per bad frame."""
    try:
        return work(), None
    except Exception as exc:  # noqa: BLE001 - not swallowed: raised again in the waiting greenlet
        return None, exc


def _returned(outcome: tuple):
    value, error = outcome
    if error is not None:
        raise error
    return value

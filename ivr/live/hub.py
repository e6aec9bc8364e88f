"""The per-process hub: one reader of `live_events` per process, fanning events out to its open streams.

On each wake-up (a PostgreSQL notification, or SQLite's poll) the hub reads the rows past its cursor once and
hands each subscriber the rows of its audiences, so 200 open pages cost one query per wake-up, not 200. The
cursor steps over an id only once every lower id was seen or a moment passed: on PostgreSQL a transaction may
commit after one that took a higher id. The reader thread starts with the first subscriber of the process
(after gunicorn's fork, never in the master) and stops when the last one leaves.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from datetime import timedelta

from .capture import CHANNEL
from .feed import BATCH, Feed, LiveEvent
from .wakeup import PgListenWakeup, PollWakeup

log = logging.getLogger(__name__)
GAP_WAIT_S = 10.0  # an id missing this long is a rolled-back transaction, not a slow one


class Subscriber:
    """One open stream: its audiences and the events waiting to be sent to it."""

    def __init__(self, audiences: frozenset[str]):
        self.audiences = audiences
        self.inbox: "queue.Queue[list[LiveEvent]]" = queue.Queue()

    def offer(self, events: list[LiveEvent]) -> None:
        mine = [e for e in events if e.audience in self.audiences]
        if mine:
            self.inbox.put(mine)


class Cursor:
    """The highest id below which every event was read (or given up on), and the ids read above it."""

    def __init__(self, floor: int):
        self.floor, self.seen, self.gap_since = floor, set(), None

    def fresh(self, events: list[LiveEvent], now: float) -> list[LiveEvent]:
        new = [e for e in events if e.id not in self.seen]
        self.seen.update(e.id for e in new)
        self._advance(now)
        return new

    def _advance(self, now: float) -> None:
        while self.floor + 1 in self.seen:
            self.floor += 1
            self.seen.discard(self.floor)
        if not self.seen:
            self.gap_since = None
        elif self.gap_since is None:
            self.gap_since = now
        elif now - self.gap_since > GAP_WAIT_S:
            self.floor, self.gap_since = min(self.seen) - 1, None
            self._advance(now)


class LiveHub:
    """The live feed of one process: subscribe, fan out, prune; `response` is the SSE stream (see .stream)."""

    def __init__(self, engine, clock, keep_s: float = 86400.0, poll_s: float = 0.25, heartbeat_s: float = 15.0,
                 idle_s: float = 5.0):
        self.feed, self.clock, self.keep_s = Feed(engine), clock, keep_s
        self.poll_s, self.heartbeat_s, self.idle_s = poll_s, heartbeat_s, idle_s
        self.postgres = engine.dialect.name == "postgresql"
        self._pruned_at = 0.0
        self._fresh_process()

    def _fresh_process(self) -> None:
        self._pid, self._lock = os.getpid(), threading.Lock()
        self._subscribers: set[Subscriber] = set()
        self._running, self._thread = False, None

    @property
    def subscribers(self) -> int:
        return len(self._subscribers) if self._pid == os.getpid() else 0

    def subscribe(self, audiences: list[str]) -> Subscriber:
        """A new subscriber; the reader starts if it is the first in this process."""
        if self._pid != os.getpid():
            self._fresh_process()  # a forked child: the parent's thread and subscribers are not ours
        subscriber = Subscriber(frozenset(audiences))
        with self._lock:
            self._subscribers.add(subscriber)
            if not self._running:
                self._running = True
                cursor = Cursor(self.feed.newest())
                self._thread = threading.Thread(target=self._run, args=(cursor,), name="live-feed", daemon=True)
                self._thread.start()
        return subscriber

    def close(self, timeout_s: float = 10.0) -> None:
        """Drop every subscriber and wait for the reader to stop (tests; a server just exits)."""
        with self._lock:
            self._subscribers.clear()
            thread = self._thread
        if thread is not None and self._pid == os.getpid():
            if self.postgres and thread.is_alive():
                self.feed.nudge(CHANNEL)  # wakes the listener now rather than at its next idle re-read
            thread.join(timeout_s)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    def response(self, audiences: list[str], last_event_id: int | None):
        """The Server-Sent Events stream of `audiences`, caught up from `last_event_id` (see ivr.live.stream)."""
        from .stream import event_stream

        return event_stream(self, audiences, last_event_id)

    def prune(self) -> int:
        """Delete events older than `keep_s`; how many went."""
        return self.feed.prune(self.clock.now() - timedelta(seconds=self.keep_s))

    def prune_job(self, every_s: float = 60.0) -> None:
        """For the timer loop: prune at most once every `every_s`."""
        if time.monotonic() - self._pruned_at >= every_s:
            self._pruned_at = time.monotonic()
            gone = self.prune()
            if gone:
                log.info("live feed: pruned %s events older than %s s", gone, self.keep_s)

    def _run(self, cursor: Cursor) -> None:
        wakeup = PgListenWakeup(self.feed.engine, CHANNEL, self.idle_s) if self.postgres else PollWakeup(self.poll_s)
        try:
            while self._still_wanted():
                self._deliver(cursor)
                wakeup.wait()
        finally:
            wakeup.close()

    def _still_wanted(self) -> bool:
        with self._lock:
            if not self._subscribers:
                self._running = False
            return self._running

    def _deliver(self, cursor: Cursor) -> None:
        try:
            while True:
                events = self.feed.after(cursor.floor)
                fresh = cursor.fresh(events, time.monotonic())
                if fresh:
                    for subscriber in list(self._subscribers):
                        subscriber.offer(fresh)
                if len(events) < BATCH or not fresh:
                    return
        except Exception:  # noqa: BLE001 - a database hiccup: the next wake-up reads again from the cursor
            log.exception("live feed: reading events failed; retrying at the next wake-up")

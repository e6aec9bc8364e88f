"""The Server-Sent Events answer: catch-up from Last-Event-ID, then the hub's events, heartbeats between.

Each event is `id:` (the row id, so a reconnecting browser sends it back as Last-Event-ID), `event:` (the kind)
and `data:` a small JSON nudge; pages re-fetch their snapshot on any event. A client whose Last-Event-ID is
older than what is kept (pruned) or too far behind gets one `resync` event instead. No database connection is
held between reads, and a closed stream (the browser left, a write failed) unsubscribes at once.
"""
from __future__ import annotations

import json
import logging
import queue

from flask import Response

from .feed import LiveEvent

log = logging.getLogger(__name__)
RETRY_MS = 2000
CATCH_UP_MAX = 500  # further behind than this: resync (re-fetch the snapshot) instead of a flood


def frame(event: LiveEvent) -> str:
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(event.nudge(), ensure_ascii=False)}\n\n"


def resync_frame(newest: int | None) -> str:
    head = f"id: {newest}\n" if newest else ""
    return f"{head}event: resync\ndata: {json.dumps({'kind': 'resync', 'ref': '', 'queue': ''})}\n\n"


def parse_last_event_id(raw: str | None) -> int | None:
    """The Last-Event-ID header (or ?last_event_id=) as an id; junk is treated as none, and logged."""
    if raw is None or raw.strip() == "":
        return None
    if raw.strip().isdigit():
        return int(raw.strip())
    log.warning("live feed: ignoring a malformed Last-Event-ID %r", raw[:40])
    return None


def event_stream(hub, audiences: list[str], last_event_id: int | None) -> Response:
    if not audiences or any(not isinstance(a, str) or not a for a in audiences):
        raise ValueError(f"a live stream needs a list of audience names, got {audiences!r}")
    subscriber = hub.subscribe(audiences)  # before the catch-up read: nothing falls between the two
    body = _frames(hub, subscriber, audiences, last_event_id)
    return Response(body, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _frames(hub, subscriber, audiences: list[str], last_event_id: int | None):
    try:
        yield f"retry: {RETRY_MS}\n\n"
        sent: set[int] = set()
        if last_event_id is not None:
            for chunk in _catch_up(hub.feed, audiences, last_event_id, sent):
                yield chunk
        while True:
            try:
                events = subscriber.inbox.get(timeout=hub.heartbeat_s)
            except queue.Empty:
                yield ": keep-alive\n\n"
                continue
            text = "".join(frame(e) for e in events if e.id not in sent)
            if text:
                yield text
    finally:
        hub.unsubscribe(subscriber)


def _catch_up(feed, audiences: list[str], last_event_id: int, sent: set[int]):
    low, high = feed.bounds()
    if high is None or last_event_id > high or last_event_id < low - 1:
        yield resync_frame(high)
        return
    missed = feed.after(last_event_id, audiences, limit=CATCH_UP_MAX + 1)
    if len(missed) > CATCH_UP_MAX:
        yield resync_frame(high)
        return
    sent.update(e.id for e in missed)
    if missed:
        yield "".join(frame(e) for e in missed)

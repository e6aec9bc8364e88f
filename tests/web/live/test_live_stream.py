"""The event stream: an open desk hears its own offers (SQLite poll and PostgreSQL notifications), catches up
from Last-Event-ID, is told to resync when too far behind, hears heartbeats, and frees its place when closed."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from callqueue.tables import AgentRow, QueueEntryRow
from ivr.live.stream import parse_last_event_id

from sse_reader import SseReader


def open_stream(app, *audiences: str, last_event_id: int | None = None):
    headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
    query = "&".join(f"audience={a}" for a in audiences)
    answer = app.test_client().get(f"/test-live/events?{query}", headers=headers, buffered=False)
    assert answer.status_code == 200
    assert answer.mimetype == "text/event-stream"
    return answer, SseReader(answer.response)


def set_status(app, agent_id: str, status: str) -> None:
    with app.extensions["ivr"].uow() as uow:
        uow.session.get(AgentRow, agent_id).status = status
        uow.commit()


def test_an_offer_reaches_kims_open_desk_and_not_lees(live_app, hub, floor):
    kim, kim_frames = open_stream(live_app, "agent:kim")
    lee, lee_frames = open_stream(live_app, "agent:lee")
    assert kim_frames.next_frame().retry == 2000
    floor.status("kim", "available")
    floor.billing_caller()
    floor.route()
    with live_app.extensions["ivr"].uow() as uow:
        entry = uow.session.scalars(select(QueueEntryRow)).one()
    offer = kim_frames.until(lambda f: f.event == "offer")[-1]
    assert offer.data == {"kind": "offer", "ref": str(entry.id), "queue": "billing"}
    set_status(live_app, "lee", "available")
    heard_by_lee = lee_frames.until(lambda f: f.event == "agent")
    assert [f for f in heard_by_lee if f.event == "offer"] == []
    assert heard_by_lee[-1].data["ref"] == "lee"
    kim.close()
    lee.close()


def test_the_board_hears_every_change(live_app, hub, floor):
    board, frames = open_stream(live_app, "board")
    floor.billing_caller()
    entry_event = frames.until(lambda f: f.event == "entry")[-1]
    assert entry_event.data["queue"] == "billing"
    board.close()


def test_a_reconnecting_desk_catches_up_from_its_last_event_id(live_app, hub):
    start = hub.feed.newest()
    set_status(live_app, "kim", "available")
    set_status(live_app, "lee", "available")
    set_status(live_app, "kim", "break")
    answer, frames = open_stream(live_app, "agent:kim", last_event_id=start)
    caught = frames.until(lambda f: f.id is not None and f.event == "agent" and len(frames.frames) >= 3)
    kim_ids = [f.id for f in caught if f.id is not None]
    assert len(kim_ids) == 2 and kim_ids == sorted(kim_ids) and all(i > start for i in kim_ids)
    answer.close()
    again, frames = open_stream(live_app, "agent:kim", last_event_id=kim_ids[-1])
    set_status(live_app, "kim", "available")
    after = [f for f in frames.until(lambda f: f.event == "agent") if f.id is not None]
    assert len(after) == 1 and after[0].id > kim_ids[-1]  # nothing replayed twice
    again.close()


def test_a_desk_behind_what_is_kept_is_told_to_resync(live_app, hub, clock):
    set_status(live_app, "kim", "available")
    old = hub.feed.newest()
    clock.advance(3600 + 1)
    set_status(live_app, "kim", "break")
    assert hub.prune() >= 1  # everything up to `old` is gone
    answer, frames = open_stream(live_app, "agent:kim", last_event_id=old - 1)
    resync = frames.until(lambda f: f.event == "resync")[-1]
    assert resync.id == hub.feed.newest()
    answer.close()


def test_a_last_event_id_from_another_database_is_told_to_resync(live_app, hub):
    answer, frames = open_stream(live_app, "board", last_event_id=10**9)
    assert frames.until(lambda f: f.event == "resync")[-1].id == hub.feed.newest()
    answer.close()


def test_an_idle_stream_hears_heartbeats(live_app, hub):
    answer, frames = open_stream(live_app, "agent:nobody")
    assert frames.until(lambda f: f.comment == "keep-alive")[-1].event == ""
    answer.close()


def test_a_closed_stream_frees_its_subscriber_and_the_reader_stops(live_app, hub):
    first, frames = open_stream(live_app, "agent:kim")
    second, _ = open_stream(live_app, "board")
    frames.next_frame()
    assert hub.subscribers == 2
    first.close()  # the browser went away: the server closes the body iterator (GeneratorExit)
    assert hub.subscribers == 1
    second.close()
    assert hub.subscribers == 0
    hub._thread.join(10)
    assert not hub._thread.is_alive()


def test_a_stream_without_audiences_is_refused(live_app, hub):
    with pytest.raises(ValueError, match="audience"):
        hub.response([], None)
    assert hub.subscribers == 0


def test_a_malformed_last_event_id_counts_as_none_and_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="ivr.live.stream"):
        assert parse_last_event_id("12; drop") is None
    assert "malformed Last-Event-ID" in caplog.text
    assert parse_last_event_id(" 42 ") == 42
    assert parse_last_event_id(None) is None


def test_the_timer_loop_prunes_through_the_hubs_job(live_app, hub, clock):
    set_status(live_app, "kim", "available")
    clock.advance(timedelta(hours=2).total_seconds())
    from callqueue.worker import run_forever

    run_forever(live_app.extensions["ivr"].queues, interval_s=0, passes=1, jobs=(hub.prune_job,))
    assert hub.feed.bounds() == (None, None)

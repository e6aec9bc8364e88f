"""PostgreSQL wake-ups: the stream hears a commit through NOTIFY alone (the idle re-read is an hour away), and
the listener comes back after its connection is killed."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from callqueue.tables import AgentRow
from ivr.live.hub import LiveHub

from live_support import mount_stream
from sse_reader import SseReader


@pytest.fixture
def pg_hub(live_app, clock, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    hub = LiveHub(live_app.extensions["ivr"].engine, clock, heartbeat_s=0.2, idle_s=3600)
    mount_stream(live_app, hub)
    yield hub
    hub.close()
    assert not hub._thread.is_alive()


def commit_status(app, agent_id: str, status: str) -> None:
    with app.extensions["ivr"].uow() as uow:
        uow.session.get(AgentRow, agent_id).status = status
        uow.commit()


def listener_pids(app) -> list[int]:
    with app.extensions["ivr"].engine.connect() as conn:
        return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN ivr_live'")).scalars())


def test_a_commit_wakes_the_stream_through_notify(live_app, pg_hub):
    answer = live_app.test_client().get("/test-live/events?audience=agent:kim", buffered=False)
    frames = SseReader(answer.response)
    frames.next_frame()
    _wait_for_listener(live_app, frames)
    commit_status(live_app, "kim", "available")
    assert frames.until(lambda f: f.event == "agent")[-1].data == {"kind": "agent", "ref": "kim", "queue": ""}
    answer.close()


def test_the_listener_reconnects_after_its_connection_is_killed(live_app, pg_hub):
    answer = live_app.test_client().get("/test-live/events?audience=agent:kim", buffered=False)
    frames = SseReader(answer.response)
    frames.next_frame()
    old = _wait_for_listener(live_app, frames)
    with live_app.extensions["ivr"].engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old})
        conn.commit()
    new = _wait_for_listener(live_app, frames, not_pid=old)
    assert new != old
    commit_status(live_app, "kim", "break")
    assert frames.until(lambda f: f.event == "agent")[-1].data["ref"] == "kim"
    answer.close()


def _wait_for_listener(app, frames: SseReader, not_pid: int | None = None) -> int:
    """The backend pid of this hub's LISTEN connection, once it is there (heartbeats pace the looking)."""
    for _ in range(200):
        pids = [p for p in listener_pids(app) if p != not_pid]
        if pids:
            return pids[0]
        frames.next_frame()
    raise AssertionError("the hub never listened")

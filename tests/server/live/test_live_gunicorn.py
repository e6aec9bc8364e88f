"""Under the production command (gunicorn, committed config, --preload, 2 gevent workers): a change committed
by one process reaches the streams held by every worker, and a stream that closes frees its place."""
from __future__ import annotations

import http.client
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from gunicorn_server import HOST, GunicornServer

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


class Stream:
    """One open event stream over a plain socket."""

    def __init__(self, port: int, audiences: list[str]):
        from sse_reader import SseReader

        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        query = "&".join(f"audience={a}" for a in audiences)
        self.connection.request("GET", f"/bench-live/events?{query}")
        self.answer = self.connection.getresponse()
        assert self.answer.status == 200 and self.answer.getheader("Content-Type").startswith("text/event-stream")
        self.pid = int(self.answer.getheader("X-Worker-Pid"))
        self.frames = SseReader(iter(lambda: self.answer.read1(65536), b""))
        assert self.frames.next_frame().retry == 2000

    def close(self) -> None:
        self.connection.close()


def serve(tmp_path, database_url: str) -> GunicornServer:
    env = {"DATABASE_URL": database_url, "IVR_DEV_OPEN_API": "1", "TIMERS": "0"}
    return GunicornServer(env, tmp_path / "gunicorn-live.log", workers=2,
                          args=("--pythonpath", str(ROOT / "bench")), app="events_app:create_app()")


def streams_on_both_workers(server, audiences: list[str]) -> list[Stream]:
    """Open streams until both workers hold one. Which worker accepts is the kernel's choice: one that just
    accepted is often first again, so a short pause between tries lets the other wake (16 quick tries once all
    went to one worker)."""
    streams: list[Stream] = []
    while len({s.pid for s in streams}) < 2:
        assert len(streams) < 64, "every stream went to one worker"
        if streams:
            time.sleep(0.05 * min(len(streams), 10))
        streams.append(Stream(server.port, audiences))
    return streams


def test_a_change_made_through_one_worker_reaches_streams_on_both(tmp_path, database_url):
    with serve(tmp_path, database_url) as server:
        streams = streams_on_both_workers(server, ["agent:kim"])
        assert server.post_json("/api/agents/kim/status", '{"status": "available"}').status == 200
        for stream in streams:
            assert stream.frames.until(lambda f: f.event == "agent")[-1].data == {"kind": "agent", "ref": "kim", "queue": ""}
        for stream in streams:
            stream.close()


def test_a_change_committed_by_another_process_reaches_every_worker(tmp_path, database_url):
    from ivr.clock import SystemClock
    from ivr.config import Settings
    from ivr.bootstrap import build_queue
    from callqueue.tables import AgentRow

    with serve(tmp_path, database_url) as server:
        streams = streams_on_both_workers(server, ["board"])
        queues = build_queue(Settings.from_env({"DATABASE_URL": database_url}), SystemClock())
        with queues.uow() as uow:  # this test process, as `ivr worker` or another host would
            uow.session.scalars(select(AgentRow).where(AgentRow.id == "lee")).one().status = "break"
            uow.commit()
        for stream in streams:
            assert stream.frames.until(lambda f: f.event == "agent")[-1].data["ref"] == "lee"
        for stream in streams:
            stream.close()

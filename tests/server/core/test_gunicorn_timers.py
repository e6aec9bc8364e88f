"""Under the production command (gunicorn, --preload, gevent, 2 workers) the queue's timers run without `ivr worker`."""
from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import new_call_sid, twilio_params

from gunicorn_server import GunicornServer

FLOWS = Path(__file__).resolve().parent / "flows_wrap_up"
pytestmark = pytest.mark.slow


def agent_status(server, agent_id: str) -> str:
    return json.loads(server.get(f"/api/agents/{agent_id}").body)["status"]


def answer_and_hang_up(server) -> None:
    """A call through the desk queue to amy (dev mode: unsigned), answered and ended: amy goes to wrap-up."""
    sid = new_call_sid()
    enqueue = ET.fromstring(server.post("/voice", twilio_params(sid, CallStatus="ringing")).body).find("Enqueue")
    wait_url = enqueue.attrib["waitUrl"]
    entry = wait_url.rsplit("=", 1)[1]
    assert ET.fromstring(server.post(wait_url, twilio_params(sid, QueuePosition="1")).body)[0].tag == "Leave"
    left = server.post("/voice/queue/left?node=queue", twilio_params(sid, QueueResult="leave", QueueTime="1"))
    assert ET.fromstring(left.body).find("Dial") is not None, left.body
    server.post(f"/voice/whisper?entry={entry}", twilio_params(new_call_sid(), Direction="outbound-dial"))
    dialed = twilio_params(sid, DialCallStatus="completed", DialCallSid=new_call_sid(), DialCallDuration="5")
    assert server.post("/voice/queue/dialed?node=queue", dialed).status == 200


def serve(tmp_path, database_url: str, timers: str) -> GunicornServer:
    env = {"DATABASE_URL": database_url, "FLOWS_DIR": str(FLOWS), "TIMERS": timers, "LOG_LEVEL": "INFO",
           "IVR_DEV_OPEN_API": "1"}  # the test drives agents through the API from this machine
    return GunicornServer(env, tmp_path / f"gunicorn-timers-{timers}.log", workers=2)


def wait_for_status(server, agent_id: str, wanted: str, limit_s: float) -> str:
    deadline, status = time.monotonic() + limit_s, ""
    while time.monotonic() < deadline:
        status = agent_status(server, agent_id)
        if status == wanted:
            break
        time.sleep(0.5)
    return status


def test_an_agent_in_wrap_up_becomes_available_by_itself_under_gunicorn(tmp_path, database_url):
    with serve(tmp_path, database_url, "1") as server:
        assert server.post_json("/api/agents/amy/status", '{"status": "available"}').status == 200
        answer_and_hang_up(server)
        assert agent_status(server, "amy") == "wrap_up"
        assert wait_for_status(server, "amy", "available", limit_s=20) == "available", server.log_text()[-3000:]
        health = json.loads(server.get("/api/health").body)
        assert health["timers"] == "ok" and health["timers_last_pass"]["age_s"] < 60
        holders = {line.split("process ")[1].split()[0] for line in server.log_text().splitlines() if "loop started" in line}
        assert len(holders) == 2, "each worker starts its own loop after the fork"


def test_without_the_timers_the_agent_stays_in_wrap_up(tmp_path, database_url):
    """The check above can fail: with TIMERS=0 and no `ivr worker`, nothing ends the wrap-up."""
    with serve(tmp_path, database_url, "0") as server:
        server.post_json("/api/agents/amy/status", '{"status": "available"}')
        answer_and_hang_up(server)
        time.sleep(5)
        assert agent_status(server, "amy") == "wrap_up"
        assert json.loads(server.get("/api/health").body)["timers"] == "stale: no timer loop has ever run"

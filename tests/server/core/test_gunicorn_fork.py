"""Nothing opened before gunicorn forks is used after it: 4 preloaded workers serve 40 concurrent callers walking
the sample flow with no apology and no error, on PostgreSQL (connections made in the master at start) and SQLite."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import new_call_sid, twilio_params

from gunicorn_server import FLOWS, GunicornServer
from ivr.config import APOLOGY

CALLERS = 40
STEPS = 4
APOLOGIES = {text for _, text in APOLOGY}
pytestmark = pytest.mark.slow


def walk(server) -> list[tuple[int, bool]]:
    """One caller: the incoming call, then key 1 at each menu for a few steps; (status, apologised) per webhook.

    Out of office hours the flow records a voicemail instead of asking: the key then goes to the language menu,
    a stale node the service answers by asking its current question again (a read and a write all the same)."""
    sid, seen = new_call_sid(), []
    answer = server.post("/voice", twilio_params(sid, CallStatus="ringing"))
    for _ in range(STEPS):
        seen.append((answer.status, answer.status == 200 and _apologised(answer.body)))
        if answer.status != 200:
            break
        gather = ET.fromstring(answer.body).find(".//Gather")
        action = gather.attrib["action"] if gather is not None else "/voice/step?node=choose_language%2Fchoose"
        answer = server.post(action, twilio_params(sid, Digits="1"))
    server.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration="9"))
    return seen


def _apologised(body: str) -> bool:
    return any(s.text in APOLOGIES for s in ET.fromstring(body).iter("Say"))


def many_callers(server) -> list[tuple[int, bool]]:
    with ThreadPoolExecutor(CALLERS) as pool:
        return [step for walked in pool.map(lambda _: walk(server), range(CALLERS)) for step in walked]


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_forty_concurrent_callers_on_four_preloaded_workers_hear_no_apology(database, tmp_path, request):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else f"sqlite:///{tmp_path}/ivr.sqlite3"
    with GunicornServer({"DATABASE_URL": url, "FLOWS_DIR": str(FLOWS)}, tmp_path / "gunicorn.log", workers=4) as server:
        steps = many_callers(server) + many_callers(server)
        log = server.log_text()
    assert len(steps) == 2 * CALLERS * STEPS
    assert [s for s in steps if s[0] != 200] == []
    assert [s for s in steps if s[1]] == [], log[-3000:]
    assert "answering the fallback" not in log and "Traceback" not in log, log[-3000:]

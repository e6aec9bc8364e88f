"""The voicemail inbox: a voicemail left through the webhooks shows with its caller's number and path, is
assigned and marked handled (audited), and a call-back says plainly when the board's call-back cannot reach
the caller is filed as a callback due at the next opening (placed in its turn); the page itself is for
supervisors and admins."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from helpers import new_call_sid, twilio_params
from sqlalchemy import select

from callqueue.tables import QueueEntryRow

from accounts_pages import CHEAP, PASSWORD
from fakes import FakeTwilio
from recording_rows import csrf

from ivr.web import create_app

@pytest.fixture
def fake_twilio():
    return FakeTwilio(base_url="https://ivr.example")


@pytest.fixture
def app(rec_settings, clock, fake_twilio):
    """The recordings app, with a fake outbound adapter that records the calls placed."""
    app = create_app(rec_settings, clock, passwords=CHEAP, twilio=fake_twilio)
    services = app.extensions["ivr"]
    for name, role, agent in (("kim", "agent", "kim"), ("sue", "supervisor", None), ("ann", "admin", None)):
        services.accounts.add(name, PASSWORD, role, agent)
    yield app
    services.engine.dispose()


RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "b" * 32


def leave_voicemail(twilio, clock, number: str | None = None) -> str:
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # 21:00 in Seoul: closed
    sid = new_call_sid()
    twilio.start(sid, **({"From": number} if number else {}))
    twilio.press(sid, "choose_language/choose", "1")
    twilio.press(sid, "after_hours", "2")  # 2: leave a message (1: called back at opening)
    twilio.post("/voice/record?node=voicemail", twilio_params(sid, RecordingUrl=RECORDING_URL, RecordingDuration="9",
                                                              RecordingSid="RE" + "b" * 32, Digits="#"))
    return sid


def test_a_new_voicemail_shows_with_caller_context_and_is_assigned_then_handled(app, twilio, clock, person):
    sid = leave_voicemail(twilio, clock)
    sue = person("sue")
    inbox = sue.get("/board/api/voicemail").get_json()
    [voicemail] = inbox["recordings"]
    assert voicemail["call_sid"] == sid and voicemail["caller"]["number"] == "+821012345678"
    assert voicemail["caller"]["language"] == "ko" and voicemail["caller"]["path"][0] == "choose_language/choose"
    assigned = sue.post(f"/board/api/voicemail/{voicemail['id']}/assign", json={"agent": "kim"}, headers=csrf(sue))
    assert assigned.get_json()["assigned_to"] == "kim"
    handled = sue.post(f"/board/api/voicemail/{voicemail['id']}/status", json={"status": "handled"}, headers=csrf(sue))
    assert handled.get_json()["handled_by"] == "sue"
    assert sue.get("/board/api/voicemail").get_json()["recordings"] == []
    assert [r["id"] for r in sue.get("/board/api/voicemail?status=handled").get_json()["recordings"]] == [voicemail["id"]]
    actions = [a["action"] for a in reversed(app.extensions["ivr"].audit.recent(20)) if a["target"] == str(voicemail["id"])]
    assert actions == ["voicemail_assigned", "voicemail_handled"]


def test_a_call_back_to_a_caller_who_never_waited_files_a_callback_due_at_the_next_opening(app, twilio, clock, person):
    sid = leave_voicemail(twilio, clock)
    sue = person("sue")
    [voicemail] = sue.get("/board/api/voicemail").get_json()["recordings"]
    answer = sue.post(f"/board/api/voicemail/{voicemail['id']}/callback", json={}, headers=csrf(sue))
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert (body["queue"], body["status"], body["number"]) == ("general", "callback", "+821012345678")
    assert body["due_at"] == "2026-03-03T00:00:00+00:00"  # Tuesday 09:00 in Seoul
    again = sue.post(f"/board/api/voicemail/{voicemail['id']}/callback", json={}, headers=csrf(sue)).get_json()
    assert again["entry"] == body["entry"]  # one callback per voicemail, however often it is asked
    services = app.extensions["ivr"]
    with services.uow() as uow:
        rows = uow.session.scalars(select(QueueEntryRow).where(QueueEntryRow.call_sid == sid)).all()
        assert [(r.status, r.callback_number) for r in rows] == [("callback", "+821012345678")]
    actions = [a["action"] for a in services.audit.recent(20) if a["target"] == str(voicemail["id"])]
    assert "voicemail_callback" in actions


def test_a_voicemail_callback_is_placed_to_an_agent_once_the_center_opens(app, twilio, clock, person, fake_twilio):
    leave_voicemail(twilio, clock)
    sue = person("sue")
    [voicemail] = sue.get("/board/api/voicemail").get_json()["recordings"]
    entry = sue.post(f"/board/api/voicemail/{voicemail['id']}/callback", json={}, headers=csrf(sue)).get_json()["entry"]
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    api.post("/api/agents/choi/status", json={"status": "available"})
    assert fake_twilio.placed == []  # closed: not due yet
    api.post("/api/agents/choi/status", json={"status": "offline"})
    clock.current = datetime(2026, 3, 3, 0, 1, tzinfo=timezone.utc)
    api.post("/api/agents/choi/status", json={"status": "available"})
    assert [(p.to, p.url) for _, p in fake_twilio.placed] == [("client:choi", f"/voice/queue/callback/agent?entry={entry}")]


def test_a_call_back_to_an_anonymous_caller_is_refused_with_the_reason(app, twilio, clock, person):
    leave_voicemail(twilio, clock, number="anonymous")
    sue = person("sue")
    [voicemail] = sue.get("/board/api/voicemail").get_json()["recordings"]
    answer = sue.post(f"/board/api/voicemail/{voicemail['id']}/callback", json={}, headers=csrf(sue))
    assert answer.status_code == 409 and "call the number shown" in answer.get_json()["error"]


def test_the_inbox_is_for_supervisors_and_admins_and_posts_need_the_csrf_token(app, twilio, clock, person):
    leave_voicemail(twilio, clock)
    kim, ann = person("kim"), person("ann")
    assert kim.get("/board/voicemail").status_code == 403 and kim.get("/board/api/voicemail").status_code == 403
    assert ann.get("/board/voicemail").status_code == 200
    assert app.test_client().get("/board/voicemail").status_code == 303
    [voicemail] = ann.get("/board/api/voicemail").get_json()["recordings"]
    assert ann.post(f"/board/api/voicemail/{voicemail['id']}/status", json={"status": "handled"}).status_code == 400
    assert ann.post(f"/board/api/voicemail/{voicemail['id']}/status", json={"status": "done"},
                    headers=csrf(ann)).status_code == 400

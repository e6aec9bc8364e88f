"""The voicemail inbox: a voicemail left through the webhooks shows with its caller's number and path, is
assigned and marked handled (audited), and a call-back says plainly when the board's call-back cannot reach
the caller; the page itself is for supervisors and admins."""
from __future__ import annotations

from datetime import datetime, timezone

from helpers import new_call_sid, twilio_params

from recording_rows import csrf

RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "b" * 32


def leave_voicemail(twilio, clock) -> str:
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # 21:00 in Seoul: closed
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
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


def test_a_call_back_to_a_caller_who_never_waited_in_a_queue_is_refused_with_the_reason(app, twilio, clock, person):
    leave_voicemail(twilio, clock)
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

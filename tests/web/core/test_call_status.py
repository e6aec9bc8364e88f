"""A call's status follows what the server saw: ringing at the first webhook, in progress once Twilio asks for
more TwiML, and the first end for good, whatever order the status callbacks arrive in."""
from __future__ import annotations

import pytest
from helpers import twilio_params

from ivr.service import later_status


def _status(api, sid: str) -> dict:
    return api.get(f"/api/calls/{sid}").get_json()


def _callback(twilio, sid: str, status: str, sequence: int, **extra):
    params = twilio_params(sid, CallStatus=status, SequenceNumber=str(sequence), **extra)
    assert twilio.post("/voice/status", params).status_code == 204


def test_a_call_rings_until_twilio_asks_for_more_twiml_then_is_in_progress(twilio, api):
    from helpers import new_call_sid

    sid = new_call_sid()
    twilio.start(sid)
    assert _status(api, sid)["status"] == "ringing"
    twilio.press(sid, "choose_language/choose", "1")
    assert _status(api, sid)["status"] == "in-progress"
    listed = api.get("/api/calls?status=in-progress").get_json()["calls"]
    assert [c["call_sid"] for c in listed] == [sid]


def test_a_follow_up_without_call_status_still_means_the_call_was_answered(twilio, api):
    from helpers import new_call_sid

    sid = new_call_sid()
    twilio.start(sid)
    params = {k: v for k, v in twilio_params(sid, Digits="1").items() if k != "CallStatus"}
    assert twilio.post("/voice/step?node=choose_language%2Fchoose", params).status_code == 200
    assert _status(api, sid)["status"] == "in-progress"


def test_callbacks_out_of_order_never_move_an_ended_call_back(twilio, api, clock):
    from helpers import new_call_sid

    sid = new_call_sid()
    twilio.start(sid)
    clock.advance(30)
    _callback(twilio, sid, "completed", 3, CallDuration="30")
    clock.advance(1)
    _callback(twilio, sid, "in-progress", 2)
    _callback(twilio, sid, "ringing", 1)
    body = _status(api, sid)
    assert (body["status"], body["duration_seconds"]) == ("completed", 30)
    assert body["ended_at"] == "2026-03-02T01:00:30+00:00"


def test_a_second_end_does_not_replace_the_first(twilio, api):
    from helpers import new_call_sid

    sid = new_call_sid()
    twilio.start(sid)
    _callback(twilio, sid, "no-answer", 2, CallDuration="0")
    _callback(twilio, sid, "completed", 3, CallDuration="99")
    assert (_status(api, sid)["status"], _status(api, sid)["duration_seconds"]) == ("no-answer", 0)


@pytest.mark.parametrize("current, reported, expected", [
    ("ringing", "in-progress", "in-progress"),
    ("in-progress", "ringing", "in-progress"),
    ("in-progress", "completed", "completed"),
    ("completed", "in-progress", "completed"),
    ("completed", "canceled", "completed"),
    ("queued", "ringing", "ringing"),
    ("ringing", "busy", "busy"),
    ("ringing", "", "ringing"),
    ("ringing", "exploded", "ringing"),
])
def test_a_status_only_moves_forward(current, reported, expected):
    assert later_status(current, reported) == expected

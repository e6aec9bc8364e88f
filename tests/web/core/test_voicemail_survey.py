"""Voicemail, recording callbacks, surveys and the order lookup through the webhooks and the API."""
from __future__ import annotations

from datetime import datetime, timezone

from helpers import new_call_sid, said, twilio_params, twiml, verbs

RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "a" * 32


def after_hours(clock):
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # 21:00 in Seoul


def call_after_hours(twilio, sid, key="1"):
    """A call at a closed center: the caller chooses a language (1 Korean, 2 English), hears we are closed and
    the choice between a callback at opening (1) and a message (2), and presses 2."""
    twilio.start(sid)
    closed = twiml(twilio.press(sid, "choose_language/choose", key))
    assert verbs(closed)[0] == "Gather", verbs(closed)
    return twiml(twilio.press(sid, "after_hours", "2"))


def test_after_hours_caller_hears_closed_message_and_records(twilio, clock):
    after_hours(clock)
    sid = new_call_sid()
    twilio.start(sid)
    closed = twiml(twilio.press(sid, "choose_language/choose", "1"))
    assert said(closed)[0].startswith("지금은 상담 시간이 아닙니다.") and "음성 메시지를 남기시려면 2번" in said(closed)[0]
    root = twiml(twilio.press(sid, "after_hours", "2"))
    assert verbs(root) == ["Say", "Record", "Redirect"]
    record = root.find("Record").attrib
    assert record == {"action": "http://localhost/voice/record?node=voicemail", "method": "POST", "maxLength": "120", "timeout": "5",
                      "finishOnKey": "#", "playBeep": "true", "trim": "trim-silence",
                      "recordingStatusCallback": "http://localhost/voice/recording-status", "recordingStatusCallbackMethod": "POST"}


def leave_message(twilio, sid, duration="17"):
    params = twilio_params(sid, RecordingUrl=RECORDING_URL, RecordingDuration=duration,
                           RecordingSid="RE" + "a" * 32, Digits="#")
    return twiml(twilio.post("/voice/record?node=voicemail", params))


def test_a_voicemail_is_kept_with_the_call_and_listed_for_handling(twilio, api, clock):
    after_hours(clock)
    sid = new_call_sid()
    call_after_hours(twilio, sid)
    root = leave_message(twilio, sid)
    assert said(root) == ["메시지가 저장되었습니다. 빠르게 연락드리겠습니다."] and verbs(root)[-1] == "Hangup"
    listed = api.get("/api/recordings?status=new").get_json()["recordings"]
    assert [(r["call_sid"], r["url"], r["duration_seconds"], r["kind"]) for r in listed] == [(sid, RECORDING_URL, 17, "voicemail")]
    marked = api.post(f"/api/recordings/{listed[0]['id']}", json={"status": "handled"}).get_json()
    assert marked["status"] == "handled" and api.get("/api/recordings?status=new").get_json()["recordings"] == []


def test_no_recording_falls_through_and_nothing_is_kept(twilio, api, clock):
    after_hours(clock)
    sid = new_call_sid()
    call_after_hours(twilio, sid)
    root = twiml(twilio.post("/voice/record?node=voicemail", twilio_params(sid)))
    assert verbs(root)[-1] == "Hangup"
    assert api.get("/api/recordings").get_json()["recordings"] == []
    kinds = [e["kind"] for e in api.get(f"/api/calls/{sid}").get_json()["events"]]
    assert "voicemail_empty" in kinds


def test_recording_status_before_the_action_makes_one_row_not_two(twilio, api, clock):
    after_hours(clock)
    sid = new_call_sid()
    call_after_hours(twilio, sid)
    status = twilio_params(sid, RecordingSid="RE" + "a" * 32, RecordingUrl=RECORDING_URL, RecordingStatus="completed",
                           RecordingDuration="17", RecordingChannels="1", RecordingSource="RecordVerb")
    assert twilio.post("/voice/recording-status", status).status_code == 204
    leave_message(twilio, sid)
    listed = api.get("/api/recordings").get_json()["recordings"]
    assert len(listed) == 1 and listed[0]["twilio_status"] == "completed" and listed[0]["duration_seconds"] == 17


def test_recording_status_for_an_unknown_recording_is_acknowledged(twilio, caplog):
    response = twilio.post("/voice/recording-status", twilio_params(new_call_sid(), RecordingStatus="failed"))
    assert response.status_code == 204 and "unknown recording" in caplog.text


def reach_survey(twilio, sid):
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    twilio.press(sid, "main_menu", "0")
    params = twilio_params(sid, DialCallStatus="completed", DialCallDuration="95", DialCallSid="CA" + "2" * 32)
    return twiml(twilio.post("/voice/dial?node=agent", params))


def test_an_answered_transfer_is_followed_by_the_survey_and_answers_are_reported(twilio, api):
    for answers in (("1", "5"), ("2", "3"), ("1", "")):
        sid = new_call_sid()
        root = reach_survey(twilio, sid)
        assert said(root) == ["Please answer two short questions about your call.",
                              "If your question was answered, press 1. If not, press 2."]
        twilio.press(sid, "survey", answers[0])
        root = twiml(twilio.press(sid, "survey", answers[1] or None))
        assert said(root) == ["Thank you for calling. Goodbye."]
    report = api.get("/api/surveys/csat").get_json()
    assert report["calls"] == 3
    assert report["questions"]["resolved"] == {"type": "yes_no", "answered": 3, "skipped": 0, "yes_share": 0.667}
    satisfaction = report["questions"]["satisfaction"]
    assert (satisfaction["answered"], satisfaction["skipped"], satisfaction["average"]) == (2, 1, 4.0)
    assert api.get("/api/surveys/nps").status_code == 404


def test_unknown_order_takes_the_failure_branch(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
    twilio.press(sid, "main_menu", "1")
    root = twiml(twilio.press(sid, "order_number", "0000"))
    assert said(root)[0] == "주문 번호 0 0 0 0번을 찾을 수 없습니다."


def test_order_service_down_is_the_failure_branch_not_an_error(settings, clock):
    from helpers import TwilioClient

    from ivr.flow.events import HttpFetched
    from ivr.web import create_app

    class Down:
        def fetch(self, request):
            return HttpFetched(False, 0, None, "ConnectionError")

    app = create_app(settings, clock, fetcher=Down(), local_app=None)  # even this server's own URLs are down
    twilio = TwilioClient(app.test_client())
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    twilio.press(sid, "main_menu", "1")
    assert said(twiml(twilio.press(sid, "order_number", "12345")))[0] == "We could not find order number 1 2 3 4 5."
    app.extensions["ivr"].engine.dispose()


def test_a_slow_order_service_gets_what_the_webhook_budget_leaves_and_the_caller_hears_the_failure_branch(settings,
                                                                                                          clock):
    import time
    from dataclasses import replace

    from helpers import TwilioClient

    from ivr.flow.events import HttpFetched
    from ivr.web import create_app

    class Slow:
        """A service that never answers: it holds each request for as long as it is allowed to."""

        def __init__(self):
            self.timeouts = []

        def fetch(self, request):
            self.timeouts.append(request.timeout_s)
            time.sleep(request.timeout_s)
            return HttpFetched(False, 0, None, "ReadTimeout")

    slow = Slow()
    app = create_app(replace(settings, webhook_budget_s=3.0), clock, fetcher=slow, local_app=None)
    twilio = TwilioClient(app.test_client())
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    twilio.press(sid, "main_menu", "1")
    answer = twiml(twilio.press(sid, "order_number", "12345"))  # the node allows 3 s; the webhook has 3 s in all
    assert said(answer)[0] == "We could not find order number 1 2 3 4 5."  # not the apology of a blown budget
    assert len(slow.timeouts) == 1 and slow.timeouts[0] <= 1.0
    app.extensions["ivr"].engine.dispose()

"""The Twilio adapter against a local stand-in of Twilio's REST API: the exact requests it sends (paths, form fields,
basic auth) and what it makes of Twilio's answers and failures."""
from __future__ import annotations

import json

import pytest
from standin import Answer, StandIn

from ivr.config import Settings
from ivr.outbound.ports import OutboundCall
from ivr.outbound.twilio_rest import TwilioRest

ACCOUNT = "AC" + "a" * 32
TOKEN = "rest-token"
CALL = "CA" + "c" * 32
NEW_CALL = "CA" + "d" * 32
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls"


def adapter(standin: StandIn, **overrides) -> TwilioRest:
    settings = Settings.from_env({}, twilio_account_sid=ACCOUNT, twilio_auth_token=TOKEN,
                                 public_base_url="https://ivr.example", twilio_api_base_url=standin.base_url,
                                 **overrides)
    return TwilioRest.from_settings(settings)


def call_json(sid: str, status: str) -> Answer:
    return Answer(200, json.dumps({"sid": sid, "account_sid": ACCOUNT, "status": status}).encode(),
                  {"Content-Type": "application/json"})


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


def test_a_redirect_posts_the_absolute_url_to_the_calls_resource_with_the_accounts_basic_auth(standin):
    standin.routes[("POST", f"{CALLS}/{CALL}.json")] = call_json(CALL, "in-progress")
    assert adapter(standin).redirect(CALL, "/voice/queue/left?node=billing") is True
    [seen] = standin.requests
    assert (seen.method, seen.path, seen.credentials) == ("POST", f"{CALLS}/{CALL}.json", f"{ACCOUNT}:{TOKEN}")
    assert seen.form == {"Url": "https://ivr.example/voice/queue/left?node=billing", "Method": "POST"}


def test_placing_a_call_posts_to_from_url_callback_and_timeout_and_returns_the_new_call_sid(standin):
    standin.routes[("POST", f"{CALLS}.json")] = call_json(NEW_CALL, "queued")
    call = OutboundCall(to="+821012345678", from_="+827012345678", url="/voice/callback?entry=7",
                        status_callback="/voice/status", timeout_s=25)
    assert adapter(standin).place_call(call) == NEW_CALL
    [seen] = standin.requests
    assert (seen.method, seen.path, seen.credentials) == ("POST", f"{CALLS}.json", f"{ACCOUNT}:{TOKEN}")
    assert seen.form == {"To": "+821012345678", "From": "+827012345678", "Url": "https://ivr.example/voice/callback?entry=7",
                         "Method": "POST", "Timeout": "25", "StatusCallback": "https://ivr.example/voice/status",
                         "StatusCallbackMethod": "POST"}


def test_a_call_without_a_status_callback_sends_none(standin):
    standin.routes[("POST", f"{CALLS}.json")] = call_json(NEW_CALL, "queued")
    adapter(standin).place_call(OutboundCall("+821012345678", "+827012345678", "https://other.example/twiml"))
    assert standin.requests[0].form == {"To": "+821012345678", "From": "+827012345678",
                                        "Url": "https://other.example/twiml", "Method": "POST", "Timeout": "30"}


def test_call_status_reads_the_call_resource(standin):
    standin.routes[("GET", f"{CALLS}/{CALL}.json")] = call_json(CALL, "in-progress")
    assert adapter(standin).call_status(CALL) == "in-progress"
    [seen] = standin.requests
    assert (seen.method, seen.path, seen.credentials, seen.form) == ("GET", f"{CALLS}/{CALL}.json", f"{ACCOUNT}:{TOKEN}", {})


def test_an_unknown_call_has_no_status(standin):
    assert adapter(standin).call_status(CALL) is None  # the stand-in answers 404, as Twilio does for an unknown sid
    assert [s.path for s in standin.requests] == [f"{CALLS}/{CALL}.json"]


def test_pausing_and_resuming_update_the_calls_current_recording(standin):
    path = f"{CALLS}/{CALL}/Recordings/Twilio.CURRENT.json"
    standin.routes[("POST", path)] = Answer(200, json.dumps({"sid": "RE" + "e" * 32, "status": "paused"}).encode())
    rest = adapter(standin)
    assert rest.update_recording(CALL, "paused") is True
    assert rest.update_recording(CALL, "in-progress") is True
    assert [(s.method, s.path, s.form, s.credentials) for s in standin.requests] == [
        ("POST", path, {"Status": "paused", "PauseBehavior": "skip"}, f"{ACCOUNT}:{TOKEN}"),
        ("POST", path, {"Status": "in-progress"}, f"{ACCOUNT}:{TOKEN}")]


def test_deleting_a_recording_sends_delete_to_the_accounts_recordings_resource(standin):
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE{'e' * 32}.json"
    standin.routes[("DELETE", path)] = Answer(204, b"")
    rest = adapter(standin)
    assert rest.delete_recording("RE" + "e" * 32) is True
    assert [(s.method, s.path, s.credentials) for s in standin.requests] == [("DELETE", path, f"{ACCOUNT}:{TOKEN}")]
    assert rest.delete_recording("RE" + "f" * 32) is False  # the stand-in answers 404


def test_a_recording_status_twilio_does_not_know_is_refused_before_any_request(standin):
    with pytest.raises(ValueError, match="recording status 'pause'"):
        adapter(standin).update_recording(CALL, "pause")
    assert standin.requests == []


def test_twilio_refusing_a_request_is_an_answer_not_a_fault(standin, caplog):
    standin.routes[("POST", f"{CALLS}/{CALL}.json")] = Answer(500, b'{"code": 20500, "message": "down", "status": 500}')
    rest = adapter(standin)
    assert rest.redirect(CALL, "/voice/queue/left?node=billing") is False
    assert rest.place_call(OutboundCall("+821012345678", "+827012345678", "/voice/callback")) is None
    assert rest.update_recording(CALL, "paused") is False
    assert "REST redirect of call" in caplog.text and "not placed" in caplog.text


def test_an_unreachable_twilio_is_an_answer_not_a_fault(standin):
    rest = adapter(standin)
    standin.close()  # nothing listens there any more
    assert rest.redirect(CALL, "/voice/x") is False
    assert rest.call_status(CALL) is None


def test_without_credentials_or_public_url_no_rest_request_is_made(standin):
    for missing in ({"twilio_account_sid": ""}, {"public_base_url": ""}):
        settings = Settings.from_env({}, **{"twilio_account_sid": ACCOUNT, "twilio_auth_token": TOKEN,
                                             "public_base_url": "https://ivr.example",
                                             "twilio_api_base_url": standin.base_url, **missing})
        rest = TwilioRest.from_settings(settings)
        assert rest.rest_ready is False
        assert rest.redirect(CALL, "/voice/x") is False
        assert rest.place_call(OutboundCall("+821012345678", "+827012345678", "/voice/callback")) is None
    assert standin.requests == []

"""Odd but signed input gets a clear answer (400 with valid TwiML or JSON, 403 for an unknown signature
algorithm), one log line and no traceback; every response carries security headers; errors never leak."""
from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import quote

import pytest
from helpers import TOKEN, TwilioClient, new_call_sid, twilio_params
from twilio.request_validator import RequestValidator

from ivr.web import create_app


@pytest.fixture
def app(settings, clock, database_url):
    app = create_app(replace(settings, database_url=database_url), clock)
    yield app
    app.extensions["ivr"].engine.dispose()


@pytest.fixture
def twilio(app):
    return TwilioClient(app.test_client())


def _fallback_twiml(response, status: int = 400) -> None:
    assert response.status_code == status and response.mimetype == "text/xml"
    assert ET.fromstring(response.get_data()).tag == "Response"


def test_an_unsupported_signature_algorithm_is_403_with_one_log_line(app, caplog):
    params = twilio_params(new_call_sid(), CallStatus="ringing")
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/voice", params)
    headers = {"X-Twilio-Signature": signature, "X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_MD5"}
    with caplog.at_level(logging.INFO):
        response = app.test_client().post("/voice", data=params, headers=headers)
    assert response.status_code == 403
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1 and records[0].exc_info is None
    assert "forged or unsigned webhook refused" in records[0].getMessage()


def test_hmac_sha256_signature_settings_are_still_accepted(app):
    params = twilio_params(new_call_sid(), CallStatus="ringing")
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/voice", params, "HMAC_SHA256")
    headers = {"X-Twilio-Signature": signature, "X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256"}
    assert app.test_client().post("/voice", data=params, headers=headers).status_code == 200


@pytest.mark.parametrize("entry", ["²", "١", "12345678901234567890", "2147483648", "-1", ""])
def test_odd_queue_entry_ids_are_a_bad_request_with_twiml(twilio, entry, caplog):
    sid = new_call_sid()
    with caplog.at_level(logging.WARNING):
        _fallback_twiml(twilio.post(f"/voice/queue/wait?entry={quote(entry)}", twilio_params(sid)))
        _fallback_twiml(twilio.post(f"/voice/whisper?entry={quote(entry)}", twilio_params(sid)))
    assert "Traceback" not in caplog.text and all(r.exc_info is None for r in caplog.records)


@pytest.mark.parametrize("field", ["From", "Digits", "To", "RecordingUrl"])
def test_a_nul_byte_in_any_field_is_a_bad_request_with_twiml(twilio, field):
    sid = new_call_sid()
    twilio.start(sid)
    odd = {"Digits": "1\x002"} if field == "Digits" else {field: "x\x00y"}
    _fallback_twiml(twilio.press(sid, "choose_language/choose", odd.pop("Digits", "1"), **odd))


def test_a_nul_byte_in_the_query_is_a_bad_request_with_twiml(twilio):
    _fallback_twiml(twilio.post("/voice/step?node=a%00b", twilio_params(new_call_sid(), Digits="1")))


@pytest.mark.parametrize("duration", ["99999999999999999999", "²", "3000000000"])
def test_numbers_past_any_column_are_capped_or_ignored(twilio, app, duration):
    sid = new_call_sid()
    twilio.start(sid)
    status = twilio.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration=duration))
    assert status.status_code == 204
    dialed = twilio.post("/voice/dial?node=x", twilio_params(sid, DialCallStatus="completed", DialCallDuration=duration))
    assert dialed.status_code == 200 and ET.fromstring(dialed.get_data()).tag == "Response"


def test_api_values_past_a_column_are_a_400_with_a_message(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    response = client.post("/api/recordings/99999999999999999999", json={"status": "handled"})
    assert response.status_code in (400, 404) and "error" in response.get_json()
    nul = client.get("/api/calls/CA%00")
    assert nul.status_code == 400 and nul.get_json() == {"error": "the request holds a NUL character"}


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/no/such/thing")
    assert response.status_code == 404 and response.mimetype == "application/json" and "error" in response.get_json()
    wrong_method = api.delete("/api/calls")
    assert wrong_method.status_code == 405 and "error" in wrong_method.get_json()


def test_an_unknown_voice_path_is_fallback_twiml(twilio):
    _fallback_twiml(twilio.post("/voice/nope", twilio_params(new_call_sid())), 404)


def test_api_faults_name_no_exception_class(api, app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("secret detail")

    monkeypatch.setattr(app.extensions["ivr"], "uow", broken)
    response = api.get("/api/calls")
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal error; the server's log has the details"}


def test_every_response_carries_security_headers(api, twilio):
    for response in (api.get("/api/calls"), api.get("/api/health"), api.get("/api/nope"), twilio.start(new_call_sid())):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Referrer-Policy"] == "no-referrer"


def test_html_pages_forbid_framing_and_scripts_from_elsewhere(app):
    response = app.test_client().get("/no-such-page")
    assert response.mimetype == "text/html"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"


@pytest.mark.parametrize("body", [[1], "handled", 5, None])
def test_a_recording_mark_that_is_not_a_json_object_is_a_400(api, body):
    response = api.post("/api/recordings/1", json=body)
    assert response.status_code == 400 and "status must be one of" in response.get_json()["error"]


def test_recording_audio_from_the_api_is_never_stored_by_a_cache(api, app, tmp_path):
    from ivr.web.http_policy import security_headers

    with app.test_request_context("/api/recordings/1/audio"):
        from flask import send_file

        (tmp_path / "r.wav").write_bytes(b"RIFF")
        response = security_headers(send_file(tmp_path / "r.wav", mimetype="audio/wav"))
        response.close()  # send_file keeps the file open for the body
    assert response.headers["Cache-Control"] == "no-store"

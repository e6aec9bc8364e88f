"""What the simulator reports as a protocol error (Twilio's application error), and what is a normal end."""
from __future__ import annotations

from dataclasses import replace

from fakes import response, twiml_app

from ivr.sim import CallOptions, FlaskTransport, run_call

SIGNED = CallOptions(auth_token="secret")


def call_fake(documents: dict, options: CallOptions = SIGNED, digits=(), **app_kwargs):
    app = twiml_app(documents, **app_kwargs)
    return run_call(FlaskTransport(app), list(digits), options=options), app.config["seen"]


def test_wrong_token_is_reported_as_a_refused_signature(transport, signed):
    result = run_call(transport, ["1"], options=replace(signed, auth_token="wrong"))
    assert result.error.startswith("HTTP 403 from http://localhost/voice: the server refused the X-Twilio-Signature")
    assert result.lines == [f"✖ protocol error: {result.error}",
                            "✖ status callback not sent: the server refuses our signature"]
    assert (result.ended_normally, len(result.requests)) == (False, 1)


def test_unsigned_call_is_refused_by_a_server_with_a_token(transport):
    result = run_call(transport, ["1"])
    assert result.error.startswith("HTTP 403 from http://localhost/voice")


def test_broken_xml_is_a_protocol_error():
    result, _ = call_fake({"/voice": "<Response><Say>hello</Response>"})
    assert result.error.startswith("malformed TwiML from http://localhost/voice: mismatched tag")
    assert result.ended_normally is False


def test_root_other_than_response_is_a_protocol_error():
    result, _ = call_fake({"/voice": "<Reply><Say>hello</Say></Reply>"})
    assert result.error == "TwiML root must be <Response>, got <Reply> from http://localhost/voice"


def test_unknown_verb_is_a_protocol_error():
    result, _ = call_fake({"/voice": response("<Say>hi</Say>", "<Sms>hello</Sms>")})
    assert result.error == "unsupported TwiML verb <Sms>"
    assert result.said_texts == []  # the document is checked before it is played


def test_verb_not_allowed_inside_gather_is_a_protocol_error():
    result, _ = call_fake({"/voice": response('<Gather><Dial>+15551230000</Dial></Gather>')})
    assert result.error == "<Dial> cannot be nested in <Gather>"


def test_html_answer_is_not_twiml():
    result, _ = call_fake({"/voice": response("<Say>hi</Say>")}, content_type="text/html; charset=utf-8")
    assert result.error == ("POST http://localhost/voice answered text/html; charset=utf-8, not TwiML "
                            "(text/xml or application/xml)")


def test_application_xml_is_accepted_as_twiml():
    result, _ = call_fake({"/voice": response("<Say>hi</Say>", "<Hangup/>")}, content_type="application/xml")
    assert (result.error, result.said_texts) == (None, ["hi"])


def test_server_error_is_a_protocol_error_and_the_status_callback_still_goes_out():
    result, seen = call_fake({"/voice": response("<Say>hi</Say>")}, status=500)
    assert result.error == "HTTP 500 from http://localhost/voice"
    assert [(method, path) for method, path, _, _ in seen] == [("POST", "/voice"), ("POST", "/voice/status")]


def test_redirect_loop_stops_at_the_request_limit():
    result, seen = call_fake({"/voice": response("<Redirect>/voice</Redirect>")},
                             options=replace(SIGNED, max_requests=10))
    assert result.error == "more than 10 requests in one call: the TwiML loops"
    assert result.lines.count("↪ redirect /voice") == 10
    assert len(seen) == 11  # ten fetches and the status callback


def test_document_running_out_without_hangup_ends_the_call_normally():
    result, seen = call_fake({"/voice": response('<Say language="ko-KR">안녕하세요</Say>')})
    assert result.lines[:2] == ["🔊 [ko-KR] 안녕하세요", "☎ end of TwiML: Twilio hangs up"]
    assert (result.ended_normally, result.end_reason) == (True, "end of TwiML")
    assert seen[-1][2]["CallStatus"] == "completed"

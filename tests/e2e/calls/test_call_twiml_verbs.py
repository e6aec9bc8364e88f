"""Each TwiML verb as the simulator carries it out, against a tiny fake server that checks signatures."""
from __future__ import annotations

from dataclasses import replace

from fakes import response, twiml_app

from ivr.sim import CallOptions, FlaskTransport, run_call

SIGNED = CallOptions(auth_token="secret")


def call_fake(documents: dict, digits=(), options: CallOptions = SIGNED):
    app = twiml_app(documents)
    return run_call(FlaskTransport(app), list(digits), options=options), app.config["seen"]


def test_say_play_and_pause_are_shown_in_order():
    result, _ = call_fake({"/voice": response(
        '<Say language="en-US" loop="2">Welcome</Say>', "<Play>https://example.com/hold.mp3</Play>",
        '<Pause length="3"/>', '<Play digits="1234"/>', "<Say>Bye <break time=\"1s\"/>now</Say>", "<Hangup/>")})
    assert result.lines[:6] == ["🔊 [en-US] Welcome ×2", "▶ play https://example.com/hold.mp3", "⏸ pause 3 s",
                                "▶ play digits 1234", "🔊 [en-US] Bye now", "☎ hangup"]


def test_every_request_to_the_fake_server_is_validly_signed():
    _, seen = call_fake({"/voice": response('<Gather action="/next"/>'), "/next": response("<Hangup/>")}, ["5#"])
    assert [(method, path, valid) for method, path, _, valid in seen] == [
        ("POST", "/voice", True), ("POST", "/next", True), ("POST", "/voice/status", True)]


def test_gather_stops_at_num_digits_and_reports_no_finish_key():
    _, seen = call_fake({"/voice": response('<Gather numDigits="2" action="/got"/>'), "/got": response()}, ["123#"])
    form = seen[1][2]
    assert (seen[1][1], form["Digits"], form["FinishedOnKey"]) == ("/got", "12", "")


def test_gather_with_custom_finish_key_strips_it():
    _, seen = call_fake({"/voice": response('<Gather finishOnKey="*" action="/got"/>'), "/got": response()}, ["42*"])
    assert (seen[1][2]["Digits"], seen[1][2]["FinishedOnKey"]) == ("42", "*")


def test_redirect_is_followed_with_its_query_string():
    result, seen = call_fake({"/menu": response("<Hangup/>"),
                              "/voice": response('<Redirect method="POST">/menu?x=1</Redirect>')})
    assert result.lines[:2] == ["↪ redirect /menu?x=1", "☎ hangup"]
    assert (seen[1][0], seen[1][1]) == ("POST", "/menu?x=1")


def test_gather_without_action_answers_to_the_document_url():
    _, seen = call_fake({"/voice": response("<Gather/>")}, ["7#"])
    assert (seen[1][0], seen[1][1], seen[1][2]["Digits"]) == ("POST", "/voice", "7")


def test_no_input_with_action_on_empty_result_requests_the_action_with_empty_digits():
    _, seen = call_fake({"/voice": response('<Gather action="/got" actionOnEmptyResult="true"/>'),
                         "/got": response()}, [""])
    assert (seen[1][1], seen[1][2]["Digits"]) == ("/got", "")


def test_get_redirect_puts_parameters_in_the_query_and_signs_that_url():
    result, seen = call_fake({"/voice": response('<Redirect method="GET">/next?step=2</Redirect>'),
                              "/next": response("<Say>there</Say>")})
    method, path, form, valid = seen[1]
    assert (method, valid, form["step"], form["CallStatus"]) == ("GET", True, "2", "in-progress")
    assert path.startswith("/next?step=2&CallSid=CA")
    assert result.requests[1].url == "http://localhost/next?step=2"


def test_dial_without_action_carries_on_with_the_next_verb():
    result, seen = call_fake({"/voice": response(
        '<Dial timeout="20"><Client>alice</Client><Sip>sip:bob@example.com</Sip></Dial>',
        "<Say>after the call</Say>")})
    assert result.lines[:3] == ["☎ dial client:alice, sip:sip:bob@example.com (20 s) -> completed",
                                "🔊 [en-US] after the call", "☎ end of TwiML: Twilio hangs up"]
    assert len(seen) == 2


def test_dial_with_action_sends_twilios_dial_parameters():
    _, seen = call_fake({"/voice": response('<Dial action="/dialed">+15551230000</Dial>', "<Say>never</Say>"),
                         "/dialed": response("<Hangup/>")}, options=replace(SIGNED, dial_status="busy"))
    form = seen[1][2]
    assert (seen[1][1], form["DialCallStatus"], form["DialCallDuration"], form["DialBridged"]) == (
        "/dialed", "busy", "0", "false")


def test_reject_ends_the_call_with_status_busy_and_no_duration():
    result, seen = call_fake({"/voice": response('<Reject reason="busy"/>')})
    assert result.lines[0] == "☎ reject (busy)"
    status = seen[-1][2]
    assert (status["CallStatus"], status["CallDuration"], "Duration" in status) == ("busy", "0", False)


def test_record_with_action_reports_the_caller_hanging_up_and_runs_no_more_twiml():
    result, seen = call_fake({"/voice": response('<Record action="/recorded" maxLength="30"/>'),
                              "/recorded": response("<Say>thanks</Say>")})
    form = seen[1][2]
    assert (seen[1][1], form["Digits"], form["RecordingUrl"], form["RecordingDuration"]) == (
        "/recorded", "hangup", "", "0")
    assert result.lines[:3] == ["● record (max 30 s, silence 5 s, ends on 1234567890*#)", "♪ beep",
                                "🎙 caller hangs up (the script ran out)"]
    assert (result.said_texts, result.end_reason) == ([], "caller hung up while recording")


def test_recorded_message_goes_to_the_action_then_the_signed_recording_status_callback():
    result, seen = call_fake({"/voice": response('<Record action="/recorded" recordingStatusCallback="/rec" '
                                                 'recordingStatusCallbackMethod="GET"/>'),
                              "/recorded": response("<Say>thanks</Say>")}, ["rec:8"])
    assert [(method, path.split("?")[0], valid) for method, path, _, valid in seen] == [
        ("POST", "/voice", True), ("POST", "/recorded", True), ("GET", "/rec", True), ("POST", "/voice/status", True)]
    action, callback = seen[1][2], seen[2][2]
    assert (action["RecordingDuration"], action["Digits"], callback["RecordingStatus"]) == ("8", "#", "completed")
    assert set(callback) == {"AccountSid", "CallSid", "RecordingSid", "RecordingUrl", "RecordingStatus",
                             "RecordingDuration", "RecordingChannels", "RecordingSource"}
    assert result.said_texts == ["thanks"]


def test_no_recording_status_callback_when_the_verb_asks_for_none():
    _, seen = call_fake({"/voice": response('<Record action="/recorded"/>'), "/recorded": response()}, ["rec:8"])
    assert [path for _, path, _, _ in seen] == ["/voice", "/recorded", "/voice/status"]


def test_silence_skips_the_record_action_and_runs_the_next_verb():
    result, seen = call_fake({"/voice": response('<Record action="/recorded" timeout="3"/>', "<Say>no message</Say>")},
                             [""])
    assert result.lines[2:4] == ["🎙 silence (3 s): nothing recorded, Twilio skips the action", "🔊 [en-US] no message"]
    assert [path for _, path, _, _ in seen] == ["/voice", "/voice/status"]


def test_record_without_action_posts_to_the_document_url():
    _, seen = call_fake({"/voice": response("<Record/>")}, ["rec:4", ""])  # then silence on the second pass
    assert (seen[1][1], seen[1][2]["RecordingDuration"]) == ("/voice", "4")


def test_a_key_that_does_not_finish_the_recording_leaves_it_to_the_silence_timeout():
    result, seen = call_fake({"/voice": response('<Record action="/r" finishOnKey="*" timeout="4"/>'),
                              "/r": response()}, ["rec:6"])
    assert "🎙 caller records 6 s, presses # (not a finish key), then is silent 4 s" in result.lines
    assert (seen[1][2]["RecordingDuration"], "Digits" in seen[1][2]) == ("6", False)


def test_a_recording_in_the_script_where_keys_are_gathered_is_a_script_problem():
    result, _ = call_fake({"/voice": response('<Gather action="/got"/>')}, ["rec:5"])
    assert result.script_problem == "the script says 'rec:5' (a recording) but Twilio is gathering keys"
    assert result.lines[0] == f"✖ script: {result.script_problem}; the caller hangs up"


def test_enqueue_waits_on_the_wait_url_until_the_caller_gives_up_and_the_action_hears_hangup():
    result, seen = call_fake({"/voice": response('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>'),
                              "/wait": response("<Say>Please hold.</Say>", '<Pause length="10"/>'),
                              "/left": response("<Say>never heard</Say>")}, options=replace(SIGNED, queue_patience_s=15))
    assert result.lines[0] == "⏳ enqueue support"
    assert [path for _, path, _, _ in seen] == ["/voice", "/wait", "/wait", "/left", "/voice/status"]
    assert (seen[1][2]["QueueTime"], seen[2][2]["QueueTime"], seen[3][2]["QueueResult"]) == ("0", "11", "hangup")
    assert result.said_texts == ["Please hold.", "Please hold."]


def test_leave_in_the_wait_document_requests_the_action_with_queue_result_leave():
    result, seen = call_fake({"/voice": response('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>'),
                              "/wait": response("<Leave/>"), "/left": response("<Say>connected</Say>")})
    assert seen[2][2]["QueueResult"] == "leave" and result.said_texts == ["connected"]
    assert "⇠ leave the queue after 0 s" in result.lines


def test_enqueue_left_by_the_caller_continues_with_the_action_twiml():
    result, seen = call_fake({"/voice": response('<Enqueue action="/left">support</Enqueue>'),
                              "/left": response("<Say>back in the menu</Say>", "<Leave/>")},
                             options=replace(SIGNED, queue_result="leave"))
    assert seen[1][2]["QueueResult"] == "leave"
    assert result.lines[1:3] == ["🔊 [en-US] back in the menu", "⇠ leave (the call is not in a queue)"]

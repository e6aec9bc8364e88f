"""Voicemail through the simulator's <Record>: the action with Twilio's recording parameters, the recording
status callback, and the recording kept with the call."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sample import (LANGUAGE_PROMPT, NOTHING_RECORDED_KO, AGENT_EN, BUSY_EN, CLOSED_KO, GREETING, MONDAY_10, MONDAY_20, SAVED_EN, SAVED_KO, VOICEMAIL_EN,
                    VOICEMAIL_KO)

from floor import staffed  # noqa: F401  (fixture)

from ivr.sim import run_call

RECORDING_URL = re.compile(r"https://api\.twilio\.com/2010-04-01/Accounts/AC[0-9a-f]{32}/Recordings/RE[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def after_hours(clock):
    clock.current = MONDAY_20


def _from_record(lines: list[str]) -> list[str]:
    """The transcript from the voicemail's <Record> on (after the greeting and the language choice)."""
    return lines[next(i for i, line in enumerate(lines) if line.startswith("● record")):]


def recordings(ivr_app):
    with ivr_app.extensions["ivr"].uow() as uow:
        return [(r.call_sid, r.recording_sid, r.url, r.duration_seconds, r.kind, r.node, r.twilio_status)
                for r in uow.recordings.recent(10)]


def test_after_hours_caller_leaves_a_message_that_is_kept_with_the_call(ivr_app, transport, signed):
    result = run_call(transport, ["1", "2", "rec:12"], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, CLOSED_KO, VOICEMAIL_KO, SAVED_KO]
    assert _from_record(result.lines)[:3] == ["● record (max 120 s, silence 5 s, ends on #)", "♪ beep",
                                              "🎙 caller records 12 s, then presses #"]
    [recording] = result.recordings
    assert recordings(ivr_app) == [(result.call_sid, recording.sid, recording.url, 12, "voicemail", "voicemail",
                                    "completed")]


def test_record_action_carries_twilios_recording_parameters(transport, signed):
    result = run_call(transport, ["1", "2", "rec:12"], options=signed)
    action = result.requests[3]  # after the language and the closed menu
    assert action.url == "http://localhost/voice/record?node=voicemail"
    assert RECORDING_URL.fullmatch(action.params["RecordingUrl"])
    assert re.fullmatch(r"RE[0-9a-f]{32}", action.params["RecordingSid"])
    assert action.params["RecordingUrl"].endswith(action.params["RecordingSid"])
    assert (action.params["RecordingDuration"], action.params["Digits"]) == ("12", "#")


def test_recording_status_callback_follows_the_action_with_its_own_parameters(ivr_app, transport, signed, twilio):
    result = run_call(transport, ["1", "2", "rec:12"], options=signed)
    callback = result.requests[4]
    action = result.requests[3].params
    assert (callback.method, callback.url, callback.status) == ("POST", "http://localhost/voice/recording-status", 204)
    assert callback.params == {
        "AccountSid": action["AccountSid"], "CallSid": result.call_sid, "RecordingSid": action["RecordingSid"],
        "RecordingUrl": action["RecordingUrl"], "RecordingStatus": "completed", "RecordingDuration": "12",
        "RecordingChannels": "1", "RecordingSource": "RecordVerb"}
    assert "✔ recording status callback completed -> HTTP 204" in result.lines
    assert twilio.downloads == []  # the webhook only marks it due: the timers' download job fetches it
    ivr_app.extensions["ivr"].recording_pipeline.run()  # the simulator's recording is not in the fake's media
    assert twilio.downloads == [action["RecordingUrl"] + ".wav"]


def test_silence_skips_the_action_and_falls_through_to_the_redirect(ivr_app, transport, signed, call_record):
    result = run_call(transport, ["1", "2", ""], options=signed)
    assert _from_record(result.lines)[2:4] == ["🎙 silence (5 s): nothing recorded, Twilio skips the action",
                                               "↪ redirect http://localhost/voice/record?node=voicemail"]
    assert "RecordingUrl" not in result.requests[3].params
    assert result.said_texts[-1] == NOTHING_RECORDED_KO
    assert recordings(ivr_app) == []
    assert "voicemail_empty" in [e["kind"] for e in call_record(result.call_sid)["events"]]


def test_caller_hanging_up_while_recording_keeps_the_message(ivr_app, transport, signed):
    result = run_call(transport, ["1", "2", "rec:20:hangup"], options=signed)
    assert result.requests[3].params["Digits"] == "hangup"
    assert (result.end_reason, result.said_texts[-1]) == ("caller hung up while recording", VOICEMAIL_KO)
    assert [row[3] for row in recordings(ivr_app)] == [20]


def test_a_message_longer_than_max_length_is_cut_and_reports_no_key(transport, signed):
    result = run_call(transport, ["1", "2", "rec:300"], options=signed)
    assert "🎙 caller records 300 s: cut at maxLength 120 s" in result.lines
    assert result.requests[3].params["RecordingDuration"] == "120"
    assert "Digits" not in result.requests[3].params


def test_busy_agents_let_the_caller_leave_a_message(ivr_app, transport, signed, clock, staffed):
    clock.current = MONDAY_10
    result = run_call(transport, ["2", "0", "1", "rec:30"], options=replace(signed, dial_status="busy"), wait_for=clock.advance)
    assert AGENT_EN in result.said_texts and result.said_texts[-3:] == [BUSY_EN, VOICEMAIL_EN, SAVED_EN]
    assert [row[3] for row in recordings(ivr_app)] == [30]

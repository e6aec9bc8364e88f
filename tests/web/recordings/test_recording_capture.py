"""Call recording capture through the app (SQLite and PostgreSQL): a whole-call recording started in TwiML, paused
through the outbound adapter exactly while a sensitive gather runs, resumed after; the agent leg's Dial records
both channels; the RecordingStatusCallback is signature-checked and files a call recording for download."""
from __future__ import annotations

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient, new_call_sid, twilio_params, twiml, verbs

from ivr.config import Settings
from ivr.flow.instructions import DialAgent
from ivr.outbound.ports import CURRENT_RECORDING
from ivr.web import create_app
from ivr.web.queue_twiml import add_queue_verb
from twilio.twiml.voice_response import VoiceResponse

FLOW = """\
name: paying
languages: [en]
record: whole_call
start: account
nodes:
  account:
    kind: gather
    prompt: {en: Enter your account number}
    variable: account
    num_digits: 4
    next: card
  card:
    kind: gather
    prompt: {en: Enter your card number}
    variable: card
    num_digits: 4
    sensitive: true
    next: thanks
  thanks: {kind: hangup, prompt: {en: Thank you}}
"""
REC = "RE" + "a" * 32


@pytest.fixture
def recorded(database_url, tmp_path, clock):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "paying.yaml").write_text(FLOW)
    settings = Settings.from_env({}, database_url=database_url, flows_dir=tmp_path / "flows", twilio_auth_token=TOKEN,
                                 api_token="api-token", reload_interval_s=0, recordings_dir=tmp_path / "rec",
                                 log_level="WARNING", speech="off", prompts="say", timers=False)
    fake = FakeTwilio()
    app = create_app(settings, clock, fake)
    yield app, TwilioClient(app.test_client()), fake
    app.extensions["ivr"].engine.dispose()


def rows(app):
    with app.extensions["ivr"].uow() as uow:
        return [(r.kind, r.recording_sid, r.capture, r.download_state, r.channels) for r in uow.recordings.recent(10)]


def test_the_recording_is_paused_exactly_while_the_sensitive_gather_runs(recorded):
    app, twilio, fake = recorded
    sid = new_call_sid()
    first = twiml(twilio.start(sid))
    assert verbs(first)[:2] == ["Start", "Gather"]
    start = first.find("Start/Recording")
    assert (start.get("channels"), start.get("recordingStatusCallback")) == ("dual", "http://localhost/voice/recording-status")
    assert fake.rest_log == []  # the account question is recorded
    twilio.post("/voice/recording-status", twilio_params(sid, RecordingSid=REC, RecordingStatus="in-progress",
                                                         RecordingUrl="", RecordingSource="StartCallRecordingTwiML",
                                                         RecordingChannels="2"))
    card = twiml(twilio.press(sid, "account", "1234"))
    assert card.find("Gather/Say").text == "Enter your card number"
    assert fake.rest_log == [("update_recording", sid, "paused", REC)]  # before Twilio plays the card question
    assert "Start" not in verbs(card)  # one recording per call
    twilio.press(sid, "card", "4242")
    assert fake.rest_log == [("update_recording", sid, "paused", REC), ("update_recording", sid, "in-progress", REC)]
    assert rows(app) == [("call", REC, "recording", "", 2)]


def test_a_wrong_card_number_repeats_the_question_and_the_recording_stays_paused(recorded):
    app, twilio, fake = recorded
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "account", "1234")
    twilio.press(sid, "card", "12")  # too short: asked again
    assert [e[2] for e in fake.rest_log] == ["paused"]
    twilio.press(sid, "card", "4242")
    assert fake.rest_log[-1] == ("update_recording", sid, "in-progress", CURRENT_RECORDING)  # SID not reported yet


def test_a_recording_status_callback_must_be_signed(recorded):
    app, twilio, _fake = recorded
    params = twilio_params(new_call_sid(), RecordingSid=REC, RecordingStatus="completed",
                           RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/" + REC,
                           RecordingSource="DialVerb", RecordingChannels="2")
    assert twilio.post("/voice/recording-status", params, sign=False).status_code == 403
    assert twilio.post("/voice/recording-status", params, signature="forged").status_code == 403
    assert rows(app) == []
    assert twilio.post("/voice/recording-status", params).status_code == 204
    assert rows(app) == [("call", REC, "", "pending", 2)]  # a call recording, due for download


def test_the_agent_leg_dial_records_both_channels_from_the_answer():
    response = VoiceResponse()
    add_queue_verb(response, DialAgent("client:kim", 20, 7, record="agent_leg"), "queue", "https://ivr.example")
    dial = twiml_of(str(response)).find("Dial")
    assert dial.get("record") == "record-from-answer-dual"
    assert dial.get("recordingStatusCallback") == "https://ivr.example/voice/recording-status"
    assert dial.get("recordingStatusCallbackEvent") == "in-progress completed absent"


def test_a_dial_without_a_recording_policy_has_no_record_attribute():
    response = VoiceResponse()
    add_queue_verb(response, DialAgent("client:kim", 20, 7), "queue", "https://ivr.example")
    assert twiml_of(str(response)).find("Dial").get("record") is None


def twiml_of(text: str):
    import xml.etree.ElementTree as ET
    return ET.fromstring(text)

"""A recorded call from end to end, through signed webhooks on SQLite and PostgreSQL, with the sample flows: a
Korean caller hears the recording notice, reaches billing (`record: agent_leg`, and once `whole_call`), kim
answers on a <Dial> that records; Twilio's status callback makes the row, the download job keeps the audio (a
real espeak-ng WAV) in the store, the transcript job hears it with the real Korean vosk model, the supervisor plays
it through a signed link (audited, ranges) and lee, an agent who did not take the call, is refused."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient, new_call_sid, said, twilio_params, twiml, verbs

from ivr.bootstrap import call_language
from ivr.config import Settings
from recordings.transcripts import Transcriber

FLOWS = Path(__file__).resolve().parents[3] / "flows"
RECORDING = "RE" + "5" * 32
URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/" + RECORDING
NOTICE = "상담 품질 향상을 위해 상담원과의 통화 내용이 녹음됩니다."


@pytest.fixture(params=["agent_leg", "whole_call"])
def policy(request) -> str:
    return request.param


@pytest.fixture
def rec_settings(database_url, tmp_path, policy):
    """The sample flows; billing's `record:` as the sample has it (agent_leg) or switched to whole_call."""
    flows = tmp_path / "flows"
    shutil.copytree(FLOWS, flows)
    queues = (flows / "queues.yaml").read_text()
    assert "    record: agent_leg" in queues  # the sample turns recording on for billing
    (flows / "queues.yaml").write_text(queues.replace("    record: agent_leg", f"    record: {policy}"))
    return Settings.from_env({}, database_url=database_url, flows_dir=flows, twilio_auth_token=TOKEN,
                             api_token="api-token", speech="off", prompts="say", secret_key="s" * 40,
                             secret_key_file=tmp_path / "secret_key", recordings_dir=tmp_path / "rec",
                             reload_interval_s=0, log_level="WARNING")


@pytest.fixture
def twilio_rest(refund_wav):
    return FakeTwilio(media={URL + ".wav": refund_wav})


@pytest.fixture
def build_overrides(twilio_rest):
    return {"twilio": twilio_rest}


def test_a_recorded_billing_call_is_kept_transcribed_and_played_only_by_those_allowed(
        app, clock, person, policy, korean_model, refund_wav, twilio_rest):
    services, twilio, api = app.extensions["ivr"], TwilioClient(app.test_client()), app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    assert api.post("/api/agents/kim/status", json={"status": "available"}).status_code == 200

    # the caller: Korean, billing; told about the recording before the queue
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
    queued = twiml(twilio.press(sid, "main_menu", "2"))
    assert said(queued)[0] == NOTICE and verbs(queued)[-1] == "Enqueue"
    entry = int(queued.find("Enqueue").attrib["waitUrl"].rsplit("=", 1)[1])
    assert verbs(twiml(twilio.post(f"/voice/queue/wait?entry={entry}", twilio_params(sid, QueuePosition="1")))) == ["Leave"]
    bridge = twiml(twilio.post("/voice/queue/left?node=billing", twilio_params(sid, QueueResult="leave", QueueTime="5")))
    dial = bridge.find("Dial")
    assert dial.find("Client").text == "kim"
    if policy == "agent_leg":
        assert (dial.get("record"), dial.get("recordingStatusCallback"), dial.get("recordingStatusCallbackEvent")) == (
            "record-from-answer-dual", "http://localhost/voice/recording-status", "in-progress completed absent")
        assert "Start" not in verbs(bridge)
    else:
        assert verbs(bridge) == ["Start", "Dial"] and dial.get("record") is None
        start = bridge.find("Start/Recording")
        assert (start.get("channels"), start.get("recordingStatusCallback")) == (
            "dual", "http://localhost/voice/recording-status")
    twilio.post(f"/voice/whisper?entry={entry}", twilio_params(new_call_sid(), Direction="outbound-dial"))
    clock.advance(60)
    twilio.post("/voice/queue/dialed?node=billing", twilio_params(sid, DialCallStatus="completed",
                                                                  DialCallSid=new_call_sid(), DialCallDuration="60"))

    # Twilio's status callback (signed) files the recording, due for download
    source = "DialVerb" if policy == "agent_leg" else "StartCallRecordingTwiML"
    callback = twilio_params(sid, RecordingSid=RECORDING, RecordingStatus="completed", RecordingUrl=URL,
                             RecordingSource=source, RecordingChannels="2", RecordingDuration="2")
    assert twilio.post("/voice/recording-status", callback, sign=False).status_code == 403
    assert twilio.post("/voice/recording-status", callback).status_code == 204
    with services.uow() as uow:
        rows = uow.recordings.recent(10)
    assert [(r.kind, r.recording_sid, r.call_sid, r.download_state) for r in rows] == [("call", RECORDING, sid, "pending")]
    recording_id = rows[0].id

    # the download job keeps it in the store; the transcript job hears it
    assert services.recording_pipeline.run() == 1
    assert twilio_rest.downloads == [URL + ".wav"]
    with services.uow() as uow:
        kept = uow.recordings.get(recording_id)
    assert kept.download_state == "done" and kept.store_key.endswith(f"{sid}_{RECORDING}.wav")
    with services.transcripts.audio.open(kept) as stored:
        assert stored.read() == refund_wav
    transcripts = Transcriber(services.uow, clock, {"ko": korean_model}, call_language, services.transcripts.audio)
    assert transcripts.transcribe_due() == 1
    with services.uow() as uow:
        heard = uow.recordings.get(recording_id)
    assert heard.transcript and heard.transcript_language == "ko"
    found = api.get("/api/recordings", query_string={"q": heard.transcript.split()[0]}).get_json()
    assert [r["id"] for r in found["recordings"]] == [recording_id]

    # the supervisor plays it by a signed link (audited, ranges); lee did not take the call: refused
    sue, lee, kim = person("sue"), person("lee"), person("kim")
    url = sue.get(f"/board/api/recordings/{recording_id}/link").get_json()["url"]
    whole = sue.get(url)
    assert whole.status_code == 200 and whole.data == refund_wav
    part = sue.get(url, headers={"Range": "bytes=44-1043"})
    assert part.status_code == 206 and part.data == refund_wav[44:1044]
    whole.close(), part.close()
    played = services.audit.recent(10, "recording_played")
    assert [(a["actor"], a["target"], a["detail"]["call_sid"]) for a in played] == [("sue", str(recording_id), sid)]
    assert lee.get(f"/board/api/recordings/{recording_id}/link").status_code == 404
    assert lee.get(url).status_code == 403
    assert [r["id"] for r in lee.get("/board/api/recordings").get_json()["recordings"]] == []
    assert kim.get(f"/board/api/recordings/{recording_id}/link").status_code == 200  # the agent who took it
    assert len(services.audit.recent(10, "recording_played")) == 1

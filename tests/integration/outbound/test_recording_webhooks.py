"""Through the app, with the real Twilio adapter: a RecordingUrl outside TWILIO_MEDIA_HOSTS is never fetched — the
caller gets the retry path, the recording row gets no file, nothing fails — and a listed host's recording is kept."""
from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import TwilioClient, new_call_sid, said, twilio_params, twiml
from standin import Answer, Listener, StandIn

from ivr.web import create_app
from speech import Alternative, Transcript
from speech.audio import Audio, to_wav

FLOW = """\
name: s
languages: [ko]
start: menu
nodes:
  menu:
    kind: menu
    prompt: {ko: 요금은 1번}
    options:
      1: {to: billing, phrases: {ko: [요금]}}
    invalid_prompt: {ko: 다시 말씀해 주세요}
  billing: {kind: hangup, prompt: {ko: 요금 담당입니다}}
"""
# 0.3 s quiet, 0.5 s of tone loud enough to count as speech, 1.5 s quiet (words heard over no measured speech
# would be doubted: speech.decision's rate check)
TONE = to_wav(Audio(b"\x00\x00" * 2400 + b"\x00\x10\x00\xf0" * 2000 + b"\x00\x00" * 12000, 8000))
RECORDING_PATH = "/2010-04-01/Accounts/AC0/Recordings/RE" + "b" * 32


class SaysBilling:
    def transcribe(self, audio, grammar=None):
        return Transcript("요금", 0.95, (Alternative("요금", 0.95),))


@pytest.fixture
def make_app(settings, clock, tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "s.yaml").write_text(FLOW)
    apps = []

    def make(*media_hosts: str):
        app = create_app(replace(settings, flows_dir=tmp_path / "flows", twilio_media_hosts=media_hosts), clock)
        app.extensions["ivr"].speech.recognizers["ko"] = SaysBilling()
        apps.append(app)
        return app, TwilioClient(app.test_client())

    yield make
    for app in apps:
        app.extensions["ivr"].engine.dispose()


def speak(twilio, url: str):
    sid = new_call_sid()
    twilio.start(sid)
    return said(twiml(twilio.post("/voice/speech?node=menu", twilio_params(sid, RecordingUrl=url, RecordingDuration="2"))))


def test_a_recording_url_outside_the_media_hosts_gets_the_retry_path_without_a_connection(make_app):
    _, twilio = make_app("api.twilio.com")
    with Listener() as listener:
        assert speak(twilio, listener.url + RECORDING_PATH)[:2] == ["다시 말씀해 주세요", "요금은 1번"]
        assert listener.connections() == 0


def test_a_recording_from_a_listed_host_is_heard(make_app):
    with StandIn({("GET", RECORDING_PATH): Answer(200, TONE)}) as standin:
        _, twilio = make_app(standin.host)
        assert speak(twilio, standin.base_url + RECORDING_PATH) == ["요금 담당입니다"]


def recording_status(twilio, url: str) -> tuple[str, str]:
    sid, recording_sid = new_call_sid(), "RE" + "c" * 32
    reply = twilio.post("/voice/recording-status", twilio_params(
        sid, RecordingSid=recording_sid, RecordingUrl=url, RecordingStatus="completed", RecordingDuration="3"))
    assert reply.status_code == 204
    return sid, recording_sid


def kept_file(app, recording_sid: str) -> str | None:
    with app.extensions["ivr"].uow() as uow:
        return uow.recordings.by_sid(recording_sid).file_path


def test_a_recording_status_callback_outside_the_media_hosts_keeps_the_row_without_a_file(make_app):
    app, twilio = make_app("api.twilio.com")
    with Listener() as listener:
        _, recording_sid = recording_status(twilio, listener.url + RECORDING_PATH)
        app.extensions["ivr"].recording_pipeline.run()
        assert listener.connections() == 0
    assert kept_file(app, recording_sid) == ""  # the row is kept, without a file


def test_a_completed_recording_from_a_listed_host_is_kept_as_a_wav_file_by_the_download_job(make_app):
    with StandIn({("GET", RECORDING_PATH + ".wav"): Answer(200, TONE)}) as standin:
        app, twilio = make_app(standin.host)
        call_sid, recording_sid = recording_status(twilio, standin.base_url + RECORDING_PATH)
        assert kept_file(app, recording_sid) == ""  # not in the webhook: the timer job downloads it
        assert app.extensions["ivr"].recording_pipeline.run() == 1
    path = kept_file(app, recording_sid)
    assert path is not None and path.endswith(f"/{call_sid}_{recording_sid}.wav")
    with open(path, "rb") as kept:
        assert kept.read() == TONE

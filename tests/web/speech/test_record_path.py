"""A caller answers a listening menu in words: Twilio records, the server fetches the recording and recognises it."""
from __future__ import annotations

import pytest

from spoken_calls import call, events, heard_events

MENU = "배송 조회는 1번, 요금 및 환불은 2번"
ORDER_PROMPT = "주문 번호를 입력하신 후 우물 정자를 눌러 주세요."
INVALID = "죄송합니다, 없는 번호입니다. 다시 선택해 주세요."
BILLING = "요금 및 환불 담당자에게 연결해 드리겠습니다."
NOTICE = "상담 품질 향상을 위해 상담원과의 통화 내용이 녹음됩니다."  # billing records the agent's call
RETRY = "죄송합니다, 없는 번호입니다. 다시 선택해 주세요."


@pytest.fixture
def app(make_app):
    return make_app("record")


def test_saying_배송_조회_is_taken_or_asked_again_never_a_wrong_turn(app):
    # The default voice's 배송 조회 comes back from the grammar with a stray word ("배송 조회 고장"); the
    # rule tuned on the evaluation's tuning half (docs/speech.md) asks again rather than guess.
    result = call(app, "1", "say:배송 조회")
    assert result.error is None
    said = result.said_texts
    assert said[said.index(next(s for s in said if s.startswith(MENU))) + 1] in (ORDER_PROMPT, INVALID)
    assert any(line.startswith("🎙 caller says «배송 조회» (2.") for line in result.lines)
    heard = heard_events(app, result.call_sid)
    assert heard and all(h["option"] in (None, "1") for h in heard)
    assert all(h["sure"] == h["confident"] for h in heard)


def test_saying_환불_goes_to_billing_or_asks_about_환불(app):
    # The three passes over the recording (docs/speech.md) must all agree before the menu acts unasked.
    result = call(app, "1", "say:환불")
    confirmation = "환불, 맞으신가요? 맞으면 1번 또는 '네', 아니면 2번 또는 '아니요'라고 말씀해 주세요."
    assert BILLING in result.said_texts or confirmation in result.said_texts
    heard = heard_events(app, result.call_sid)
    assert [(h["transcript"], h["option"], h["phrase"], h["score"]) for h in heard] == [("환불", "2", "환불", 100.0)]
    assert heard[0]["sure"] == (BILLING in result.said_texts)


def test_a_key_still_chooses_at_a_listening_menu(app):
    result = call(app, "1", "1")
    assert result.said_texts[-1] == ORDER_PROMPT
    step = [r for r in result.requests if "/voice/step" in r.url][-1]
    assert (step.url, step.params["Digits"]) == ("http://localhost/voice/step?node=main_menu", "1")
    assert [e for e in events(app, result.call_sid) if e["kind"] == "speech_heard"] == []


def test_the_server_fetched_the_callers_recording_by_its_url(app):
    result = call(app, "1", "say:환불")
    speech_request = next(r for r in result.requests if r.url.startswith("http://localhost/voice/speech"))
    assert speech_request.params["RecordingUrl"] == result.recordings[0].url
    assert speech_request.params["RecordingUrl"].startswith("https://api.twilio.com/2010-04-01/Accounts/")


def _wav(tmp_path, name: str, blob: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(blob)
    return f"wav:{path}"


def _files(tmp_path):
    from speech.audio import silence, to_wav

    header_only = to_wav(silence(0))
    return {
        "empty": _wav(tmp_path, "empty.wav", header_only),
        "truncated": _wav(tmp_path, "truncated.wav", to_wav(silence(1.0))[:30]),
        "not audio": _wav(tmp_path, "notes.wav", "회의록입니다, 소리가 아닙니다".encode()),
        "silence": _wav(tmp_path, "silence.wav", to_wav(silence(2.0))),
    }


@pytest.mark.parametrize("kind", ["empty", "truncated", "not audio", "silence"])
def test_bad_audio_gets_the_menus_retry_path_never_an_error(app, tmp_path, kind):
    result = call(app, "1", _files(tmp_path)[kind], "2")
    assert result.error is None
    said = result.said_texts
    retry = said.index(RETRY)
    assert said[retry + 1:retry + 4] == ["배송 1번, 요금 2번, 기술 지원 3번, 상담원 0번.", NOTICE, BILLING]
    assert heard_events(app, result.call_sid)[0]["option"] is None


def test_a_recording_url_that_answers_404_gets_the_retry_path(app):
    from helpers import TwilioClient, new_call_sid, twiml

    from spoken_calls import TOKEN

    twilio, sid = TwilioClient(app.test_client(), TOKEN), new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
    missing = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "0" * 32
    reply = twilio.post("/voice/speech?node=main_menu", {**_params(sid), "RecordingUrl": missing, "RecordingDuration": "2"})
    root = twiml(reply)
    assert [el.text for el in root.iter("Say")][:2] == [RETRY, "배송 1번, 요금 2번, 기술 지원 3번, 상담원 0번."]
    assert root.find("Record").get("action") == "http://localhost/voice/speech?node=main_menu"


def _params(sid: str) -> dict:
    from helpers import twilio_params

    return twilio_params(sid)

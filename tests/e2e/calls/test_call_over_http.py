"""Calls over real HTTP: the IVR served by werkzeug in a thread, and `python app.py` as operators start it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from fakes import TOKEN, serving
from sample import CLOSED_KO, GREETING, IN_TRANSIT, IN_TRANSIT_KO, LANGUAGE_PROMPT, MONDAY_20, SAVED_KO

from ivr.cli import main
from ivr.sim import CallOptions, HttpTransport, run_call
from ivr.web import create_app

ROOT = Path(__file__).resolve().parents[3]


def test_korean_call_over_http_is_signed_against_the_absolute_url(ivr_app, call_record):
    with serving(ivr_app) as url:
        result = run_call(HttpTransport(url), ["1", "1", f"{IN_TRANSIT}#", "2"], options=CallOptions(auth_token=TOKEN))
    assert result.error is None
    assert IN_TRANSIT_KO in result.said_texts
    assert [r.url for r in result.requests][1:4] == [f"{url}/voice/step?node=choose_language%2Fchoose",
                                                      f"{url}/voice/step?node=main_menu",
                                                      f"{url}/voice/step?node=order_number"]
    assert {r.status for r in result.requests} == {200, 204}
    call = call_record(result.call_sid)
    assert (call["status"], call["duration_seconds"]) == ("completed", result.duration_s)


def test_voicemail_over_http_sends_the_recording_status_callback(ivr_app, clock):
    clock.current = MONDAY_20
    with serving(ivr_app) as url:
        result = run_call(HttpTransport(url), ["1", "2", "rec:9"], options=CallOptions(auth_token=TOKEN))
    assert (result.error, result.said_texts[-1]) == (None, SAVED_KO)
    assert [(r.url, r.status) for r in result.requests][3:5] == [(f"{url}/voice/record?node=voicemail", 200),
                                                                 (f"{url}/voice/recording-status", 204)]


def test_public_url_signature_matches_a_server_with_public_base_url(ivr_settings, clock):
    app = create_app(replace(ivr_settings, public_base_url="https://ivr.example.com"), clock)
    with serving(app) as url:
        public = run_call(HttpTransport(url), ["2"], options=CallOptions(auth_token=TOKEN,
                                                                         public_url="https://ivr.example.com"))
        local = run_call(HttpTransport(url), ["2"], options=CallOptions(auth_token=TOKEN))
    app.extensions["ivr"].engine.dispose()
    assert (public.error, public.requests[1].url) == (
        None, "https://ivr.example.com/voice/step?node=choose_language%2Fchoose")
    assert local.error.startswith(f"HTTP 403 from {url}/voice")


def test_unreachable_server_is_a_protocol_error():
    result = run_call(HttpTransport(f"http://127.0.0.1:{free_port()}"), ["1"])
    assert result.error.startswith("cannot reach http://127.0.0.1:")
    assert result.ended_normally is False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_py(tmp_path):
    """`python app.py` on a free port with a temporary database and a token; stopped afterwards."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp_path}/ivr.db",
           "TWILIO_AUTH_TOKEN": TOKEN, "FLOWS_DIR": str(ROOT / "flows"), "LOG_LEVEL": "WARNING"}
    env.pop("PUBLIC_BASE_URL", None)
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_healthy(url: str, server: subprocess.Popen, limit_s: float = 20) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"app.py exited with {server.returncode}")
        try:
            if requests.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"app.py did not answer on {url} within {limit_s} s")


def test_cli_calls_app_py_over_http(app_py):
    """app.py runs on the wall clock: open hours reach the language menu, closed hours voicemail (where the
    scripted `2` records nothing); either way the call completes."""
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": None}
    result = CliRunner().invoke(main, ["call", "--url", app_py, "--digits", "2"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(f"via {app_py} (signed)")
    assert lines[1] == f"🔊 [ko-KR] {GREETING}"
    assert lines[2] in (f"🔊 [ko-KR] {LANGUAGE_PROMPT}", f"🔊 [ko-KR] {CLOSED_KO}")
    assert "✔ status callback completed" in lines[-2]

"""Log lines: JSON objects (LOG_FORMAT=json) or human lines, each line of a webhook carrying its CallSid,
node and request id; create_app sets logging up once per process however often it is called."""
from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import new_call_sid, twilio_params

from ivr.config import Settings, SettingsError
from ivr.observability.logs import JsonFormatter, RequestContextFilter, TextFormatter

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def lines():
    """What the root logger writes while the test runs, as JSON objects, through our filter and formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def record(message: str, exc_info=None, **context) -> logging.LogRecord:
    made = logging.LogRecord("ivr.service", logging.WARNING, __file__, 1, message, (), exc_info)
    made.created = 1772409600.25  # 2026-03-02T00:00:00.250Z
    for name in ("call_sid", "node", "request_id"):
        setattr(made, name, context.get(name))
    return made


def test_a_json_line_has_utc_time_level_logger_message_and_the_call():
    line = json.loads(JsonFormatter().format(record("menu %s", call_sid="CA1", node="main_menu", request_id="r1")))
    assert line == {"time": "2026-03-02T00:00:00.250+00:00", "level": "WARNING", "logger": "ivr.service",
                    "message": "menu %s", "call_sid": "CA1", "node": "main_menu", "request_id": "r1"}


def test_a_json_line_carries_the_exception_text_and_stays_one_line():
    try:
        raise RuntimeError("database is gone")
    except RuntimeError:
        text = JsonFormatter().format(record("webhook failed", exc_info=sys.exc_info()))
    assert "\n" not in text
    line = json.loads(text)
    assert line["exception"].startswith("Traceback") and line["exception"].endswith("RuntimeError: database is gone")
    assert line["call_sid"] is None


def test_a_human_line_names_the_call_only_when_there_is_one():
    with_call = TextFormatter().format(record("asking again", call_sid="CA1", node="menu", request_id="r1"))
    without = TextFormatter().format(record("prompt cache warm"))
    assert with_call.endswith(" WARNING ivr.service [CA1 node=menu request_id=r1]: asking again")
    assert without.endswith(" WARNING ivr.service: prompt cache warm")


def test_every_line_a_webhook_logs_carries_its_call_sid_node_and_request_id(twilio, lines):
    sid = new_call_sid()
    twilio.start(sid)
    response = twilio.client.post("/voice/step?node=main_menu", data=twilio_params(sid, Digits="1"),
                                  headers={"X-Twilio-Signature": "Zm9yZ2Vk", "X-Request-Id": "edge-42"})
    assert response.status_code == 403 and response.headers["X-Request-Id"] == "edge-42"
    refused = [line for line in lines() if line["request_id"] == "edge-42"]
    assert [line["message"][:36] for line in refused] == ["forged or unsigned webhook refused: "]
    assert (refused[0]["call_sid"], refused[0]["node"], refused[0]["logger"]) == (sid, "main_menu", "ivr.web.voice")


def test_lines_logged_deep_in_the_service_carry_the_call_too(twilio, lines):
    sid = new_call_sid()
    twilio.press(sid, "main_menu", "1")  # a follow-up for a call never started: the service says so
    said = [line for line in lines() if line["logger"] == "ivr.service"]
    assert said and all(line["call_sid"] == sid and line["node"] == "main_menu" for line in said)


def test_a_request_id_is_made_when_none_is_given_and_a_malformed_one_is_replaced(app):
    client = app.test_client()
    made = client.get("/api/health").headers["X-Request-Id"]
    malformed = {"X-Request-Id": "bad id <script>" + "x" * 200}
    replaced = client.get("/api/health", headers=malformed).headers["X-Request-Id"]
    assert len(made) == 32 and len(replaced) == 32 and made != replaced


def test_an_unknown_log_format_is_refused_at_start():
    with pytest.raises(SettingsError, match="LOG_FORMAT='xml': use one of text, json"):
        Settings.from_env({"LOG_FORMAT": "xml"})


SERVER = """
import logging, sys
sys.path.insert(0, "tests")
from helpers import TwilioClient, twilio_params
from ivr.web import create_app
first = create_app()
create_app()
create_app()
print(len(logging.getLogger().handlers), file=sys.stdout)
TwilioClient(first.test_client()).post("/voice/status", twilio_params("CA" + "7" * 32, CallStatus="completed"))
"""


def serve_in_a_fresh_process(tmp_path, log_format: str) -> tuple[str, list[str]]:
    env = {**os.environ, "LOG_FORMAT": log_format, "DATABASE_URL": f"sqlite:///{tmp_path}/ivr.sqlite3",
           "TWILIO_AUTH_TOKEN": "test-auth-token", "IVR_API_TOKEN": "t", "LOG_LEVEL": "INFO"}
    done = subprocess.run([sys.executable, "-c", SERVER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr.splitlines()


def test_json_logs_in_a_fresh_process_one_handler_however_many_apps(tmp_path):
    handlers, stderr = serve_in_a_fresh_process(tmp_path, "json")
    lines = [json.loads(text) for text in stderr]  # every line is a JSON object
    assert handlers == "1"
    unknown = [line for line in lines if line["message"].startswith("status completed for unknown call")]
    assert len(unknown) == 1 and unknown[0]["call_sid"] == "CA" + "7" * 32 and unknown[0]["level"] == "WARNING"
    assert unknown[0]["time"].endswith("+00:00") and len(unknown[0]["request_id"]) == 32


def test_human_logs_in_a_fresh_process_name_the_call(tmp_path):
    handlers, stderr = serve_in_a_fresh_process(tmp_path, "text")
    assert handlers == "1"
    unknown = [text for text in stderr if "status completed for unknown call" in text]
    assert len(unknown) == 1 and f" WARNING ivr.web.voice [CA{'7' * 32} request_id=" in unknown[0]

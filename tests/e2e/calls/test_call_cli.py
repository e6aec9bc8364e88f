"""`ivr call` itself, through click's CliRunner: the app in-process from the environment (its clock set by --at),
or a server by --url."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import TOKEN, response, serving, twiml_app
from sample import BUSY_EN, CLOSED_KO, GOODBYE_EN, IN_TRANSIT, IN_TRANSIT_EN, SAVED_KO, VOICEMAIL_KO

from ivr.cli import main

FLOWS = Path(__file__).resolve().parents[3] / "flows"
OPEN = ("--at", "2026-03-02T10:00:00+09:00")     # Monday 10:00 in Seoul
CLOSED = ("--at", "2026-03-02T20:00:00+09:00")   # Monday 20:00


@pytest.fixture
def env(tmp_path):
    """The server's environment for an in-process call; variables a developer may have set are cleared."""
    return {"FLOWS_DIR": str(FLOWS), "DATABASE_URL": f"sqlite:///{tmp_path}/ivr.db", "TWILIO_AUTH_TOKEN": TOKEN,
            "LOG_LEVEL": "WARNING", "PUBLIC_BASE_URL": None, "TWILIO_ACCOUNT_SID": None,
            "RECORDINGS_DIR": str(tmp_path / "recordings")}


def ivr(env, *args, stdin=None):
    return CliRunner().invoke(main, ["call", *args], env=env, input=stdin)


def test_scripted_english_call_exits_zero_and_prints_the_order_status(env):
    result = ivr(env, *OPEN, "--digits", f"2,1,{IN_TRANSIT}#,2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("from +821012345678 to +18005550100 via http://localhost (signed)")
    assert f"🔊 [en-US] {IN_TRANSIT_EN}" in lines
    assert lines[-4:-2] == [f"🔊 [en-US] {GOODBYE_EN}", "☎ hangup"]
    assert lines[-2].startswith("✔ status callback completed (")
    assert lines[-1].startswith("✔ call ended (hangup) after ")


def test_at_after_hours_reaches_voicemail_and_records_the_scripted_message(env):
    result = ivr(env, *CLOSED, "--digits", "1,2,rec:12")  # Korean; 2 at the closed menu: a message, not a callback
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    closed = lines.index(f"🔊 [ko-KR] {CLOSED_KO}")
    voicemail = lines.index(f"🔊 [ko-KR] {VOICEMAIL_KO}")
    assert closed < voicemail and lines[voicemail:voicemail + 4] == [
        f"🔊 [ko-KR] {VOICEMAIL_KO}", "● record (max 120 s, silence 5 s, ends on #)", "♪ beep",
        "🎙 caller records 12 s, then presses #"]
    assert "✔ recording status callback completed -> HTTP 204" in lines
    assert f"🔊 [ko-KR] {SAVED_KO}" in lines


def test_at_sets_the_timestamp_of_the_status_callback(env):
    result = ivr(env, *OPEN, "--digits", "2", "--json")
    status = json.loads(result.stdout)["requests"][-1]["params"]
    assert re.fullmatch(r"Mon, 02 Mar 2026 01:00:\d\d \+0000", status["Timestamp"])


def test_at_with_url_is_refused_because_the_server_keeps_its_own_clock(env):
    result = ivr(env, "--url", "http://127.0.0.1:5000", *OPEN)
    assert result.exit_code == 1
    assert "--at sets the clock of the in-process app; a server at --url keeps its own clock" in result.output


@pytest.mark.parametrize("value, message", [
    ("2026-03-02T10:00:00", "needs a UTC offset, like 2026-03-02T10:00:00+09:00"),
    ("monday", "is not an ISO date and time like 2026-03-02T10:00:00+09:00"),
])
def test_at_must_be_an_iso_datetime_with_an_offset(env, value, message):
    result = ivr(env, "--at", value)
    assert result.exit_code == 1
    assert message in result.output


def test_wrong_auth_token_exits_two_and_shows_the_refused_signature(env):
    result = ivr(env, *OPEN, "--digits", "1", "--auth-token", "wrong")
    assert result.exit_code == 2
    assert "✖ protocol error: HTTP 403 from http://localhost/voice: the server refused the X-Twilio-Signature" \
        in result.stdout


def test_keys_that_are_not_keypad_input_are_a_usage_error_exiting_one(env):
    result = ivr(env, "--digits", "1,x")
    assert result.exit_code == 1
    assert "Invalid value for '--digits': 'x' is not keypad input (0-9, *, #), a recording (rec:SECONDS)" in result.output


def test_a_malformed_recording_item_is_a_usage_error_exiting_one(env):
    result = ivr(env, "--digits", "rec:long")
    assert result.exit_code == 1
    assert "'rec:long' is not a recording: rec:SECONDS" in result.output


def test_unknown_option_is_a_usage_error_exiting_one(env):
    assert ivr(env, "--colour").exit_code == 1


def test_json_output_lists_what_the_caller_heard(env):
    result = ivr(env, *OPEN, "--digits", "2,0,2", "--dial-status", "no-answer", "--json")
    assert result.exit_code == 0, result.output
    call = json.loads(result.stdout)
    assert call["said_texts"][-2:] == [BUSY_EN, GOODBYE_EN]
    assert (call["ended_normally"], call["end_reason"], call["error"]) == (True, "hangup", None)


def test_keys_piped_on_stdin_answer_one_gather_per_line(env):
    result = ivr(env, *OPEN, stdin="2\n\nq\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "⌨ caller presses 2" in lines
    assert "⌛ no input (5 s)" in lines
    assert "☎ caller hangs up (at the terminal)" in lines


def test_a_piped_line_of_seconds_answers_a_record(env):
    result = ivr(env, *CLOSED, stdin="1\n2\n7:hangup\n")
    assert result.exit_code == 0, result.output
    assert "🎙 caller records 7 s, then hangs up" in result.stdout.splitlines()


def test_verbose_shows_each_signed_request(env):
    result = ivr(env, *OPEN, "--digits", "2", "-v")
    assert "→ POST http://localhost/voice -> 200" in result.stdout.splitlines()
    assert "→ POST http://localhost/voice/step?node=choose_language%2Fchoose Digits=2&FinishedOnKey= -> 200" \
        in result.stdout.splitlines()


def test_invalid_twiml_from_a_server_exits_two(env):
    app = twiml_app({"/voice": "<Response><Say>broken</Response>"})
    with serving(app) as url:
        result = ivr(env, "--url", url, "--digits", "1")
    assert result.exit_code == 2
    assert f"✖ protocol error: malformed TwiML from {url}/voice" in result.stdout


def test_public_url_signs_for_a_server_behind_a_proxy(env):
    app = twiml_app({"/voice": response("<Say>hi</Say>")})
    with serving(app) as url:
        refused = ivr(env, "--url", url, "--public-url", "https://ivr.example.com")
    assert refused.exit_code == 2  # the fake server checks the URL it was really called on
    assert "HTTP 403 from https://ivr.example.com/voice" in refused.stdout

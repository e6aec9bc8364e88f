"""`ivr call` itself, through click's CliRunner: the app in-process from the environment, or a server by --url."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import TOKEN, response, serving, twiml_app

from ivr.cli import main

FLOWS = Path(__file__).resolve().parents[2] / "flows"
READ_BACK_EN = "🔊 [en-US] You entered order number 1 2 3 4 5. We will text you its delivery status."


@pytest.fixture
def env(tmp_path):
    """The server's environment for an in-process call; variables a developer may have set are cleared."""
    return {"FLOWS_DIR": str(FLOWS), "DATABASE_URL": f"sqlite:///{tmp_path}/ivr.db", "TWILIO_AUTH_TOKEN": TOKEN,
            "LOG_LEVEL": "WARNING", "PUBLIC_BASE_URL": None, "TWILIO_ACCOUNT_SID": None}


def ivr(env, *args, stdin=None):
    return CliRunner().invoke(main, ["call", *args], env=env, input=stdin)


def test_scripted_english_call_exits_zero_and_prints_the_read_back(env):
    result = ivr(env, "--digits", "2,1,12345#,2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("from +821012345678 to +18005550100 via http://localhost (signed)")
    assert READ_BACK_EN in lines
    assert lines[-4:-2] == ["🔊 [en-US] Thank you for calling. Goodbye.", "☎ hangup"]
    assert lines[-2].startswith("✔ status callback completed (")
    assert lines[-1].startswith("✔ call ended (hangup) after ")


def test_wrong_auth_token_exits_two_and_shows_the_refused_signature(env):
    result = ivr(env, "--digits", "1", "--auth-token", "wrong")
    assert result.exit_code == 2
    assert "✖ protocol error: HTTP 403 from http://localhost/voice: the server refused the X-Twilio-Signature" \
        in result.stdout


def test_keys_that_are_not_keypad_input_are_a_usage_error_exiting_one(env):
    result = ivr(env, "--digits", "1,x")
    assert result.exit_code == 1
    assert "Invalid value for '--digits': 'x' is not keypad input" in result.output


def test_unknown_option_is_a_usage_error_exiting_one(env):
    assert ivr(env, "--colour").exit_code == 1


def test_json_output_lists_what_the_caller_heard(env):
    result = ivr(env, "--digits", "2,0", "--dial-status", "no-answer", "--json")
    assert result.exit_code == 0, result.output
    call = json.loads(result.stdout)
    assert call["said_texts"][-2:] == ["All our agents are busy right now. Please call again later.",
                                       "Thank you for calling. Goodbye."]
    assert (call["ended_normally"], call["end_reason"], call["error"]) == (True, "hangup", None)


def test_keys_piped_on_stdin_answer_one_gather_per_line(env):
    result = ivr(env, stdin="2\n\nq\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "⌨ caller presses 2" in lines
    assert "⌛ no input (5 s)" in lines
    assert "☎ caller hangs up (at the terminal)" in lines


def test_verbose_shows_each_signed_request(env):
    result = ivr(env, "--digits", "2", "-v")
    assert "→ POST http://localhost/voice -> 200" in result.stdout.splitlines()
    assert "→ POST http://localhost/voice/step?node=choose_language Digits=2&FinishedOnKey= -> 200" \
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

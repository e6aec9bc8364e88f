"""`ivr call` takes a callback: the caller presses 1 at the offer while waiting (cb:1), confirms the number, hangs
up, and the in-process simulator runs the queue's timers until the server calls the agent back first."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fakes import TOKEN

from ivr.cli import main

FLOWS = Path(__file__).resolve().parents[3] / "flows"
OPEN = ("--at", "2026-03-02T10:00:00+09:00")
TAKES_CALLBACK = ("--digits", "1,2,cb:1,1,1", "--agent", "kim=billing:8,ko")


def ivr(tmp_path, *args):
    env = {"FLOWS_DIR": str(FLOWS), "DATABASE_URL": None, "TWILIO_AUTH_TOKEN": TOKEN, "LOG_LEVEL": "WARNING",
           "PUBLIC_BASE_URL": None, "TWILIO_ACCOUNT_SID": None, "RECORDINGS_DIR": str(tmp_path / "recordings")}
    return CliRunner().invoke(main, ["call", *args], env=env)


def test_a_billing_caller_hangs_up_and_is_called_back_by_an_agent_who_hears_the_context(tmp_path):
    result = ivr(tmp_path, *OPEN, *TAKES_CALLBACK, "--agents-free-after", "60", "--auth-token", TOKEN)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    order = [next(i for i, line in enumerate(lines) if text in line) for text in (
        "⌨ caller presses 1 while waiting", "감사합니다. 대기 순서를 유지한 채", "⇠ the caller hangs up to be called back",
        "☎ the server calls client:kim", "🎧 client:kim hears: 콜백입니다. 요금 문의",
        "client:kim's leg dials the caller (+821012345678)", "☎ called back by client:kim after")]
    assert order == sorted(order)
    waited = int(next(line for line in lines if "called back by" in line).split("after ")[1].split(" s")[0])
    assert waited >= 60  # the agent was offline until 60 s after the hang-up


def test_the_callback_requests_are_signed_and_accepted(tmp_path):
    result = ivr(tmp_path, *OPEN, *TAKES_CALLBACK, "--agents-free-after", "0", "--auth-token", TOKEN, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    paths = [r["url"].split("http://localhost")[1].split("?")[0] for r in body["requests"]]
    assert paths[-4:] == ["/voice/queue/callback/agent", "/voice/queue/callback/joined",
                          "/voice/queue/callback/dialed", "/voice/queue/callback/status"]
    assert all(r["status"] < 300 for r in body["requests"])


def test_without_a_free_agent_the_simulator_gives_up_and_says_so(tmp_path):
    result = ivr(tmp_path, *OPEN, "--digits", "1,2,cb:1,1,1", "--auth-token", TOKEN)
    assert result.exit_code == 2
    assert "✖ no callback within 14400 s" in result.output


def test_a_callback_key_where_a_menu_asks_is_a_script_mismatch(tmp_path):
    result = ivr(tmp_path, *OPEN, "--digits", "cb:1", "--auth-token", TOKEN)
    assert result.exit_code == 0
    assert "a key while waiting in a queue" in result.output

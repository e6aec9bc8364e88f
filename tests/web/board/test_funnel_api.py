"""GET /api/flows/<name>/funnel: scripted callers through the signed webhooks, on SQLite and PostgreSQL; the
expected figures are tallied from the script (funnel_script.py), never from the funnel's code."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from funnel_script import CALLS, Caller, ScriptedSpeech, expected
from helpers import TOKEN, TwilioClient

from ivr.clock import FakeClock
from ivr.config import Settings
from ivr.web import create_app

FLOWS = Path(__file__).resolve().parents[3] / "flows"
MONDAY = date(2026, 3, 2)


@pytest.fixture
def board(database_url):
    """The IVR on the sample flows with the scripted calls played through it; yields (api client, caller)."""
    settings = Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                                 api_token="api-token", speech="off", prompts="say", log_level="WARNING")
    speech, clock = ScriptedSpeech(), FakeClock()
    app = create_app(settings, clock, speech=speech)
    caller = Caller(TwilioClient(app.test_client()), clock, speech)
    for call in CALLS:
        caller.call(call)
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    yield api, caller
    app.extensions["ivr"].engine.dispose()


def _funnel(api, first: str, last: str, flow: str = "main"):
    return api.get(f"/api/flows/{flow}/funnel?from={first}&to={last}")


def _visited(body: dict) -> dict:
    return {node: figures for node, figures in body["nodes"].items() if figures["entries"]}


def test_funnel_of_a_monday_counts_every_scripted_caller_exactly(board):
    api, _ = board
    reply = _funnel(api, "2026-03-02", "2026-03-02")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    body = reply.get_json()
    assert (body["flow"], body["from"], body["to"]) == ("main", "2026-03-02", "2026-03-02")
    assert _visited(body) == expected(CALLS, MONDAY, MONDAY)


def test_funnel_lists_every_node_of_the_flow_and_zeros_for_those_nobody_reached(board):
    api, _ = board
    nodes = _funnel(api, "2026-03-02", "2026-03-02").get_json()["nodes"]
    assert "goodbye" in nodes and "choose_language/done" in nodes
    assert nodes["goodbye"] == {"entries": 0, "exits": {}, "drop_off": None, "median_s": None, "speech_share": None,
                                "avg_confidence": None}
    assert set(nodes["main_menu"]) == {"entries", "exits", "drop_off", "median_s", "speech_share", "avg_confidence"}


def test_an_option_said_counts_under_its_digit_and_in_the_speech_share(board):
    api, _ = board
    menu = _funnel(api, "2026-03-02", "2026-03-02").get_json()["nodes"]["main_menu"]
    # by the script: option 1 once by key and once by voice, option 3 by voice after a confirmation
    assert (menu["exits"]["1"], menu["exits"]["3"]) == (2, 1)
    assert menu["speech_share"] == round(2 / 3, 4)
    assert menu["avg_confidence"] == round((0.91 + 0.2 + 0.55) / 3, 3)


def test_a_hang_up_in_a_menu_is_its_drop_off(board):
    api, _ = board
    menu = _funnel(api, "2026-03-02", "2026-03-02").get_json()["nodes"]["main_menu"]
    assert (menu["exits"]["hangup"], menu["entries"], menu["drop_off"]) == (2, 6, round(2 / 6, 4))


def test_invalid_and_no_input_are_how_callers_left_after_too_many_tries(board):
    api, _ = board
    nodes = _funnel(api, "2026-03-02", "2026-03-02").get_json()["nodes"]
    assert nodes["main_menu"]["exits"]["invalid"] == 1
    assert nodes["choose_language/choose"]["exits"]["no_input"] == 1


@pytest.mark.parametrize("first, last", [("2026-03-01", "2026-03-01"), ("2026-03-02", "2026-03-02"),
                                         ("2026-03-03", "2026-03-03"), ("2026-03-01", "2026-03-03"),
                                         ("2026-02-01", "2026-02-28")])
def test_period_days_are_seoul_days_with_both_ends_included(board, first, last):
    api, _ = board
    body = _funnel(api, first, last).get_json()
    assert _visited(body) == expected(CALLS, date.fromisoformat(first), date.fromisoformat(last))


@pytest.mark.parametrize("query, says", [
    ("from=2026-03-02", "'to' is missing"), ("to=2026-03-02", "'from' is missing"),
    ("from=2026-3-2&to=2026-03-02", "'from' must be a date YYYY-MM-DD"),
    ("from=2026-03-02&to=2026-02-30", "'to' must be a date YYYY-MM-DD"),
    ("from=2026-03-03&to=2026-03-02", "'to' (2026-03-02) is before 'from' (2026-03-03)"),
    ("from=2024-01-01&to=2026-03-02", "longer than 366 days"),
])
def test_bad_dates_are_a_400_that_says_what_is_wrong(board, query, says):
    api, _ = board
    reply = api.get(f"/api/flows/main/funnel?{query}")
    assert reply.status_code == 400
    assert says in reply.get_json()["error"]


def test_an_unknown_flow_is_a_400_naming_the_flows_there_are(board):
    api, _ = board
    reply = _funnel(api, "2026-03-02", "2026-03-02", flow="nope")
    assert reply.status_code == 400
    assert "no flow named 'nope'" in reply.get_json()["error"] and "main" in reply.get_json()["error"]


def test_the_funnel_needs_the_api_token(board):
    api, _ = board
    reply = api.get("/api/flows/main/funnel?from=2026-03-02&to=2026-03-02", headers={"Authorization": "Bearer wrong"})
    assert reply.status_code == 401


def _cli(database_url: str, *args: str):
    from click.testing import CliRunner

    from ivr.cli.main import main

    env = {"DATABASE_URL": database_url, "FLOWS_DIR": str(FLOWS), "LOG_LEVEL": "WARNING", "COLUMNS": "200"}
    return CliRunner().invoke(main, ["funnel", "main", *args], env=env)


def test_ivr_funnel_prints_the_apis_figures(board, database_url):
    api, _ = board
    done = _cli(database_url, "--from", "2026-03-02", "--to", "2026-03-02", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == _funnel(api, "2026-03-02", "2026-03-02").get_json()


def test_ivr_funnel_draws_a_table_with_a_row_per_node(board, database_url):
    done = _cli(database_url, "--from", "2026-03-02", "--to", "2026-03-02")
    assert done.exit_code == 0, done.output
    row = next(line for line in done.output.splitlines() if "main_menu" in line)
    assert "6" in row and "33.3%" in row and "hangup 2" in row


def test_ivr_funnel_refuses_a_bad_date_with_the_reason(board, database_url):
    done = _cli(database_url, "--from", "yesterday", "--to", "2026-03-02")
    assert done.exit_code == 1 and "'from' must be a date YYYY-MM-DD" in done.output

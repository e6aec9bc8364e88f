"""`ivr callcenter --url` drives a running server in real time with signed webhooks; the board counts its callers."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from fakes import serving
from helpers import TOKEN

from ivr.cli.main import main as cli
from ivr.web import create_app

OPEN = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Seoul: the flows' hours are open


class OpenHoursClock:
    """Real time passing, from a moment the center is open (the server runs in real time, whatever today is)."""

    def __init__(self):
        self.began = time.monotonic()

    def now(self) -> datetime:
        return OPEN + timedelta(seconds=time.monotonic() - self.began)


@pytest.fixture
def running(board_settings, fake_twilio):
    app = create_app(board_settings, OpenHoursClock(), twilio=fake_twilio)
    with serving(app) as base_url:
        yield app, base_url
    app.extensions["ivr"].engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_callcenter_with_url_sends_signed_calls_to_the_server_and_the_board_counts_them(running):
    app, base_url = running
    result = CliRunner().invoke(cli, ["callcenter", "--url", base_url, "--minutes", "0.1", "--callers-per-minute", "40",
                                      "--handle", "1", "--answer-after", "0.2", "--patience", "20", "--seed", "3"],
                                env={"TWILIO_AUTH_TOKEN": TOKEN, "IVR_API_TOKEN": "api-token", "PUBLIC_BASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "(signed)" in result.output and " 0 protocol error(s)" in result.output
    callers = int(result.output.rsplit("\n", 2)[-2].split()[0])
    assert callers > 0
    board = app.test_client().get("/api/board", headers={"Authorization": "Bearer api-token"}).get_json()
    queued = sum(t["offered"] for t in board["queues"])
    assert 0 < queued <= callers  # callers who pressed 0 or a queue key reached a queue


def test_callcenter_with_url_and_no_server_is_a_clear_error():
    result = CliRunner().invoke(cli, ["callcenter", "--url", "http://127.0.0.1:9"], env={"IVR_API_TOKEN": "x"})
    assert result.exit_code != 0 and "is the server running at http://127.0.0.1:9" in result.output

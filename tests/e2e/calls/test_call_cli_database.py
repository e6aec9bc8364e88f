"""`ivr call` in-process keeps to a throwaway database (never a running server's), and says when the script went
unused."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from fakes import TOKEN

from ivr.cli import main

FLOWS = Path(__file__).resolve().parents[3] / "flows"
OPEN = ("--at", "2026-03-02T10:00:00+09:00")
CLOSED = ("--at", "2026-03-02T20:00:00+09:00")


def ivr(tmp_path, *args):
    server_db = f"sqlite:///{tmp_path}/server.sqlite3"  # what `make run` would be serving from
    env = {"FLOWS_DIR": str(FLOWS), "DATABASE_URL": server_db, "TWILIO_AUTH_TOKEN": TOKEN, "LOG_LEVEL": "WARNING",
           "PUBLIC_BASE_URL": None, "TWILIO_ACCOUNT_SID": None, "RECORDINGS_DIR": str(tmp_path / "recordings")}
    return CliRunner().invoke(main, ["call", *args], env=env)


def calls_in(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM calls")).scalar_one()
    finally:
        engine.dispose()


def test_an_in_process_call_does_not_touch_the_servers_database(tmp_path):
    result = ivr(tmp_path, *OPEN, "--digits", "2,0", "--agent", "amy=general,en")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "server.sqlite3").exists()


def test_database_keeps_the_in_process_call_where_told(tmp_path):
    kept = f"sqlite:///{tmp_path}/kept.sqlite3"
    result = ivr(tmp_path, *OPEN, "--digits", "2", "--database", kept)
    assert result.exit_code == 0, result.output
    assert calls_in(kept) == 1 and not (tmp_path / "server.sqlite3").exists()


def test_database_with_url_is_refused(tmp_path):
    result = ivr(tmp_path, "--url", "http://127.0.0.1:5000", "--database", "sqlite:///x.db")
    assert result.exit_code == 1
    assert "--database is for the in-process app; a server at --url uses its own database" in result.output


def test_keys_the_call_never_asked_for_exit_one_and_are_named(tmp_path):
    result = ivr(tmp_path, *CLOSED, "--digits", "2,2,1,12345#")  # meant for the open menu; the center is closed:
    # English, then 2 at the closed menu (a message); the recording Twilio makes ends on the next key
    assert result.exit_code == 1
    assert "✖ the call ended (hangup) after “We did not record a message. Please call again later.”" in result.output
    assert "with 1 scripted key unused: 12345#" in result.output


def test_a_script_used_to_the_end_exits_zero(tmp_path):
    result = ivr(tmp_path, *OPEN, "--digits", "2")
    assert result.exit_code == 0 and "unused" not in result.output

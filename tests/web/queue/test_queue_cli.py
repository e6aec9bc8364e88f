"""`ivr stats` prints each queue's figures beside Erlang C and the abandoned callers; `ivr worker` runs passes."""
from __future__ import annotations

import re

from click.testing import CliRunner

from ivr.cli import main

YEARS = str(24 * 365 * 5)  # the calls happened at the FakeClock's moment; `ivr stats` measures back from now


def run(env: dict, *args: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_stats_table_shows_answered_and_abandoned_calls_and_erlang_c(calls, clock, queue_settings):
    calls.status("smith", "available")
    sid, root = calls.reach("2")
    entry = int(root.find("Enqueue").attrib["waitUrl"].rsplit("=", 1)[1])
    calls.wait(sid, entry)
    calls.left(sid, "billing")
    clock.advance(12)
    calls.whisper(entry)
    clock.advance(90)
    calls.dialed(sid, "billing", "completed", 90)
    gone, _ = calls.reach("2")
    clock.advance(33)
    calls.hang_up(gone)
    env = {"DATABASE_URL": queue_settings.database_url, "FLOWS_DIR": str(queue_settings.flows_dir)}
    result = run(env, "stats", "--hours", YEARS, "--queue", "billing")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("queue"))
    row = next(line for line in lines if line.startswith("billing"))
    assert header.split()[:10] == ["queue", "wait", "offer", "ans", "aband", "ovfl", "ASA", "s", "max", "s"]
    assert row.split()[:11] == ["billing", "0", "2", "1", "1", "0", "12", "33", "50.0", "%", "0/1"]
    assert re.match(r"Queues from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d to .+ Asia/Seoul \(the last 43800 h;", lines[0])
    assert "Abandoned callers to call back: 1 (times in Asia/Seoul)" in lines
    assert "  billing   +821012345678    2026-03-02 10:02:15  waited 33 s" in lines  # 01:02:15 UTC


def test_the_call_back_list_names_each_caller_once_and_leaves_out_callers_who_got_through(calls, clock, queue_settings):
    for queue_key, number in [("2", "+821011110000"), ("3", "+821011110000"), ("2", "+821022220000"),
                              ("2", "+821033330000")]:
        sid, _ = calls.reach(queue_key, number=number)
        clock.advance(20)
        calls.hang_up(sid)
    calls.status("smith", "available")
    back, root = calls.reach("2", number="+821033330000")  # calls again and is answered: no call back needed
    entry = int(root.find("Enqueue").attrib["waitUrl"].rsplit("=", 1)[1])
    calls.wait(back, entry)
    calls.left(back, "billing")
    calls.whisper(entry)
    env = {"DATABASE_URL": queue_settings.database_url, "FLOWS_DIR": str(queue_settings.flows_dir)}
    lines = run(env, "stats", "--hours", YEARS).output.splitlines()
    listed = lines[lines.index("Abandoned callers to call back: 2 (times in Asia/Seoul)") + 1:]
    assert listed == ["  support   +821011110000    2026-03-02 10:00:40  waited 20 s  (hung up 2 times)",
                      "  billing   +821022220000    2026-03-02 10:01:00  waited 20 s"]


def test_stats_for_an_unknown_queue_is_a_usage_error(queue_settings):
    result = run({"DATABASE_URL": queue_settings.database_url, "FLOWS_DIR": str(queue_settings.flows_dir)},
                 "stats", "--queue", "nope")
    assert result.exit_code == 2 and "no queue nope" in result.output


def test_worker_runs_its_passes(calls, queue_settings):
    env = {"DATABASE_URL": queue_settings.database_url, "FLOWS_DIR": str(queue_settings.flows_dir)}
    result = run(env, "worker", "--interval", "0", "--passes", "2")
    assert result.exit_code == 0 and "queue worker: 0 caller(s) offered" in result.output

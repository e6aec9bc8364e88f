"""`ivr callcenter`: concurrent simulated callers and agents on a virtual clock, every call ending cleanly."""
from __future__ import annotations

import re

from click.testing import CliRunner

from ivr.cli import main


def test_a_small_center_runs_minutes_in_seconds_and_prints_its_statistics(tmp_path):
    result = CliRunner().invoke(main, ["callcenter", "--minutes", "3", "--callers-per-minute", "4", "--agent",
                                       "alice=billing:8,support:6,ko,en", "--agent", "bob=support,billing:5,en,ko",
                                       "--handle", "40", "--seed", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    calls = int(re.search(r"(\d+) callers in 3 virtual minutes; 0 protocol error\(s\)", result.output).group(1))
    ended = [line for line in result.output.splitlines() if re.match(r"\d\d:\d\d:\d\d caller ", line)]
    assert calls >= 5 and len(ended) == calls
    assert any("answered by client:alice" in line for line in ended)
    assert any("answered by client:bob" in line for line in ended)
    rows = [line.split() for line in result.output.splitlines() if line.split()[:1] in (["billing"], ["support"], ["general"])]
    table = [row for row in rows if len(row) > 10]  # not the call-back list
    assert len(table) == 3 and sum(int(row[2]) for row in table) == calls  # every caller entered a queue once

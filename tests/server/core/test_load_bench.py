"""bench/load.py against the real production server for a few callers and a few seconds: every request is answered
with good TwiML (no HTTP error, no fallback apology, no flow that went elsewhere), every call completes in the
database and no caller is offered twice. Not timed: the figures are the benchmark's business, not the test's."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def run_bench(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    figures = tmp_path / "figures.json"
    command = [sys.executable, str(ROOT / "bench" / "load.py"), "--ramp", "4", "--hold", "8", "--settle", "1",
               "--think", "0.2,0.6", "--workers", "2", "--json", str(figures), *extra]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done, json.loads(figures.read_text())


def test_a_few_callers_walk_the_sample_flow_without_an_error_on_sqlite(tmp_path):
    done, (step,) = run_bench(tmp_path, "--database", "sqlite")

    assert step["callers"] == 4
    assert step["requests"] > 0 and step["errors"] == 0, done.stdout
    assert "0 lost" in done.stdout and "double offers: 0 of one agent, 0 of one caller" in done.stdout


def test_queue_callers_reach_simulated_agents_on_postgresql(tmp_path):
    done, (step,) = run_bench(tmp_path, "--database", "postgresql", "--mix", "queue", "--queue-share", "1",
                              "--agents", "4")

    assert step["requests"] > 0 and step["errors"] == 0, done.stdout
    assert "0 lost" in done.stdout, done.stdout
    offers = next(line for line in done.stdout.splitlines() if line.startswith("# queue:"))
    assert not offers.startswith("# queue: 0 offers"), done.stdout

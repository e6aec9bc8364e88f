"""bench/load.py's verdict on a step that missed the goal: which resource ran out (pure arithmetic on the figures)."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from load_report import StepReport  # noqa: E402

MET = StepReport(callers=300, seconds=20.0, requests=2900, errors=0, requests_per_s=145.0, p50_ms=9.0, p95_ms=30.0,
                 p99_ms=45.0, max_ms=80.0, server_cpu_ms_per_request=4.8, server_cpu_pct=70.0,
                 generator_cpu_pct=14.0, postgres_cpu_pct=0.0, other_cpu_pct=3.0, load_1m=1.0)


def test_a_step_within_the_goal_names_nothing():
    assert MET.ran_out(cores=2) == ""


def test_a_slow_step_on_a_busy_machine_ran_out_of_cpu_and_shows_who_used_it():
    slow = replace(MET, p99_ms=5000.0, server_cpu_pct=150.0, other_cpu_pct=25.0)

    verdict = slow.ran_out(cores=2)

    assert verdict.startswith("CPU: 189% of 200% busy") and "server 150%" in verdict


def test_errors_alone_miss_the_goal_and_an_idle_machine_means_the_server_waited():
    waiting = replace(MET, errors=3, server_cpu_pct=40.0)

    assert waiting.ran_out(cores=2).startswith("not CPU (57% of 200% busy)")


def test_a_generator_near_one_core_is_named_before_the_server():
    saturated = replace(MET, p99_ms=900.0, generator_cpu_pct=97.0, server_cpu_pct=90.0)

    assert saturated.ran_out(cores=2).startswith("the load generator (97% of a core)")


def test_the_profile_summary_gives_inclusive_and_own_shares_of_the_project_frames():
    from load_profile import summary

    raw = ("process 1;Flask.wsgi_app (flask/app.py:10);step (ivr/flow/engine.py:5) 3\n"
           "process 1;Flask.wsgi_app (flask/app.py:10) 1\n"
           "process 1;Hub.run (gevent/hub.py:1) 4\n")

    lines = summary(raw)

    assert lines[0].endswith("(8 samples)")
    assert " 50.0%  12.5%  Flask.wsgi_app (flask/app.py)" in lines
    assert " 37.5%  37.5%  step (ivr/flow/engine.py)" in lines
    assert not any("gevent/hub.py" in line for line in lines)  # only the project's and its main libraries' frames

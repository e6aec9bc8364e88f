"""The sample flows ship with flow tests (flows/tests); the project's own suite runs every one of them."""
from __future__ import annotations

from pathlib import Path

from ivr.flowtest.report import report
from ivr.flowtest.runner import run_flow_tests

FLOWS = Path(__file__).resolve().parents[3] / "flows"


def test_every_flow_test_beside_the_sample_flows_passes():
    outcome = run_flow_tests([FLOWS / "tests"], FLOWS)
    assert outcome.problems == [], report(outcome)
    failing = [f"{r.file}: {r.name}" for r in outcome.failed]
    assert failing == [], "failing flow test cases:\n" + "\n".join(failing) + "\n\n" + report(outcome)
    assert len(outcome.results) >= 40

"""`ivr test [PATH...]`: run the flow tests supervisors write beside the flows, print a pass/fail report."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--flows", "flows_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="The flows folder (default: FLOWS_DIR, else the project's flows/).")
@click.option("-k", "name_filter", default=None, help="Only the cases whose name contains this text.")
@click.option("--prompts", "prompt_mode", type=click.Choice(["both", "say", "synth"]), default="both", show_default=True,
              help="Run each case with prompts said by Twilio (<Say>), synthesised by the server (<Play>), or both.")
@click.option("-v", "--verbose", is_flag=True, help="Show what passing cases heard too.")
def test_command(paths: tuple[Path, ...], flows_dir: Path | None, name_filter: str | None, prompt_mode: str,
                 verbose: bool) -> None:
    """Run flow tests (default: every file in FLOWS_DIR/tests) in-process, each case one simulated call, once
    with prompts said by Twilio and once synthesised by the server (the caller must hear the same either way).

    Exits 0 when every case passes, 1 when one fails, 2 when the tests cannot run (an invalid test file,
    flows that do not load, no test files).
    """
    from ..config import Settings
    from ..flowtest.report import report
    from ..flowtest.runner import PROMPT_MODES, run_flow_tests

    flows_dir = flows_dir or Settings.from_env().flows_dir
    modes = PROMPT_MODES if prompt_mode == "both" else (prompt_mode,)
    outcome = run_flow_tests(list(paths) or [flows_dir / "tests"], flows_dir, name_filter, modes)
    click.echo(report(outcome, verbose), err=outcome.exit_code == 2)
    sys.exit(outcome.exit_code)

"""`ivr validate` checks the queue files beside the flows and every enqueue node's queue, with file:line:column."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from ivr.cli import main

FLOWS = Path(__file__).resolve().parents[3] / "flows"


def copy_flows(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS, folder, ignore=shutil.ignore_patterns("tests", "schema"))
    return folder


def validate(folder: Path):
    return CliRunner().invoke(main, ["validate", str(folder)])


def test_the_sample_flows_and_queue_files_are_valid(tmp_path):
    result = validate(copy_flows(tmp_path))
    assert result.exit_code == 0 and "2 flow(s) valid, 0 error(s)" in result.output


def test_an_enqueue_naming_an_unknown_queue_is_reported_at_its_queue_field(tmp_path):
    folder = copy_flows(tmp_path)
    main_yaml = folder / "main.yaml"
    text = main_yaml.read_text(encoding="utf-8").replace("    queue: support\n", "    queue: suport\n")
    main_yaml.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    queue: suport") + 1
    result = validate(folder)
    assert result.exit_code == 1
    assert (f"{main_yaml}:{line}:12: error: enqueue node 'support' names queue 'suport', which queues.yaml does not "
            "define (it has: billing, general, support)") in result.output


def test_mistakes_in_queues_and_agents_files_name_file_line_and_column(tmp_path):
    folder = copy_flows(tmp_path)
    (folder / "queues.yaml").write_text("languages: [ko]\nqueues:\n  billing:\n    strategy: fastest\n", encoding="utf-8")
    (folder / "agents.yaml").write_text("agents:\n  kim:\n    name: Kim\n    contact: kim\n", encoding="utf-8")
    result = validate(folder)
    assert result.exit_code == 1
    assert f"{folder / 'queues.yaml'}:4:15: error: queues.billing.strategy:" in result.output
    assert f"{folder / 'agents.yaml'}:4:14: error: agents.kim.contact: 'kim' is neither client:<identity>" in result.output

"""`ivr validate` and `ivr schema`: what supervisors run before an edit reaches callers."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from ivr.cli import main
from ivr.flow.loader import flow_files
from ivr.flow.yamldoc import read_yaml
from ivr.cli.flows import SCHEMA_PATH, schema_text

FLOWS = Path(__file__).resolve().parents[3] / "flows"


@pytest.fixture
def flows(tmp_path):
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS, folder, ignore=shutil.ignore_patterns("tests", "schema"))
    return folder


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_the_sample_flows_validate_cleanly():
    result = run("validate", str(FLOWS))
    assert result.exit_code == 0 and result.output.strip() == "2 flow(s) valid, 0 error(s), 0 warning(s)"


def test_errors_are_listed_with_line_numbers_and_fail(flows):
    main_yaml = flows / "main.yaml"
    main_yaml.write_text(main_yaml.read_text().replace("2: {to: recording_notice,", "2: {to: biling,"))
    lines = main_yaml.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "{to: biling," in text)
    column = lines[line - 1].index("biling") + 1
    result = run("validate", str(flows))
    assert result.exit_code == 1
    assert f"{main_yaml}:{line}:{column}: error: node 'main_menu' leads to 'biling', which is not defined" in result.output
    assert result.output.strip().endswith("1 flow(s) valid, 1 error(s), 0 warning(s)")


def test_one_file_is_checked_with_its_folder_for_subflows(flows):
    (flows / "choose_language.yaml").unlink()
    line = (flows / "main.yaml").read_text().splitlines().index("  language:") + 2
    result = run("validate", str(flows / "main.yaml"))
    assert result.exit_code == 1
    assert f"{flows}/main.yaml:{line}:5: error: subflow 'choose_language' is not a loaded flow" in result.output


def test_warnings_pass_unless_strict(flows):
    (flows / "extra.yaml").write_text("name: extra\nstart: a\nnodes:\n  a: {kind: hangup}\n  b: {kind: hangup}\n")
    assert run("validate", str(flows)).exit_code == 0
    strict = run("validate", "--strict", str(flows))
    assert strict.exit_code == 1 and f"{flows}/extra.yaml:5:3: warning: node 'b' can never be reached from 'a'" in strict.output


def test_the_committed_schema_matches_the_models():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run: ivr schema"
    assert run("schema", "--check").exit_code == 0


def test_the_sample_flows_satisfy_the_schema_and_carry_its_marker():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for path in flow_files(FLOWS):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=schema/flow.schema.json")
        data = json.loads(json.dumps(read_yaml(text, str(path)).data, default=str))
        jsonschema.validate(data, schema)


def test_the_schema_rejects_an_unknown_node_kind():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "start": "a", "nodes": {"a": {"kind": "dance"}}}, schema)


def test_each_problem_is_printed_once(flows):
    main_yaml = flows / "main.yaml"
    main_yaml.write_text(main_yaml.read_text().replace("2: {to: recording_notice,", "2: {to: biling,"))
    # A real process: the catalog's log lines go to the terminal too, where a person would read them twice.
    done = subprocess.run([sys.executable, "-m", "ivr.cli", "validate", str(flows)], capture_output=True, text=True)
    assert (done.stdout + done.stderr).count("leads to 'biling', which is not defined") == 1


def test_a_prompt_reading_a_variable_no_way_sets_is_a_warning(flows):
    main_yaml = flows / "main.yaml"
    text = main_yaml.read_text().replace('"Connecting you to technical support."', '"Connecting you. Your ticket {ticket}."')
    main_yaml.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "{ticket}" in row)
    result = run("validate", str(flows))
    assert result.exit_code == 0
    assert (f"{main_yaml}:{line}:" in result.output
            and "warning: node 'support' reads {ticket} in prompt.en, but no way to it sets 'ticket'" in result.output)
    assert result.output.strip().endswith("2 flow(s) valid, 0 error(s), 1 warning(s)")
    assert run("validate", "--strict", str(flows)).exit_code == 1

"""`ivr test`: the report and exit status supervisors and CI see; a flow edited under its tests fails them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main

FLOWS = Path(__file__).resolve().parents[3] / "flows"
GOODBYE_EN = "Thank you for calling. Goodbye."


@pytest.fixture
def flows(tmp_path) -> Path:
    """A copy of the sample flows and their tests, free to edit."""
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS, folder, ignore=shutil.ignore_patterns("schema"))
    return folder


def ivr_test(*args: str):
    return CliRunner().invoke(main, ["test", *args], env={"LOG_LEVEL": None})


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_passing_tests_are_listed_and_exit_zero(flows):
    result = ivr_test("--flows", str(flows), str(flows / "tests" / "language.yaml"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("language.yaml")
    assert lines[1:3] == ["  PASS  Key 1 chooses Korean [say]", "  PASS  Key 2 chooses English [say]"]
    assert "  PASS  Key 1 chooses Korean [synth]" in lines  # every case runs with <Say> and with synthesised prompts
    assert lines[-1] == "✔ 10 cases passed"


def test_prompts_chooses_one_prompt_mode(flows):
    result = ivr_test("--flows", str(flows), "--prompts", "synth", "-v", "-k", "Key 2 chooses English")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  PASS  Key 2 chooses English" in lines and result.output.count("PASS") == 1
    assert any(line.startswith("          🔊 [en] For delivery status, press 1.") and "▶ /prompts/" in line for line in lines)


def test_a_prompt_edited_under_its_tests_fails_them_with_what_was_heard(flows):
    main_flow = flows / "main.yaml"
    write(main_flow, main_flow.read_text(encoding="utf-8").replace(GOODBYE_EN, "Thanks for calling. Bye."))
    result = ivr_test("--flows", str(flows), str(flows / "tests" / "orders.yaml"))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    at = lines.index("  FAIL  English caller hears a delivered order [say]")
    assert lines[at + 1:at + 3] == [
        "        never heard 'Thank you for calling. Goodbye.' after "
        "'Order number 1 0 0 3 was delivered on March 2, 2026.'",
        "        heard:"]
    assert "          🔊 [en-US] Thanks for calling. Bye." in lines[at:]
    assert "          http GET /demo/orders/1003 -> 200 (this server)" in lines[at:]
    assert "  FAIL  Silence after the result ends the call [say]" in lines
    assert "  FAIL  English caller hears a delivered order [synth]" in lines
    assert "  PASS  Korean caller hears a delivered order [say]" in lines  # the Korean goodbye is unchanged
    assert lines[-1] == "✖ 4 failed, 24 passed"


def test_an_invalid_test_file_is_reported_by_line_and_column_and_exits_two(flows, tmp_path):
    broken = write(tmp_path / "broken.yaml", 'flow: main\ncases:\n  - name: typo\n    press: ["2", 12]\n'
                                             '    heers: ["Goodbye"]\n')
    result = ivr_test("--flows", str(flows), str(broken))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{broken}:4:18: cases.0.press.1: 12 was read as a number, which loses leading zeros; put it in quotes",
        f"{broken}:5:5: unknown field 'heers' in cases.0",
        "✖ flow tests not run: 2 problems"]


def test_a_node_name_that_is_not_in_the_flow_is_an_invalid_test(flows, tmp_path):
    typo = write(tmp_path / "typo.yaml", "flow: main\ncases:\n  - name: ends\n    press: ['2']\n    ends_at: goodby\n")
    result = ivr_test("--flows", str(flows), str(typo))
    assert result.exit_code == 2
    assert f"{typo}:5:14: ends_at: flow 'main' has no node 'goodby' (did you mean 'goodbye'?)" in result.output


def test_an_unknown_flow_is_an_invalid_test(flows, tmp_path):
    other = write(tmp_path / "other.yaml", "flow: sales\ncases:\n  - name: x\n    hears: [hi]\n")
    result = ivr_test("--flows", str(flows), str(other))
    assert result.exit_code == 2
    assert f"{other}:1:7: no flow named 'sales' is loaded (loaded: choose_language, main)" in result.output


def test_a_case_that_checks_nothing_is_refused(flows, tmp_path):
    empty = write(tmp_path / "empty.yaml", "cases:\n  - name: nothing\n    press: ['1']\n")
    result = ivr_test("--flows", str(flows), str(empty))
    assert result.exit_code == 2
    assert "a case needs something to check: hears, not_hears, ends_at, variables, voicemail_s, survey or agent_hears" \
        in result.output


def test_flows_that_do_not_load_stop_the_run(flows):
    main_flow = flows / "main.yaml"
    write(main_flow, main_flow.read_text(encoding="utf-8").replace("next: office_hours", "next: office_hour"))
    result = ivr_test("--flows", str(flows))
    assert result.exit_code == 2
    assert "main.yaml:" in result.output and "office_hour" in result.output


def test_no_test_files_exits_two(tmp_path):
    (tmp_path / "flows").mkdir()
    result = ivr_test("--flows", str(tmp_path / "flows"), str(tmp_path / "flows"))
    assert (result.exit_code, result.output.splitlines()[0]) == (2, "no flow test files found")


def test_k_runs_only_the_cases_whose_name_matches(flows):
    result = ivr_test("--flows", str(flows), "-k", "voicemail")
    assert result.exit_code == 0, result.output
    cases = [line for line in result.output.splitlines() if line.startswith("  PASS")]
    assert cases == ["  PASS  Weekday evening is closed and goes to voicemail [say]",
                     "  PASS  Weekday evening is closed and goes to voicemail [synth]"]


def test_verbose_shows_what_passing_cases_heard(flows):
    result = ivr_test("--flows", str(flows), "-v", "-k", "VIP caller is thanked")
    assert "          🔊 [en-US] Thank you for being a valued customer." in result.output.splitlines()


def test_flows_dir_comes_from_the_environment_by_default(flows):
    result = CliRunner().invoke(main, ["test", "-k", "Key 2 chooses English"], env={"FLOWS_DIR": str(flows)})
    assert result.exit_code == 0, result.output
    assert "  PASS  Key 2 chooses English [say]" in result.output.splitlines()

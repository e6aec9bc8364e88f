"""Loading flow YAML: every mistake is reported with the file, line and column it is on."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.flow.errors import FlowLoadError
from ivr.flow.loader import check_flow_text, load_flow_file, parse_flow
from ivr.flow.nodes import NODE_KINDS

GOOD = """\
name: g
languages: [ko, en]
start: m
nodes:
  m:
    kind: menu
    prompt: {ko: 메뉴, en: Menu}
    options:
      1: e
  e: {kind: hangup}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FlowLoadError) as caught:
        parse_flow(text, "f.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_sample_flow_loads_with_a_stable_version_hash():
    first = load_flow_file(Path("flows/main.yaml"))
    again = load_flow_file(Path("flows/main.yaml"))
    assert first.name == "main" and first.languages == ["ko", "en"]
    assert first.version == again.version and len(first.version) == 16


def test_menu_keys_written_as_numbers_are_keypad_keys():
    flow = parse_flow(GOOD)
    assert list(flow.nodes["m"].options) == ["1"]


def test_yaml_syntax_error_names_the_line():
    assert problems("name: g\nstart: [a\nnodes: {}\n") == ["f.yaml:3:6: not valid YAML: expected ',' or ']', but got ':'"]


def test_unknown_node_kind_points_at_the_node():
    text = GOOD.replace("  e: {kind: hangup}", "  e: {kind: hangpu}")
    assert problems(text) == ["f.yaml:10:6: nodes.e: unknown node kind 'hangpu'"]


def test_unknown_field_points_at_the_key():
    text = GOOD.replace("    prompt: {ko: 메뉴, en: Menu}", "    prompt: {ko: 메뉴, en: Menu}\n    timeout: 5")
    assert problems(text) == ["f.yaml:8:5: unknown field 'timeout' in nodes.m.menu"]


def test_missing_target_points_at_the_option():
    text = GOOD.replace("      1: e", "      1: nowhere")
    assert problems(text) == ["f.yaml:9:10: node 'm' leads to 'nowhere', which is not defined"]


def test_missing_start_node():
    assert problems(GOOD.replace("start: m", "start: x")) == ["f.yaml:3:8: start node 'x' is not defined under nodes"]


def test_duplicate_menu_digit_is_an_error_not_a_silent_overwrite():
    text = GOOD.replace("      1: e", "      1: e\n      1: m")
    assert problems(text) == ["f.yaml:10:7: '1' is written twice here; the second would silently win"]


def test_prompt_missing_a_language_the_flow_offers():
    text = GOOD.replace("prompt: {ko: 메뉴, en: Menu}", "prompt: {ko: 메뉴}")
    assert problems(text) == ["f.yaml:7:13: no 'en' text here, but the flow offers 'en'"]


def test_option_switching_to_an_unoffered_language():
    text = GOOD.replace("      1: e", "      1: {to: e, language: ja}")
    assert problems(text) == ["f.yaml:9:10: option 1 switches to 'ja', which the flow's languages do not list"]


def test_bad_keypad_key_and_bad_pattern():
    text = GOOD.replace("      1: e", "      x: e") + "  g: {kind: gather, prompt: {ko: a, en: b}, variable: v, pattern: '[', next: e}\n"
    found = problems(text)
    assert found[0] == "f.yaml:9:7: nodes.m.menu.options: option key 'x' is not made of keypad keys (0-9, * and #)"
    assert found[1].startswith("f.yaml:11:67: nodes.g.gather.pattern: pattern is not a valid regular expression")


def test_phone_number_written_without_quotes_is_explained():
    text = GOOD.replace("      1: e", "      1: t") + "  t: {kind: transfer, number: +8215881234}\n"
    assert problems(text) == ["f.yaml:11:31: nodes.t.transfer.number: 8215881234 was read as a number; put it in quotes"]


def test_missing_required_field():
    text = GOOD.replace("    prompt: {ko: 메뉴, en: Menu}\n", "")
    assert problems(text) == ["f.yaml:6:5: nodes.m.menu.prompt: Field required"]


def test_a_file_that_is_not_a_mapping():
    assert problems("- a\n- b\n") == ["f.yaml:1:1: a flow file must be a mapping with name, start and nodes"]


def test_unreachable_node_is_only_a_warning():
    flow, found = check_flow_text(GOOD + "  lost: {kind: hangup}\n", "f.yaml")
    assert "lost" in flow.nodes
    assert [(str(p), p.severity) for p in found] == [("f.yaml:11:3: node 'lost' can never be reached from 'm'", "warning")]


def test_unreadable_file_is_a_load_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xff\xfe\x00 not utf-8")
    with pytest.raises(FlowLoadError, match=r"bad.yaml:1:1: cannot read the file"):
        load_flow_file(path)


KINDS = """\
name: k
timezone: Asia/Seoul
start: h
nodes:
  h:
    kind: hours
    weekly: {mon-fri: "09:00-18:00"}
    open: s
    closed: e
  s:
    kind: switch
    cases:
      - when: {caller_in: vips}
        to: e
    default: e
  e: {kind: hangup}
"""


def test_unknown_time_zone_names_the_line():
    assert problems(KINDS.replace("Asia/Seoul", "Asia/Seol")) == [
        "f.yaml:2:11: timezone: Value error, unknown time zone 'Asia/Seol' (use an IANA name such as Asia/Seoul)"
        .replace("Value error, ", "")]


def test_bad_opening_hours_and_bad_day_name():
    found = problems(KINDS.replace('{mon-fri: "09:00-18:00"}', '{mon-fry: "9-18"}'))
    assert found == ["f.yaml:7:13: nodes.h.hours.weekly: 'mon-fry' is not a day or a range of days (mon, tue, … sun; mon-fri)"]
    found = problems(KINDS.replace('"09:00-18:00"', '"09:00-25:00"'))
    assert found == ["f.yaml:7:13: nodes.h.hours.weekly: '09:00-25:00' has an impossible time"]


def test_switch_on_an_undefined_caller_list():
    assert problems(KINDS) == ["f.yaml:13:27: caller_in names the list 'vips', which the flow's lists do not define"]


def test_nodes_that_loop_without_waiting_are_an_error():
    text = GOOD.replace("  e: {kind: hangup}", "  e: {kind: say, text: {ko: a, en: b}, next: f}\n  f: {kind: goto, to: e}")
    assert problems(text) == ["f.yaml:10:3: these nodes loop without ever waiting for the caller: e -> f -> e"]


def test_unknown_node_kind_lists_the_kinds():
    assert problems(GOOD.replace("  e: {kind: hangup}", "  e: {}")) == [
        f"f.yaml:10:6: nodes.e: every node needs a 'kind' ({', '.join(NODE_KINDS)})"]
    assert NODE_KINDS[:6] == ("say", "menu", "gather", "goto", "transfer", "hangup")


def test_phrases_in_a_language_the_flow_does_not_offer():
    text = GOOD.replace("      1: e", "      1: {to: e, phrases: {ja: [hai]}}")
    assert problems(text) == ["f.yaml:9:28: phrases in 'ja', which the flow's languages do not list"]

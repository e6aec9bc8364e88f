"""Loading queues.yaml and agents.yaml: the samples load, and every mistake names its file, line and column."""
from __future__ import annotations

from pathlib import Path

import pytest

from callqueue.config import load_agents, load_queues, parse_agents, parse_queues, read_agents, read_queues
from callqueue.errors import ConfigError
from callqueue.model import AgentStatus
from callqueue.queues import QueueConfig, Strategy

SAMPLES = Path(__file__).resolve().parents[3] / "flows"

QUEUES = """\
languages: [ko, en]
queues:
  billing:
    skills: {billing: 5}
    max_wait_s: 600
    overflow_to: general
    hold_prompts: {ko: 잠시만요, en: Please hold}
    escalations:
      - after_s: 60
        min_levels: {billing: 3}
      - after_s: 180
        add_queues: [general]
  general: {}
"""

AGENTS = """\
agents:
  kim:
    name: 김민지
    contact: client:kim
    skills: {billing: 8, ko: 10}
  park:
    name: 박지우
    contact: "+821012345678"
"""


def problems(parse, text: str, file: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse(text, file)
    return [str(p) for p in caught.value.problems]


def test_the_sample_queues_load_with_billing_support_and_general():
    config = load_queues(SAMPLES / "queues.yaml")
    assert list(config.queues) == ["billing", "support", "general"] and config.languages == ["ko", "en"]
    billing = config.queues["billing"]
    assert (billing.name, billing.skills, billing.strategy) == ("billing", {"billing": 5}, Strategy.HIGHEST_SKILL)
    assert [step.after_s for step in billing.escalations] == [60, 180]


def test_the_sample_agents_load_offline_with_korean_and_english_skills():
    agents = load_agents(SAMPLES / "agents.yaml")
    assert {a.id for a in agents} == {"kim", "lee", "park", "smith", "choi"}
    assert all(a.status is AgentStatus.OFFLINE for a in agents)
    assert {a.id for a in agents if "ko" in a.skills} == {"kim", "lee", "park", "choi"}


def test_a_queue_written_as_an_empty_mapping_takes_the_defaults():
    general = parse_queues(QUEUES).queues["general"]
    assert (general.strategy, general.service_level_s, general.ring_timeout_s, general.skills) == (
        Strategy.LONGEST_IDLE, 20, 20, {})


@pytest.mark.parametrize("old, new, expected", [
    ("{billing: 5}", "{billing: 11}",
     "queues.yaml:4:23: queues.billing.skills.billing: level 11 is out of range: a skill level is from 1 to 10"),
    ("{billing: 5}", "{billing: '5'}", "queues.yaml:4:23: queues.billing.skills.billing: Input should be a valid integer"),
    ("{billing: 5}", "{Billing: 5}",
     "queues.yaml:4:14: queues.billing.skills.Billing: skill name 'Billing' must be lowercase letters, digits, "
     "'-' or '_' (say billing, ko)"),
    ("    max_wait_s: 600\n", "    max_wait_s: 600\n    strategy: fastest\n",
     "queues.yaml:6:15: queues.billing.strategy: Input should be 'longest_idle', 'fewest_calls', 'highest_skill' "
     "or 'round_robin'"),
    ("max_wait_s: 600", "max_wait: 600", "queues.yaml:5:5: unknown field 'max_wait' in queues.billing"),
    ("max_wait_s: 600", "max_wait_s: -5", "queues.yaml:5:17: queues.billing.max_wait_s: Input should be greater than 0"),
    ("overflow_to: general", "overflow_to: genral", "queues.yaml:6:18: overflow_to names queue 'genral', which is not defined"),
    ("    max_wait_s: 600\n", "", "queues.yaml:5:5: overflow_to needs max_wait_s: after how long to overflow"),
    ("en: Please hold", "ja: お待ちください", "queues.yaml:7:30: hold prompt language 'ja' is not in languages ['ko', 'en']"),
    ("add_queues: [general]", "add_queues: [general, vip]", "queues.yaml:12:31: queue 'vip' is not defined"),
    ("{billing: 3}", "{billing: 7}", "queues.yaml:10:31: min_levels billing: 7 does not lower the required level 5"),
    ("{billing: 3}", "{ko: 1}", "queues.yaml:10:26: queue 'billing' does not require 'ko', so its level cannot be lowered"),
    ("after_s: 180", "after_s: 30", "queues.yaml:11:18: after_s 30 must be later than the step before (60)"),
    ("      - after_s: 180\n        add_queues: [general]\n", "      - after_s: 180\n",
     "queues.yaml:11:9: an escalation step must lower min_levels, drop_skills or add_queues"),
    ("  general: {}\n", "  general: {}\n  billing: {}\n", "queues.yaml:14:3: 'billing' is written twice here; the second would silently win"),
    ("{billing: 5}", "{billing: 5", "queues.yaml:5:15: not valid YAML: expected ',' or '}', but got ':'"),
])
def test_a_queue_mistake_is_reported_where_it_is(old, new, expected):
    assert old in QUEUES
    assert problems(parse_queues, QUEUES.replace(old, new), "queues.yaml") == [expected]


@pytest.mark.parametrize("text, expected", [
    ("languages: [ko]\n", "queues.yaml:1:1: the file: 'queues' is required"),
    ("- billing\n- support\n", "queues.yaml:1:1: the file must be a mapping (queues: or agents: at the top)"),
    ("", "queues.yaml:1:1: the file is empty"),
])
def test_a_file_of_the_wrong_shape_is_reported_at_its_start(text, expected):
    assert problems(parse_queues, text, "queues.yaml") == [expected]


def test_every_queue_mistake_is_reported_at_once_in_line_order():
    text = QUEUES.replace("{billing: 5}", "{billing: 11}").replace("after_s: 180", "after_s: 0")
    assert problems(parse_queues, text, "q.yaml") == [
        "q.yaml:4:23: queues.billing.skills.billing: level 11 is out of range: a skill level is from 1 to 10",
        "q.yaml:11:18: queues.billing.escalations.1.after_s: Input should be greater than 0",
    ]


@pytest.mark.parametrize("old, new, expected", [
    ("client:kim", "kim",
     "agents.yaml:4:14: agents.kim.contact: 'kim' is neither client:<identity> nor an E.164 number such as +821012345678"),
    ('"+821012345678"', "+821012345678", "agents.yaml:8:14: agents.park.contact: 821012345678 was read as a number; put it in quotes"),
    ("    name: 박지우\n", "", "agents.yaml:7:5: agents.park: 'name' is required"),
    ("billing: 8", "billing: 0", "agents.yaml:5:23: agents.kim.skills.billing: level 0 is out of range: a skill level is from 1 to 10"),
    ("    name: 김민지\n", "    name: 김민지\n    email: kim@example.com\n", "agents.yaml:4:5: unknown field 'email' in agents.kim"),
    ("  park:\n", "  kim:\n", "agents.yaml:6:3: 'kim' is written twice here; the second would silently win"),
])
def test_an_agent_mistake_is_reported_where_it_is(old, new, expected):
    assert old in AGENTS
    assert problems(parse_agents, AGENTS.replace(old, new), "agents.yaml") == [expected]


def test_an_unreadable_file_is_a_config_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match=r"queues.yaml:1:1: cannot read the file"):
        load_queues(tmp_path / "queues.yaml")


def test_a_flows_folder_without_queue_files_has_no_queues_and_no_agents(tmp_path):
    assert read_queues(tmp_path) == (QueueConfig(queues={}), [])
    assert read_agents(tmp_path) == ([], [])


def test_a_broken_queue_file_in_a_flows_folder_gives_its_problems_not_an_exception(tmp_path):
    (tmp_path / "queues.yaml").write_text("queues: [", encoding="utf-8")
    (tmp_path / "agents.yaml").write_text("agents:\n  a1: {name: A}\n", encoding="utf-8")
    queues, queue_problems = read_queues(tmp_path)
    agents, agent_problems = read_agents(tmp_path)
    assert queues is None and [p.file for p in queue_problems] == [str(tmp_path / "queues.yaml")]
    assert agents == [] and "'contact' is required" in str(agent_problems[0])


def test_a_center_in_one_language_is_not_refused_for_the_default_lists_labels():
    """The default break reasons and dispositions are labelled in Korean and English; an English-only center that
    writes neither list must load (it did not: every queue was dropped), while a list it writes is still checked."""
    from callqueue.config import parse_queues
    from callqueue.errors import ConfigError

    plain = parse_queues("languages: [en]\nqueues:\n  desk:\n    wrap_up_s: 2\n")
    assert "desk" in plain.queues and plain.break_reasons and plain.dispositions("desk")
    with pytest.raises(ConfigError, match="label language 'kr' is not in languages"):
        parse_queues("languages: [en]\nbreak_reasons:\n  - {code: lunch, labels: {en: Lunch, kr: 점심}}\n"
                     "queues:\n  desk: {}\n")

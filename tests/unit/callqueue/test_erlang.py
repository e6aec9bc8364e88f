"""Erlang C against hand-worked cases, the textbook worked example, an exact oracle, and huge floors."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest

from callqueue import erlang

# The textbook worked example: 100 calls in 30 minutes, 3 minutes each (10 Erlangs), target 80% in 20 s.
RATE, HANDLE = 100 / 1800, 180


def exact_erlang_c(agents: int, traffic: int) -> float:
    """Erlang C straight from its definition, in exact fractions (fine for small floors)."""
    top = Fraction(traffic ** agents, math.factorial(agents)) * Fraction(agents, agents - traffic)
    below = sum(Fraction(traffic ** k, math.factorial(k)) for k in range(agents))
    return float(top / (below + top))


def log_space_erlang_c(agents: int, traffic: float) -> float:
    """Erlang C from log terms (lgamma and log-sum-exp), an independent check for huge floors."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(agents)]
    top = agents * math.log(traffic) - math.lgamma(agents + 1) + math.log(agents / (agents - traffic))
    peak = max(max(logs), top)
    below = sum(math.exp(x - peak) for x in logs)
    return math.exp(top - peak) / (below + math.exp(top - peak))


@pytest.mark.parametrize("agents, traffic, expected", [
    (1, 0.8, 0.8),             # M/M/1: a caller waits with probability rho
    (2, 1.0, 1 / 3),           # M/M/2 at rho 1/2: 2·rho²/(1 + rho)
    (2, 1.5, 2 * 0.75 ** 2 / 1.75),
])
def test_erlang_c_matches_hand_worked_small_floors(agents, traffic, expected):
    assert erlang.erlang_c(agents, traffic) == pytest.approx(expected, rel=1e-12)


def test_erlang_b_matches_the_table_for_ten_erlangs_on_ten_lines():
    assert erlang.erlang_b(10, 10) == pytest.approx(0.21458, abs=1e-5)


@pytest.mark.parametrize("agents, waiting, level, asa_s", [
    (11, 0.6821, 0.3896, 122.78),
    (12, 0.4494, 0.6402, 40.44),
    (13, 0.2853, 0.7956, 17.12),
    (14, 0.1741, 0.8884, 7.84),
])
def test_the_textbook_example_for_ten_erlangs(agents, waiting, level, asa_s):
    assert erlang.probability_of_waiting(agents, RATE, HANDLE) == pytest.approx(waiting, abs=5e-5)
    assert erlang.service_level(agents, RATE, HANDLE, 20) == pytest.approx(level, abs=5e-5)
    assert erlang.average_speed_of_answer_s(agents, RATE, HANDLE) == pytest.approx(asa_s, abs=5e-3)


def test_fourteen_agents_are_needed_for_eighty_percent_in_twenty_seconds_at_ten_erlangs():
    assert erlang.agents_needed(RATE, HANDLE, 20, 0.8) == 14


@pytest.mark.parametrize("agents, traffic", [(3, 2), (7, 5), (20, 17), (40, 30), (60, 59)])
def test_erlang_c_equals_the_exact_definition(agents, traffic):
    assert erlang.erlang_c(agents, traffic) == pytest.approx(exact_erlang_c(agents, traffic), rel=1e-10)


@pytest.mark.parametrize("agents, traffic", [(2000, 1950.0), (10_000, 9800.0), (50_000, 49_700.0)])
def test_erlang_c_stays_exact_for_huge_floors(agents, traffic):
    assert erlang.erlang_c(agents, traffic) == pytest.approx(log_space_erlang_c(agents, traffic), rel=1e-9)


def test_staffing_a_huge_floor_is_quick_and_just_enough():
    rate = 9800 / 180
    needed = erlang.agents_needed(rate, 180, 20, 0.8)
    assert erlang.service_level(needed, rate, 180, 20) >= 0.8 > erlang.service_level(needed - 1, rate, 180, 20)
    assert needed == 9813


@pytest.mark.parametrize("agents", [9, 10])
def test_an_overloaded_floor_waits_forever(agents):
    assert erlang.erlang_c(agents, 10) == 1
    assert erlang.average_speed_of_answer_s(agents, RATE, HANDLE) == math.inf
    assert erlang.service_level(agents, RATE, HANDLE, 20) == 0


def test_no_traffic_needs_one_agent_and_nobody_waits():
    assert erlang.agents_needed(0, 180, 20) == 1 and erlang.erlang_c(1, 0) == 0


@pytest.mark.parametrize("level", [0, 1, 80])
def test_a_service_level_goal_is_a_fraction(level):
    with pytest.raises(ValueError, match="between 0 and 1"):
        erlang.agents_needed(RATE, HANDLE, 20, level)

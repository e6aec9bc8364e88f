"""Queue statistics per queue and interval, from entries moved through the real model, and wait estimates."""
from __future__ import annotations

import math
from dataclasses import replace

import pytest

from callqueue import model
from callqueue.stats import expected_wait_s, queue_stats

from queue_builders import at, caller


def answered(call_id, queue, enqueued_s, wait_s, handle_s, estimate_s=None):
    entry = caller(call_id, queue, now=at(enqueued_s))
    entry = model.answer_entry(model.offer_entry(entry, "kim", at(enqueued_s + wait_s)), at(enqueued_s + wait_s))
    entry = model.complete(entry, at(enqueued_s + wait_s + handle_s))
    return entry if estimate_s is None else replace(entry, estimate_s=estimate_s)


def morning():
    """Billing from 09:00: two answered (10 s, 40 s), one abandoned, one overflowed, one still waiting."""
    return [
        answered("c1", "billing", 0, 10, 180, estimate_s=30),
        answered("c2", "billing", 300, 40, 60, estimate_s=30),
        model.abandon(caller("c3", now=at(600)), at(625)),
        model.overflow(caller("c4", now=at(1200)), at(1800)),
        caller("c5", now=at(1500)),
        answered("c6", "billing", 1860, 5, 100),
        answered("c7", "support", 120, 15, 200),
    ]


def test_stats_are_grouped_by_interval_then_queue():
    stats = queue_stats(morning(), {"billing": 20, "support": 30}, interval_s=1800)
    assert [(s.queue, s.interval_start, s.offered, s.service_level_s) for s in stats] == [
        ("billing", at(0), 5, 20), ("support", at(0), 1, 30), ("billing", at(1800), 1, 20)]


def test_billing_first_half_hour_counts_every_outcome():
    billing = queue_stats(morning(), 20, interval_s=1800, now=at(2400))[0]
    assert (billing.offered, billing.answered, billing.abandoned, billing.overflowed, billing.waiting) == (5, 2, 1, 1, 1)
    assert billing.abandonment_rate == pytest.approx(0.2)
    assert billing.average_speed_of_answer_s == pytest.approx(25)
    assert billing.service_level == pytest.approx(1 / 5)


@pytest.mark.parametrize("now, longest_s", [(None, 600), (at(2400), 900)])
def test_the_longest_wait_counts_callers_still_waiting_when_now_is_given(now, longest_s):
    assert queue_stats(morning(), 20, interval_s=1800, now=now)[0].longest_wait_s == longest_s


def test_estimate_accuracy_compares_announced_and_actual_waits():
    billing = queue_stats(morning(), 20, interval_s=1800)[0]
    assert (billing.estimates, billing.estimate_error_s, billing.estimate_bias_s) == (2, 15, 5)


def test_an_interval_without_answers_or_estimates_has_no_averages():
    [stats] = queue_stats([model.abandon(caller("c1", now=at(0)), at(30))], 20)
    assert (stats.average_speed_of_answer_s, stats.service_level, stats.estimate_error_s) == (None, 0, None)
    assert stats.abandonment_rate == 1


def test_no_entries_give_no_stats():
    assert queue_stats([], 20) == []


@pytest.mark.parametrize("position, agents, recent, wrap_up_s, expected", [
    (1, 4, [100, 200, 300], 0, 50),     # one agent frees up every 200/4 s
    (3, 2, [], 0, 270),                 # no history yet: the default 180 s handle time
    (2, 4, [200], 40, 120),             # wrap-up keeps agents busy too
    (1, 0, [200], 0, math.inf),         # nobody staffed
])
def test_expected_wait_is_position_times_handle_time_over_agents(position, agents, recent, wrap_up_s, expected):
    assert expected_wait_s(position, agents, recent, wrap_up_s=wrap_up_s) == expected

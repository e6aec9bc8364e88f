"""When a caller counts as gone unheard, and when a process reconciles after the database comes back."""
from __future__ import annotations

import pytest

from callqueue import model
from callqueue.queues import Queue, QueueConfig
from callqueue.recovery import Recovery, gone_after_s, offer_caller_gone, unheard_caller_gone

from queue_builders import at, caller


@pytest.mark.parametrize("heard_s, twilio_says, gone", [
    (None, None, True), (4, None, True), (5, None, False), (9, None, False),
    (None, "in-progress", False), (9, "completed", True), (9, "canceled", True), (None, "ringing", False),
])
def test_an_offer_that_ran_out_was_to_a_gone_caller_when_they_never_came_for_it(heard_s, twilio_says, gone):
    entry = caller("CA1")
    if heard_s is not None and heard_s < 5:
        entry = model.held(entry, at(heard_s))  # a wait request before the offer at 5 s
    offered = model.offer_entry(entry, "kim", at(5))
    if heard_s is not None and heard_s >= 5:
        offered = model.heard_from(offered, at(heard_s))  # the caller came for the offer
    assert offer_caller_gone(offered, twilio_says) is gone


@pytest.mark.parametrize("twilio_says, gone", [(None, True), ("completed", True), ("busy", True),
                                               ("in-progress", False), ("queued", False)])
def test_an_unheard_waiting_caller_is_gone_unless_twilio_says_the_call_is_up(twilio_says, gone):
    assert unheard_caller_gone(twilio_says) is gone


def test_a_process_reconciles_once_a_segment_and_margin_after_each_recovery():
    recovery = Recovery(60)
    assert recovery.due(at(0)) is None  # the first pass: up since now
    assert recovery.due(at(59)) is None
    assert recovery.due(at(60)) == at(0)
    recovery.done(at(0))
    assert recovery.due(at(500)) is None  # once per recovery
    recovery.failed()
    assert recovery.due(at(600)) is None and recovery.due(at(660)) == at(600)


def test_long_hold_music_lengthens_the_wait_before_a_silent_caller_counts_as_gone():
    plain = QueueConfig(queues={"q": Queue(name="q")})
    music = QueueConfig(queues={"q": Queue(name="q", hold_music="https://example.com/hold.mp3", hold_music_s=240)})
    assert (gone_after_s(plain, 10), gone_after_s(music, 10)) == (60, 290)

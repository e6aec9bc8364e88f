"""The agent status machine and a caller's life in a queue: allowed moves, refused moves and their messages."""
from __future__ import annotations

import pytest

from callqueue import model
from callqueue.errors import InvalidTransition, UnknownStatus
from callqueue.model import AgentStatus, EntryStatus
from callqueue.queues import Queue

from queue_builders import T0, agent, at, caller

MOVES = {
    "offer": lambda a: model.offer(a, "CA1", at(5)),
    "answer": lambda a: model.answer(a, at(5)),
    "miss": lambda a: model.miss(a, at(5)),
    "withdraw": lambda a: model.withdraw(a, at(5)),
    "hang_up": lambda a: model.hang_up(a, at(5), wrap_up_s=30),
    "hang_up_no_wrap": lambda a: model.hang_up(a, at(5), wrap_up_s=0),
    "end_wrap_up": lambda a: model.end_wrap_up(a, at(5)),
    "set_offline": lambda a: model.set_status(a, "offline", at(5)),
    "set_available": lambda a: model.set_status(a, "available", at(5)),
    "set_break": lambda a: model.set_status(a, "break", at(5)),
}


@pytest.mark.parametrize("start, move, end", [
    ("available", "offer", "reserved"),
    ("reserved", "answer", "busy"),
    ("reserved", "miss", "missed"),
    ("reserved", "withdraw", "available"),
    ("busy", "hang_up", "wrap_up"),
    ("busy", "hang_up_no_wrap", "available"),
    ("wrap_up", "end_wrap_up", "available"),
    ("offline", "set_available", "available"),
    ("available", "set_break", "break"),
    ("break", "set_offline", "offline"),
    ("wrap_up", "set_available", "available"),
    ("wrap_up", "set_break", "break"),
    ("missed", "set_available", "available"),
    ("missed", "set_offline", "offline"),
])
def test_allowed_moves_reach_their_status_and_stamp_the_time(start, move, end):
    moved = MOVES[move](agent("kim", status=start))
    assert moved.status is AgentStatus(end)
    assert moved.status_since == at(5)


@pytest.mark.parametrize("start, move, message", [
    ("busy", "offer", "cannot offer call CA1 to agent kim: they are busy, not available"),
    ("missed", "offer", "cannot offer call CA1 to agent kim: they are missed, not available"),
    ("available", "answer", "cannot connect agent kim: they are available, not reserved"),
    ("busy", "miss", "cannot mark as missed agent kim: they are busy, not reserved"),
    ("offline", "hang_up", "cannot hang up agent kim: they are offline, not busy"),
    ("busy", "end_wrap_up", "cannot end wrap-up of agent kim: they are busy, not wrap_up"),
    ("busy", "set_break", "agent kim is busy; set break once the call ends"),
    ("reserved", "set_offline", "agent kim is reserved; set offline once the call ends"),
])
def test_refused_moves_say_what_the_agent_is_doing(start, move, message):
    with pytest.raises(InvalidTransition) as refused:
        MOVES[move](agent("kim", status=start))
    assert str(refused.value) == message


def test_a_busy_agent_names_the_call_when_a_status_is_refused():
    busy = model.answer(model.offer(agent("kim"), "CA42", at(1)), at(2))
    with pytest.raises(InvalidTransition, match="agent kim is busy on call CA42; set offline once the call ends"):
        model.set_status(busy, "offline", at(3))


@pytest.mark.parametrize("status", ["reserved", "busy", "wrap_up", "missed", "lunch", ""])
def test_people_can_set_only_offline_available_or_break(status):
    with pytest.raises(UnknownStatus, match="a person can set offline, available or break"):
        model.set_status(agent("kim"), status, at(1))


def test_setting_the_status_an_agent_already_has_changes_nothing():
    kim = agent("kim", status="break")
    assert model.set_status(kim, "break", at(9)) is kim


def test_a_call_stamps_assignment_counts_the_call_and_frees_the_agent_afterwards():
    kim = agent("kim", idle_s=-300, calls=2)
    offered = model.offer(kim, "CA1", at(10))
    assert (offered.call_id, offered.last_assigned_at) == ("CA1", at(10))
    busy = model.answer(offered, at(15))
    assert busy.calls_today == 3
    wrapping = model.hang_up(busy, at(200), wrap_up_s=30)
    assert wrapping.call_id is None and model.wrap_up_ends_at(wrapping, 30) == at(230)
    assert model.end_wrap_up(wrapping, at(230)).idle_since == at(230)


def test_a_withdrawn_offer_keeps_the_agents_place_in_idle_order():
    kim = agent("kim", idle_s=-300)
    back = model.withdraw(model.offer(kim, "CA1", at(10)), at(12))
    assert back.status is AgentStatus.AVAILABLE and back.idle_since == at(-300)


def test_an_agent_who_missed_a_call_is_not_available_until_a_person_says_so():
    missed = model.miss(model.offer(agent("kim"), "CA1", at(10)), at(30))
    assert missed.status is AgentStatus.MISSED and missed.call_id is None
    assert model.set_status(missed, "available", at(60)).idle_since == at(60)


def test_wrap_up_end_is_none_outside_wrap_up():
    assert model.wrap_up_ends_at(agent("kim"), 30) is None


ENTRY_MOVES = {
    "offer": lambda e: model.offer_entry(e, "kim", at(5)),
    "answer": lambda e: model.answer_entry(e, at(6)),
    "requeue": model.requeue,
    "abandon": lambda e: model.abandon(e, at(7)),
    "overflow": lambda e: model.overflow(e, at(8)),
    "complete": lambda e: model.complete(e, at(9)),
}


@pytest.mark.parametrize("path, end", [
    (["offer", "answer", "complete"], "completed"),
    (["offer", "requeue"], "waiting"),
    (["offer", "abandon"], "abandoned"),
    (["abandon"], "abandoned"),
    (["overflow"], "overflowed"),
    (["offer", "requeue", "offer", "answer"], "answered"),
])
def test_a_caller_moves_through_the_queue(path, end):
    entry = caller("CA1")
    for move in path:
        entry = ENTRY_MOVES[move](entry)
    assert entry.status is EntryStatus(end)


@pytest.mark.parametrize("path, message", [
    (["answer"], "call CA1 is waiting in queue billing, not offered"),
    (["complete"], "call CA1 is waiting in queue billing, not answered"),
    (["offer", "overflow"], "call CA1 is offered in queue billing, not waiting"),
    (["abandon", "offer"], "call CA1 is abandoned in queue billing, not callback or waiting"),
    (["offer", "answer", "abandon"], "call CA1 is answered in queue billing, not callback or offered or waiting"),
])
def test_a_caller_cannot_skip_or_repeat_a_step(path, message):
    entry = caller("CA1")
    with pytest.raises(InvalidTransition) as refused:
        for move in path:
            entry = ENTRY_MOVES[move](entry)
    assert str(refused.value) == message


def test_a_requeued_caller_keeps_its_age_and_counts_offers():
    entry = model.requeue(model.offer_entry(caller("CA1", waited_s=40), "kim", T0))
    assert entry.enqueued_at == at(-40) and entry.offers == 1 and entry.agent_id is None


def test_wait_and_handle_seconds_come_from_the_timestamps():
    entry = caller("CA1", waited_s=30)
    assert entry.wait_seconds is None and entry.waited_s(at(5)) == 35
    done = ENTRY_MOVES["complete"](ENTRY_MOVES["answer"](ENTRY_MOVES["offer"](entry)))
    assert (done.wait_seconds, done.handle_seconds) == (36, 3)


def test_an_abandoned_caller_waited_until_hanging_up():
    gone = model.abandon(caller("CA1", waited_s=30), at(15))
    assert gone.wait_seconds == 45 and gone.handle_seconds is None


def test_overflow_time_comes_from_the_queue_max_wait():
    entry = caller("CA1", waited_s=30)
    assert model.overflow_at(entry, Queue(name="q", max_wait_s=600)) == at(570)
    assert model.overflow_at(entry, Queue(name="q")) is None

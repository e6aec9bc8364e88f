"""Wrap-up through the app: stored on the entry and the call, shown by /api/calls and on the caller's next card;
refused for a bad disposition, long notes or someone else's call; "ready" ends wrap-up early. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from callqueue.errors import InvalidTransition
from callqueue.tables import QueueEntryRow
from ivr.desk.errors import BadWrapUp, NotYourCall
from ivr.desk.service import NOTES_MAX

NOTE = "환불 요청, 카드 취소 <b>확인</b> 필요"


def first_call(desk, clock):
    desk.status("kim", "available")
    sid, entry = desk.korean_order_to_billing()
    desk.offered(sid, entry)
    desk.talk(sid, entry, 95)
    return sid, entry


def test_the_wrap_up_is_stored_shown_in_the_api_and_on_the_next_card_from_that_number(desk, clock):
    sid, entry = first_call(desk, clock)
    state = desk.service.state("kim")
    assert state["agent"]["status"] == "wrap_up" and state["agent"]["wrap_up_left_s"] == 30.0
    assert state["wrap_up"]["entry_id"] == entry and state["wrap_up"]["left_s"] == 30.0
    clock.advance(10)
    assert desk.service.state("kim")["wrap_up"]["left_s"] == 20.0
    done = desk.service.wrap_up("kim", entry, "refund", NOTE, follow_up=True, ready=True)
    assert (done["disposition"], done["notes"], done["follow_up"], done["wrapped_by"], done["status"]) == (
        "refund", NOTE, True, "kim", "available")
    assert desk.service.state("kim")["wrap_up"] is None
    with desk.services.uow() as uow:
        row = uow.session.get(QueueEntryRow, entry)
        assert (row.disposition, row.notes, row.follow_up, row.wrapped_by) == ("refund", NOTE, True, "kim")
    call = desk.api.get(f"/api/calls/{sid}").get_json()
    assert (call["disposition"], call["notes"], call["follow_up"], call["wrapped_by"]) == ("refund", NOTE, True, "kim")
    desk.hang_up(sid)
    clock.advance(3600)
    again, second = desk.korean_order_to_billing()
    desk.offered(again, second)
    history = desk.service.caller_card(again, "kim")["history"]
    assert [(h["call_sid"], h["queue"], h["outcome"], h["disposition"], h["notes"], h["follow_up"], h["agent"])
            for h in history] == [(sid, "billing", "answered", "refund", NOTE, True, "kim")]


def test_calls_older_than_thirty_days_or_from_other_numbers_are_not_history(desk, clock):
    sid, entry = first_call(desk, clock)
    desk.service.wrap_up("kim", entry, "resolved", "", ready=True)
    clock.advance(31 * 86400)
    again, second = desk.korean_order_to_billing()
    other, third = desk.korean_order_to_billing(number="+821077770000")
    desk.status("kim", "available")
    desk.offered(again, second)
    assert desk.service.caller_card(again, "kim")["history"] == []


def test_a_bad_wrap_up_is_refused_and_nothing_is_stored(desk, clock):
    sid, entry = first_call(desk, clock)
    with pytest.raises(BadWrapUp, match="not one of queue billing's: resolved, follow_up, complaint, refund"):
        desk.service.wrap_up("kim", entry, "lost", "")
    with pytest.raises(BadWrapUp, match=f"at most {NOTES_MAX}"):
        desk.service.wrap_up("kim", entry, "resolved", "가" * (NOTES_MAX + 1))
    with pytest.raises(NotYourCall):
        desk.service.wrap_up("lee", entry, "resolved", "")
    assert desk.api.get(f"/api/calls/{sid}").get_json()["disposition"] is None
    assert desk.service.state("kim")["agent"]["status"] == "wrap_up"


def test_wrapping_up_without_ready_keeps_the_wrap_up_time_and_the_timer_ends_it(desk, clock):
    sid, entry = first_call(desk, clock)
    assert desk.service.wrap_up("kim", entry, "follow_up", "다시 전화 예정")["status"] == "wrap_up"
    clock.advance(31)
    desk.services.queues.tick()
    assert desk.service.state("kim")["agent"]["status"] == "available"


def test_ready_ends_wrap_up_after_the_wrap_up_was_stored_and_is_refused_when_not_in_wrap_up(desk, clock):
    sid, entry = first_call(desk, clock)
    desk.service.wrap_up("kim", entry, "resolved", "")
    assert desk.service.ready("kim")["status"] == "available"
    with pytest.raises(InvalidTransition):
        desk.service.ready("kim")

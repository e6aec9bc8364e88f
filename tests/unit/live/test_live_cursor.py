"""The hub's cursor: ids that commit out of order are still delivered once; a gap left by a rollback is given up."""
from __future__ import annotations

from ivr.live.feed import LiveEvent
from ivr.live.hub import GAP_WAIT_S, Cursor, Subscriber


def ev(i: int, audience: str = "board") -> LiveEvent:
    return LiveEvent(i, audience, "agent", "kim", "")


def test_a_lower_id_committed_later_is_still_delivered_once():
    cursor = Cursor(10)
    assert [e.id for e in cursor.fresh([ev(12)], now=0)] == [12]
    assert cursor.floor == 10  # 11 may still be in flight
    assert [e.id for e in cursor.fresh([ev(11), ev(12)], now=1)] == [11]
    assert cursor.floor == 12 and cursor.seen == set()


def test_a_gap_nobody_fills_is_given_up_after_a_while():
    cursor = Cursor(10)
    cursor.fresh([ev(12), ev(13)], now=0)
    cursor.fresh([ev(12), ev(13)], now=GAP_WAIT_S / 2)
    assert cursor.floor == 10
    assert cursor.fresh([ev(12), ev(13)], now=GAP_WAIT_S + 1) == []
    assert cursor.floor == 13 and cursor.seen == set()


def test_a_subscriber_gets_only_its_audiences():
    desk = Subscriber(frozenset({"agent:kim"}))
    desk.offer([ev(1, "board"), ev(2, "agent:kim"), ev(3, "agent:lee")])
    desk.offer([ev(4, "board")])
    assert [e.id for e in desk.inbox.get_nowait()] == [2]
    assert desk.inbox.empty()

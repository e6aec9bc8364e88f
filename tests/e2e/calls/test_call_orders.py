"""The order lookup: the http node asks the server's own demo order service and reads each status aloud."""
from __future__ import annotations

import pytest
from sample import (ANYTHING_ELSE_EN, DELIVERED, DELIVERED_EN, IN_TRANSIT, IN_TRANSIT_EN, ORDER_EN,
                    ORDER_INVALID_EN, PREPARING, PREPARING_EN, UNKNOWN, UNKNOWN_EN)

from ivr.sim import run_call


@pytest.mark.parametrize("order, said, status", [
    (DELIVERED, DELIVERED_EN, "delivered"),
    (IN_TRANSIT, IN_TRANSIT_EN, "in_transit"),
    (PREPARING, PREPARING_EN, "preparing"),
])
def test_each_order_status_is_read_with_its_date(transport, signed, call_record, order, said, status):
    result = run_call(transport, ["2", "1", f"{order}#"], options=signed)
    assert result.said_texts[-3:] == [ORDER_EN, said, ANYTHING_ELSE_EN]
    variables = call_record(result.call_sid)["variables"]
    assert (variables["order_number"], variables["order_status"]) == (order, status)


def test_unknown_order_is_said_not_found(transport, signed, call_record):
    result = run_call(transport, ["2", "1", f"{UNKNOWN}#"], options=signed)
    assert result.said_texts[-2:] == [UNKNOWN_EN, ANYTHING_ELSE_EN]
    fetched = [e["detail"] for e in call_record(result.call_sid)["events"] if e["kind"] == "http_fetched"]
    assert fetched == [{"ok": False, "status": 404, "reason": "HTTP 404"}]


def test_too_short_order_number_is_asked_again(transport, signed):
    result = run_call(transport, ["2", "1", "12#", f"{IN_TRANSIT}#"], options=signed)
    assert result.said_texts[-4:] == [ORDER_INVALID_EN, ORDER_EN, IN_TRANSIT_EN, ANYTHING_ELSE_EN]


def test_eta_follows_the_clock(transport, signed, clock):
    clock.advance(7 * 24 * 3600)  # the next Monday
    result = run_call(transport, ["2", "1", f"{IN_TRANSIT}#"], options=signed)
    assert "Order number 1 0 0 0 is on its way and should arrive on March 10, 2026." in result.said_texts

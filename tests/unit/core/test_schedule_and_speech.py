"""Business hours and the way values are read aloud, as tables of cases."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from zoneinfo import ZoneInfo

from ivr.flow.prompts import Speech, fill
from ivr.flow.schedule import Closure, Holiday, is_open, parse_days
from ivr.flow.spoken import amount, korean_number, number, spoken_date, spoken_time

WEEKLY = {"mon-fri": "09:00-12:00, 13:00-18:00", "fri": "09:00-15:00", "sat": "22:00-02:00"}
HOLIDAYS = [Holiday(date=date(2026, 3, 4))]
CLOSURES = [Closure(date=date(2026, 3, 5), hours="10:00-11:00"), Closure(date=date(2026, 3, 9))]


def seoul(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.mark.parametrize("when, expected", [
    (seoul(2, 8, 59), False),   # Monday before opening
    (seoul(2, 9, 0), True),     # opening minute
    (seoul(2, 12, 30), False),  # lunch break
    (seoul(2, 17, 59), True),
    (seoul(2, 18, 0), False),   # closing time is closed
    (seoul(6, 16, 0), False),   # Friday: the more specific 'fri' line wins
    (seoul(6, 14, 0), True),
    (seoul(4, 10, 0), False),   # a holiday
    (seoul(5, 10, 30), True),   # special hours that day
    (seoul(5, 14, 0), False),
    (seoul(9, 10, 0), False),   # a closure without hours: closed all day
    (seoul(7, 23, 0), True),    # Saturday night shift past midnight
    (seoul(8, 1, 0), False),    # Sunday 01:00 belongs to Sunday's (absent) hours
])
def test_opening_hours_in_seoul(when, expected):
    assert is_open(WEEKLY, HOLIDAYS, CLOSURES, "Asia/Seoul", when) is expected


def test_the_same_instant_is_open_in_one_zone_and_closed_in_another():
    instant = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)  # Mon 10:00 New York, Tue 00:00 Seoul
    assert is_open({"mon-fri": "09:00-18:00"}, [], [], "America/New_York", instant)
    assert not is_open({"mon-fri": "09:00-18:00"}, [], [], "Asia/Seoul", instant)


@pytest.mark.parametrize("key, days", [("mon", [0]), ("mon-wed", [0, 1, 2]), ("fri-mon", [4, 5, 6, 0]), ("sat,sun", [5, 6])])
def test_day_ranges(key, days):
    assert parse_days(key) == days


@pytest.mark.parametrize("n, spoken", [(0, "영"), (7, "칠"), (10, "십"), (15, "십오"), (100, "백"), (1000, "천"),
                                       (10000, "만"), (12345, "만 이천삼백사십오"), (20000, "이만"),
                                       (100000000, "일억"), (300000005, "삼억 오")])
def test_korean_numbers(n, spoken):
    assert korean_number(n) == spoken


@pytest.mark.parametrize("function, value, language, spoken", [
    (number, "12345", "en", "12,345"),
    (number, "12345", "ko", "만 이천삼백사십오"),
    (number, "abc", "ko", "abc"),
    (amount, "12000", "ko", "만 이천 원"),
    (amount, "12,000", "en", "12,000 won"),
    (spoken_date, "2026-01-05", "ko", "2026년 1월 5일"),
    (spoken_date, "2026-01-05", "en", "January 5, 2026"),
    (spoken_date, "soon", "en", "soon"),
    (spoken_time, "14:30", "ko", "오후 2시 30분"),
    (spoken_time, "09:00", "ko", "오전 9시"),
    (spoken_time, "00:05", "en", "12:05 AM"),
])
def test_values_read_aloud(function, value, language, spoken):
    assert function(value, language) == spoken


def test_usd_amounts_have_cents():
    assert amount("12.5", "en", "USD") == "12 dollars and 50 cents"


def test_fill_uses_filters_in_the_callers_language():
    variables = {"order": "1234", "total": "15000", "day": "2026-03-04"}
    text = "{order|digits} {total|amount} {day|date} {missing}!"
    assert fill(text, variables, Speech("ko")) == "1 2 3 4 만 오천 원 2026년 3월 4일 !"
    assert fill(text, variables, Speech("en")) == "1 2 3 4 15,000 won March 4, 2026 !"

"""The board's pure rules: the service-level colour with its amber band, periods in the center's zone, CSV cells,
and the call-back's audit hook (given as a callable, so a branch without an audit log still works)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from ivr.board.errors import BadRequest
from ivr.board.exports import safe
from ivr.board.figures import colour
from ivr.board.periods import parse, week_of


@pytest.mark.parametrize("level, target_pct, expected", [
    (0.80, 80, "green"), (0.95, 80, "green"), (0.7999, 80, "amber"), (0.70, 80, "amber"), (0.6999, 80, "red"),
    (0.0, 80, "red"), (None, 80, "none"), (0.90, 95, "amber"), (0.849, 95, "red"), (1.0, 100, "green"),
])
def test_service_level_colour_is_green_at_target_amber_within_ten_points_below_red_under(level, target_pct, expected):
    assert colour(level, target_pct) == expected


def test_a_day_in_seoul_is_midnight_to_midnight_in_utc_minus_nine_hours():
    span = parse("2026-03-02", None, "Asia/Seoul", date(2026, 3, 9))
    assert span.start == datetime(2026, 3, 1, 15, tzinfo=timezone.utc)
    assert span.end == datetime(2026, 3, 2, 15, tzinfo=timezone.utc)
    assert parse(None, None, "UTC", date(2026, 3, 9)).first == date(2026, 3, 9)


def test_a_week_runs_monday_to_sunday():
    week = week_of(date(2026, 3, 4), "UTC")
    assert (week.first, week.last) == (date(2026, 3, 2), date(2026, 3, 8))


@pytest.mark.parametrize("raw_from, raw_to, message", [
    ("2026-02-30", None, "not a calendar date"), ("2026-3-2", None, "must be a date"),
    ("2026-03-02", "2026-03-01", "before from"), ("٢٠٢٦-03-02", None, "must be a date"),
])
def test_bad_dates_are_refused_with_the_reason(raw_from, raw_to, message):
    with pytest.raises(BadRequest, match=message):
        parse(raw_from, raw_to, "UTC", date(2026, 3, 9))


@pytest.mark.parametrize("value, cell", [
    ("=1+2", "'=1+2"), ("+8210", "'+8210"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("김민지", "김민지"), (None, ""), (12.5, "12.5"), (datetime(2026, 3, 2, tzinfo=timezone.utc), "2026-03-02T00:00:00+00:00"),
])
def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_quote(value, cell):
    assert safe(value) == cell

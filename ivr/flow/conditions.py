"""Switch conditions: tests on variables, the caller's number, the language and the time (pure)."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from .schedule import DAYS, day_name, parse_days, parse_intervals, within


def holds(condition, state, flow, now: datetime) -> bool:
    """True when every test the condition names holds for this call at `now`."""
    tests = [
        _variable_tests(condition, state.variables),
        condition.caller_in is None or _caller_in(condition.caller_in, state.variables.get("caller", ""), flow),
        condition.language is None or condition.language == state.language,
        condition.between is None or within(parse_intervals(condition.between), now.astimezone(ZoneInfo(flow.timezone)).time()),
        condition.weekdays is None or day_name(now, flow.timezone) in _days(condition.weekdays),
    ]
    return all(tests)


def _variable_tests(condition, variables: dict) -> bool:
    if condition.variable is None:
        return True
    value = variables.get(condition.variable)
    text = "" if value is None else str(value)
    checks = [
        condition.present is None or condition.present == (text != ""),
        condition.equals is None or text == condition.equals,
        condition.not_equals is None or text != condition.not_equals,
        condition.one_of is None or text in condition.one_of,
        condition.matches is None or re.fullmatch(condition.matches, text) is not None,
    ]
    return all(checks)


def _caller_in(names, caller: str, flow) -> bool:
    numbers = flow.lists.get(names, []) if isinstance(names, str) else names
    return _digits(caller) in {_digits(n) for n in numbers}


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _days(names: list[str]) -> set[str]:
    return {DAYS[i] for name in names for i in parse_days(name)}

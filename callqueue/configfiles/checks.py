"""Checks config values share, written as pydantic validators (raise ValueError with a plain message)."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def check_timezone(name: str | None) -> str | None:
    """An IANA time zone name (or None), refused with a message when the system does not know it."""
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Seoul)") from None
    return name

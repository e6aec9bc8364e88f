"""Desk errors: small classes an HTTP layer maps once to answers (404, 403, 400)."""
from __future__ import annotations


class DeskError(Exception):
    """Base of every desk refusal."""


class UnknownCall(DeskError):
    """No call or queue entry has this id (HTTP: 404)."""


class NotYourCall(DeskError):
    """The call was never offered to this agent: its card and wrap-up are not theirs (HTTP: 403)."""


class BadWrapUp(DeskError):
    """A wrap-up that cannot be stored: a disposition the queue does not list, notes too long (HTTP: 400)."""

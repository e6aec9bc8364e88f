"""The board's faults, each mapped once to an HTTP answer by the API (ivr/web/api_board.py)."""
from __future__ import annotations


class BoardError(Exception):
    """Base of the board's errors; `status` is the HTTP answer."""

    status = 400


class BadRequest(BoardError):
    """A period, number or choice the board cannot use (400)."""


class NotFound(BoardError):
    """No such abandoned entry, queue or agent (404)."""

    status = 404


class CallbackInProgress(BoardError):
    """A call-back for this entry is already being placed or is on the line (409)."""

    status = 409


class AgentUnavailable(BoardError):
    """A call-back to an agent who is not available (on a call, in wrap-up, on a break or offline) (409)."""

    status = 409


class RestUnavailable(BoardError):
    """Twilio's REST API is not configured (no credentials or PUBLIC_BASE_URL), or Twilio refused the call (503)."""

    status = 503

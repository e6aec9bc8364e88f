"""Faults of recording access and the voicemail inbox, each with the HTTP status it is answered with."""
from __future__ import annotations


class RecordingError(Exception):
    status = 400


class BadRequest(RecordingError):
    """A search, page or choice that cannot be used (400)."""


class NotFound(RecordingError):
    """No such recording (or not one this person may see: the same answer, so ids cannot be probed) (404)."""

    status = 404


class NoAudio(RecordingError):
    """The recording has no local copy yet (404)."""

    status = 404


class CannotCallBack(RecordingError):
    """The board's call-back cannot reach this caller (409)."""

    status = 409

"""Twilio webhooks of the call queue: the wait URL, the Enqueue action, the agent's whisper and the agent Dial's end."""
from __future__ import annotations

import re

from flask import current_app, request

from .queue_twiml import wait_document, whisper_document
from .twilio_form import BadWebhook, call_info, dial_event
from .voice import METHODS, _reply, _xml, bp, media

ENTRY_ID = re.compile(r"[0-9]{1,10}")
MAX_ENTRY_ID = 2**31 - 1  # the queue entry's id column is a 32-bit integer on PostgreSQL


def _services():
    return current_app.extensions["ivr"]


def _entry() -> int:
    raw = request.args.get("entry", "")
    if not ENTRY_ID.fullmatch(raw) or int(raw) > MAX_ENTRY_ID:
        raise BadWebhook(f"entry {raw[:20]!r} is not a queue entry id")
    return int(raw)


@bp.route("/queue/wait", methods=METHODS)
def queue_wait():
    """Twilio asks what a waiting caller hears next (again each time the answer runs out)."""
    services = _services()
    wait = services.queues.on_wait(_entry(), call_info(request.values).call_sid)
    return _xml(wait_document(wait, services.queues.config, services.settings.say_languages, media()))


@bp.route("/queue/left", methods=METHODS)
def queue_left():
    """The caller left the queue (<Leave>, a REST redirect, or a hang-up): the flow goes on from the entry's fate."""
    return _reply(_services().calls.queue_left(call_info(request.values), request.args.get("node"),
                                               (request.values.get("QueueResult") or "")[:32]))


@bp.route("/queue/dialed", methods=METHODS)
def queue_dialed():
    """The Dial to the agent ended: answered calls are completed, missed ones go back to the head of the line."""
    return _reply(_services().calls.agent_dial_ended(call_info(request.values), request.args.get("node"),
                                                     dial_event(request.values)))


@bp.route("/whisper", methods=METHODS)
def whisper():
    """The agent picked up: say who is calling about what, then Twilio bridges the caller."""
    services = _services()
    answered = services.queues.agent_answered(_entry())
    text, language = answered if answered else (None, "")
    return _xml(whisper_document(text, language, services.settings.say_languages, media()))

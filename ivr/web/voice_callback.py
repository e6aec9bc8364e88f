"""Twilio webhooks of supervisor call-backs (signed like every /voice URL): the answered call-back, how it left the
queue, the Dial to the agent, and the placed call's status callback."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Response, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from .queue_twiml import WAIT_PATH, WHISPER_PATH
from .twilio_form import BadWebhook, call_info, dial_event
from .voice import METHODS, _xml, bp, media

CALLBACK_ID = re.compile(r"[0-9]{1,10}")
LEFT_PATH, DIALED_PATH = "/voice/callback/left", "/voice/callback/dialed"


def _services():
    return current_app.extensions["ivr"]


def _callback() -> int:
    raw = request.args.get("callback", "")
    if not CALLBACK_ID.fullmatch(raw) or int(raw) > 2**31 - 1:
        raise BadWebhook(f"callback {raw[:20]!r} is not a call-back id")
    return int(raw)


def _url(path: str, **query) -> str:
    return media().absolute(f"{path}?{urlencode(query)}")


@bp.route("/callback", methods=METHODS)
def callback_answered():
    """The called-back person answered: wait in the queue first in line, or ring the chosen agent."""
    callback = _callback()
    answered = _services().reports.callback_answered(callback, call_info(request.values).call_sid)
    response = VoiceResponse()
    if answered.action == "queue":
        response.enqueue(answered.queue, action=_url(LEFT_PATH, callback=callback), method="POST",
                         wait_url=_url(WAIT_PATH, entry=answered.entry), wait_url_method="POST")
    elif answered.action == "agent" and answered.contact:
        _dial(response, answered.contact, answered.ring_timeout_s, answered.entry or None, callback)
    else:
        response.hangup()
    return _xml(str(response))


@bp.route("/callback/left", methods=METHODS)
def callback_left():
    """The call-back left the queue: ring the agent it was given to, or hang up (abandoned or overflowed)."""
    left = _services().reports.callback_left(call_info(request.values).call_sid,
                                             (request.values.get("QueueResult") or "")[:32])
    response = VoiceResponse()
    if left.outcome == "assigned":
        _dial(response, left.contact, left.ring_timeout_s, left.entry, _callback())
    else:
        response.hangup()
    return _xml(str(response))


@bp.route("/callback/dialed", methods=METHODS)
def callback_dialed():
    """The Dial to the agent ended: the queue completes the call or puts the caller back first in line."""
    dial = dial_event(request.values)
    _services().reports.callback_dialed(call_info(request.values).call_sid, dial.status, dial.duration_s)
    response = VoiceResponse()
    response.hangup()
    return _xml(str(response))


@bp.route("/callback/status", methods=METHODS)
def callback_status():
    info = call_info(request.values)
    if not info.status:
        raise BadWebhook(f"unknown CallStatus {request.values.get('CallStatus', '')[:32]!r}")
    _services().reports.callback_status(_callback(), info.call_sid, info.status)
    return Response(status=204)


def _dial(response: VoiceResponse, contact: str, timeout_s: int, entry: int | None, callback: int | None = None) -> None:
    dial = response.dial(action=_url(DIALED_PATH, callback=callback) if callback else None, method="POST",
                         timeout=int(timeout_s))
    whisper = {"url": _url(WHISPER_PATH, entry=entry), "method": "POST"} if entry else {}
    if contact.startswith("client:"):
        dial.client(contact.removeprefix("client:"), **whisper)
    else:
        dial.number(contact, **whisper)


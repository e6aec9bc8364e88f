"""Twilio webhooks of callbacks keeping the caller's place (signed like every /voice URL): the caller's menu (Gather
actions inside the wait URL), the placed call's answered leg, the second leg joining, the Dial's end and the placed
call's status callback."""
from __future__ import annotations

import re

from flask import Response, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from .media import absolute, speak
from .queue_twiml import WAIT_PATH, WHISPER_PATH, callback_menu_url
from .twilio_form import BadWebhook, call_info, dial_event
from .voice import METHODS, _xml, bp, media
from .voice_queue import _entry

CALLBACK_PATH = "/voice/queue/callback"
STEPS = ("offer", "opening", "number", "entered", "when", "slot")
DIGITS = re.compile(r"[0-9*#]{0,20}")
NUMBER = re.compile(r"\+[1-9][0-9]{7,14}")


def _services():
    return current_app.extensions["ivr"]


def _say(response, texts, language: str) -> None:
    for text in texts:
        speak(response, text, language, _services().settings.say_languages, media())


@bp.route("/queue/callback", methods=METHODS)
def callback_menu():
    """The waiting caller pressed a key in the callback menu: the next question, or the callback filed and goodbye."""
    step, digits, number = request.args.get("step", ""), request.values.get("Digits", ""), request.args.get("number", "")
    if step not in STEPS or not DIGITS.fullmatch(digits) or (number and not NUMBER.fullmatch(number)):
        raise BadWebhook(f"callback menu step {step[:16]!r} with digits {digits[:24]!r} is not one we asked")
    info, entry = call_info(request.values), _entry()
    answer = _services().queues.callbacks.menu(entry, info.call_sid, step, digits, number, info.to_number)
    response, base = VoiceResponse(), media().base_url
    if answer.end == "gone":
        response.hangup()
    elif answer.end == "wait":
        response.redirect(absolute(base, f"{WAIT_PATH}?entry={entry}"), method="POST")
    elif answer.end == "hangup":
        _say(response, answer.texts, answer.language)
        response.hangup()
    else:
        gather = response.gather(action=callback_menu_url(base, entry, answer.step, answer.number), method="POST",
                                 timeout=8, **({"finish_on_key": "#", "num_digits": 15} if answer.finish_on_key else {"num_digits": 1}))
        _say(gather, answer.texts, answer.language)
        response.redirect(absolute(base, f"{WAIT_PATH}?entry={entry}"), method="POST")  # no key: back to holding
    return _xml(str(response))


@bp.route("/queue/callback/<leg>", methods=METHODS)
def callback_leg(leg: str):
    """The callback's placed call was answered (the agent, or the caller): the context or "connecting you", then
    dial the other side."""
    if leg == "status":
        return callback_status()
    if leg not in ("agent", "caller", "joined", "dialed"):
        raise BadWebhook(f"unknown callback leg {leg[:16]!r}")
    entry, info, callbacks = _entry(), call_info(request.values), _services().queues.callbacks
    response = VoiceResponse()
    if leg == "joined":  # agent_first: the caller picked up; Twilio bridges once this answer is played
        if not callbacks.joined(entry):
            response.hangup()
        return _xml(str(response))
    if leg == "dialed":
        dial = dial_event(request.values)
        callbacks.dialed(entry, info.call_sid, dial.status, dial.duration_s)
        response.hangup()
        return _xml(str(response))
    picked = callbacks.picked(entry, info.call_sid)
    if picked is None or not picked.dial_to:
        response.hangup()
        return _xml(str(response))
    _say(response, [picked.text], picked.language)
    _dial(response, picked, entry)
    return _xml(str(response))


def _dial(response: VoiceResponse, picked, entry: int) -> None:
    base = media().base_url
    dial = response.dial(action=absolute(base, f"{CALLBACK_PATH}/dialed?entry={entry}"), method="POST",
                         timeout=picked.timeout_s, **({"caller_id": picked.caller_id} if picked.caller_id else {}))
    second = f"{CALLBACK_PATH}/joined" if picked.mode == "agent_first" else WHISPER_PATH
    url = {"url": absolute(base, f"{second}?entry={entry}"), "method": "POST"}
    if picked.dial_to.startswith("client:"):
        dial.client(picked.dial_to.removeprefix("client:"), **url)
    else:
        dial.number(picked.dial_to, **url)


def callback_status():
    """The placed call's status callback: an offer its Dial did not settle is settled once the call is over."""
    info = call_info(request.values)
    if not info.status:
        raise BadWebhook(f"unknown CallStatus {request.values.get('CallStatus', '')[:32]!r}")
    _services().queues.callbacks.status(_entry(), info.call_sid, info.status)
    return Response(status=204)

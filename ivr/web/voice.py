"""Twilio webhooks: the incoming call, each answer to a Gather or Dial, and status callbacks."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import DataError

from ..observability.web import fallback_answered
from ..service import CallInfo, Reply
from .twilio_form import BadWebhook, call_info, check_text, dial_event, gather_event, recording_event, seconds
from .media import Media, public_base, shows_text, stream_url
from .twiml import fallback, render

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")
METHODS = ["GET", "POST"]  # a number may be set to call us with either


def _services():
    return current_app.extensions["ivr"]


def _xml(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/xml")


def media(node: str | None = None) -> Media:
    """What this request's TwiML may use: cached prompt audio, the base of its URLs, and how menus listen (a
    listening menu at `node` streams to a URL whose token only this call, at this node, can use once)."""
    services = _services()
    stream = stream_url(services.settings, request) if node is not None else None
    if stream:
        stream += "/" + current_app.extensions["ivr.stream_tokens"].issue(call_info(request.values).call_sid, node)
    return Media(services.speech, stream, public_base(services.settings, request), shows_text(request),
                 services.settings.barge_in == "on")


def _reply(reply: Reply) -> Response:
    return _xml(render(reply.instructions, reply.node, _services().settings.say_languages, media(reply.node)))


@bp.before_request
def check_signature():
    checker = current_app.extensions["ivr.signatures"]
    if not checker.verify(request):
        log.warning("forged or unsigned webhook refused: %s %s CallSid=%s from %s", request.method,
                    checker.public_url(request), request.values.get("CallSid", "-"), request.remote_addr)
        return Response("invalid signature\n", status=403, mimetype="text/plain")
    check_text(request.path, request.values)
    _services().refresh_flows()
    return None


@bp.route("", methods=METHODS)
def incoming():
    return _reply(_services().calls.answer(call_info(request.values)))


def _proceed(event) -> Response:
    """Step the call with `event` (built from Twilio's form) at the node the action URL names."""
    return _reply(_services().calls.proceed(call_info(request.values), event, request.args.get("node")))


@bp.route("/step", methods=METHODS)
def gathered():
    return _proceed(gather_event(request.values))


@bp.route("/dial", methods=METHODS)
def dialed():
    return _proceed(dial_event(request.values))


@bp.route("/speech", methods=METHODS)
def spoken():
    """A listening menu's answer: a key that ended the recording, the words recorded or streamed, or nothing."""
    via_stream = request.args.get("via") == "stream"
    digits = (request.values.get("Digits") or "").strip()
    if not via_stream and digits and digits != "hangup":
        return _proceed(gather_event(request.values))
    return _reply(_services().calls.heard_speech(call_info(request.values), request.args.get("node"),
                                                  (request.values.get("RecordingUrl") or "").strip(), via_stream))


@bp.route("/record", methods=METHODS)
def recorded():
    return _proceed(recording_event(request.values))


@bp.route("/recording-status", methods=METHODS)
def recording_status():
    info = call_info(request.values)
    status = (request.values.get("RecordingStatus") or "")[:16]
    sid = (request.values.get("RecordingSid") or "")[:64]
    source = (request.values.get("RecordingSource") or "")[:32]
    channels = 2 if request.values.get("RecordingChannels") == "2" else 1
    url = (request.values.get("RecordingUrl") or "").strip()[:1024]
    if not _services().recordings.status_reported(info.call_sid, sid, status, url, source, channels):
        log.warning("recording status %s for unknown recording %s of call %s", status, sid, info.call_sid)
    return Response(status=204)


@bp.route("/status", methods=METHODS)
def status():
    info: CallInfo = call_info(request.values)
    if not info.status:
        raise BadWebhook(f"unknown CallStatus {request.values.get('CallStatus', '')[:32]!r}")
    detail = {k: request.values[k] for k in ("CallDuration", "SipResponseCode", "SequenceNumber") if k in request.values}
    duration = seconds(detail.get("CallDuration"))
    if not _services().calls.record_status(info, duration, detail):
        log.warning("status %s for unknown call %s ignored", info.status, info.call_sid)
    return Response(status=204)


@bp.errorhandler(BadWebhook)
def bad_webhook(exc: BadWebhook):
    log.warning("bad webhook %s %s: %s", request.method, request.path, exc)
    return fallback_answer(400)


@bp.errorhandler(DataError)
def unstorable(exc: DataError):
    """A value the database cannot hold (a number past its column, say): the input was bad, not the server."""
    log.warning("webhook %s: a value the database refused: %s", request.path, str(exc.orig).splitlines()[0][:200])
    return fallback_answer(400)


@bp.errorhandler(Exception)
def any_fault(exc: Exception):
    log.exception("webhook %s failed for CallSid=%s; answering the fallback", request.path, request.values.get("CallSid", "-"))
    return fallback_answer(200)


def fallback_answer(status: int) -> Response:
    """The apology (and the fallback number) as TwiML: the answer to anything that went wrong."""
    settings = _services().settings
    fallback_answered()
    return _xml(fallback(settings.apology, settings.fallback_number, settings.say_languages), status)

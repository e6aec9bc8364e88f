"""Twilio Media Streams at /voice/stream: hear a listening menu's answer live, keep it for the webhook after it.

Twilio opens one WebSocket per <Connect><Stream> (each served on its own thread; the model is shared). The
first final transcript or key ends the stream: the result is stored on the call, the socket closed, and Twilio
carries on with the <Redirect> after <Connect>, whose webhook takes the result. Frames we cannot read are
logged and skipped: a bad frame never ends a call.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import re

from flask import Blueprint, Response, current_app, request
from flask_sock import Sock

from speech import SpeechError, Transcript

from ..flow.events import DigitsEntered
from ..speech_service import heard
from .signature import SignatureChecker
from .twiml import SPEECH_PATH, action_url

log = logging.getLogger(__name__)
bp = Blueprint("media_stream", __name__)
sock = Sock()
STREAM_PATH = "/voice/stream"
RECEIVE_TIMEOUT_S = 10.0   # Twilio sends a frame every 20 ms: this long without one, the stream is dead
MAX_PAYLOAD_CHARS = 16_000  # base64 of far more than one 20 ms frame; anything bigger is not Twilio's
LOGGED_BAD_FRAMES = 5       # per stream, so a broken sender cannot flood the log
KEYS = re.compile(r"^[0-9*#]$")


def init_app(app, redirector=None) -> None:
    """Serve /voice/stream; `redirector` (default: the outbound Twilio adapter when REST is set up) moves the live
    call on as soon as an answer is stored, instead of waiting for Twilio to notice the closed socket."""
    app.extensions["media_stream"] = redirector if redirector is not None else app.extensions["ivr"].rest
    app.register_blueprint(bp)


def handshake_url(checker: SignatureChecker, req) -> str:
    """The ws:// or wss:// URL as Twilio requested it (what it signed)."""
    return re.sub(r"^http", "ws", checker.public_url(req))


@bp.before_request
def check_handshake():
    settings = current_app.extensions["ivr"].settings
    checker = SignatureChecker(settings.twilio_auth_token, settings.public_base_url)
    if checker.validator is None:
        return None
    url = handshake_url(checker, request)
    signature = request.headers.get("X-Twilio-Signature", "")
    if signature and checker.validator.validate(url, {}, signature):
        return None
    log.warning("forged or unsigned media stream refused: %s from %s", url, request.remote_addr)
    return Response("invalid signature\n", status=403, mimetype="text/plain")


@sock.route(STREAM_PATH, bp=bp)
def media_stream(ws):
    services = current_app.extensions["ivr"]
    listener = StreamListener(services.calls, services.speech, current_app.extensions.get("media_stream"))
    try:
        while not listener.over:
            message = ws.receive(timeout=RECEIVE_TIMEOUT_S)
            if message is None:
                log.warning("media stream of call %s: nothing for %.0f s, closing", listener.call_sid, RECEIVE_TIMEOUT_S)
                break
            listener.take(message)
    finally:
        listener.closed()


class StreamListener:
    """One media stream: Twilio's messages in, at most one answer stored on the call."""

    def __init__(self, calls, speech, redirector=None):
        self.calls, self.speech, self.redirector = calls, speech, redirector
        self.call_sid: str | None = None
        self.node: str | None = None
        self.options: dict[str, list[str]] = {}
        self.stream = None
        self.over = False
        self.bad_frames = 0

    def take(self, text) -> None:
        """One WebSocket message; anything unreadable or out of order is logged and skipped."""
        message = _json(text)
        handler = _HANDLERS.get(message.get("event")) if message is not None else None
        if handler is None:
            return self._bad("not a Media Streams message", text)
        handler(self, message)

    def closed(self) -> None:
        """The socket closed (or Twilio said stop): an utterance under way is heard now, else nothing is stored."""
        if not self.over and self.stream is not None and getattr(self.stream, "final", None) is None:
            self._heard(self._safely(self.stream.finish))
        self.over = True

    # -- Twilio's events ------------------------------------------------------------------
    def _connected(self, _message: dict) -> None:
        pass

    def _start(self, message: dict) -> None:
        start = message.get("start")
        if self.call_sid is not None or not isinstance(start, dict):
            return self._bad("a second or malformed start", message)
        params = start.get("customParameters") if isinstance(start.get("customParameters"), dict) else {}
        self.call_sid, self.node = str(start.get("callSid") or ""), params.get("node")
        listen = self.calls.listening(self.call_sid, self.node) if self.call_sid else None
        recognizer = self.speech.recognizers.get(listen.language) if listen is not None else None
        if recognizer is None:
            log.info("media stream of call %s at node %s: nothing to listen for, closing", self.call_sid, self.node)
            self.over = True
            return
        self.options = listen.as_dict()
        self.stream = recognizer.open_stream(sorted({p for phrases in self.options.values() for p in phrases}))

    def _media(self, message: dict) -> None:
        media = message.get("media")
        if self.stream is None or not isinstance(media, dict):
            return self._bad("media before start, or malformed", message)
        if media.get("track", "inbound") not in ("inbound", "inbound_track"):
            return None
        frame = _payload(media.get("payload"))
        if frame is None:
            return self._bad("a payload that is not base64 μ-law", message)
        update = self._safely(lambda: self.stream.feed_ulaw(frame))
        final = update.final if update is not None else None
        if final is not None:
            self._heard(final)

    def _dtmf(self, message: dict) -> None:
        digit = (message.get("dtmf") or {}).get("digit") if isinstance(message.get("dtmf"), dict) else None
        if self.call_sid is None or not isinstance(digit, str) or not KEYS.match(digit):
            return self._bad("dtmf before start, or not a key", message)
        self._store(DigitsEntered(digit))

    def _stop(self, _message: dict) -> None:
        self.closed()

    # -- results --------------------------------------------------------------------------
    def _heard(self, transcript: Transcript | None) -> None:
        self.over = True
        if transcript is None or transcript.empty:
            return  # silence: the webhook after the stream finds nothing and the menu hears NoInput
        self._store(heard(transcript, self.options, cut_off=bool(getattr(self.stream, "cut_off", False))))

    def _store(self, event) -> None:
        self.over = True
        if not self.calls.store_stream_result(self.call_sid, self.node, event):
            log.warning("media stream: call %s is unknown; its answer is dropped", self.call_sid)
            return
        log.info("media stream of call %s at node %s heard %s", self.call_sid, self.node, event)
        if self.redirector is not None:
            self.redirector.redirect(self.call_sid, f"{action_url(SPEECH_PATH, self.node or '')}&via=stream")

    def _safely(self, work):
        try:
            return work()
        except (SpeechError, ValueError) as exc:
            log.warning("media stream of call %s: recognition failed: %s", self.call_sid, exc)
            return None

    def _bad(self, what: str, message) -> None:
        self.bad_frames += 1
        if self.bad_frames <= LOGGED_BAD_FRAMES:
            log.warning("media stream of call %s: skipped %s: %.120r", self.call_sid, what, message)


_HANDLERS = {
    "connected": StreamListener._connected, "start": StreamListener._start, "media": StreamListener._media,
    "dtmf": StreamListener._dtmf, "mark": StreamListener._connected, "stop": StreamListener._stop,
}


def _json(text) -> dict | None:
    try:
        message = json.loads(text)
    except (TypeError, ValueError):
        return None
    return message if isinstance(message, dict) else None


def _payload(value) -> bytes | None:
    if not isinstance(value, str) or len(value) > MAX_PAYLOAD_CHARS:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None

"""Twilio Media Streams at /voice/stream: hear a listening menu's answer live, keep it for the webhook after it.

Twilio opens one WebSocket per <Connect><Stream> (each served on its own thread or greenlet; the model is shared;
under gevent the recogniser's calls go to a real thread through the stream's StreamDecoder). The first final transcript or key ends the stream: the result is stored on the call, the socket closed, and Twilio
carries on with the <Redirect> after <Connect>, whose webhook takes the result. Frames we cannot read are
logged and skipped: a bad frame never ends a call. When the <Stream> names a `prompt`, the stream plays the menu's
prompt itself and the caller may interrupt it by voice or key (barge_in.py); listening starts then, or when the
prompt has played.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import socket
import time

from flask import Blueprint, Response, current_app, g, request
from flask_sock import Sock
from simple_websocket import ConnectionClosed

from speech import SpeechError, Transcript

from ..flow.events import DigitsEntered
from ..speech_service import heard
from ..event_loop import StreamDecoder
from .signature import SignatureChecker
from ..secret_key import derived, server_secret
from .barge_in import PromptPlayback, PromptUnavailable, prompt_audio
from .stream_token import BadStreamToken, StreamTokens
from .twiml import SPEECH_PATH, action_url

log = logging.getLogger(__name__)
bp = Blueprint("media_stream", __name__)
sock = Sock()
STREAM_PATH = "/voice/stream"  # + "/<token>": each stream's URL names its call, node and expiry (stream_token.py)
RECEIVE_SLICE_S = 0.2      # how often a waiting receive looks whether the socket was closed meanwhile
RECEIVE_TIMEOUT_S = 10.0   # Twilio sends a frame every 20 ms: this long without one, the stream is dead
MAX_PAYLOAD_CHARS = 16_000  # base64 of far more than one 20 ms frame; anything bigger is not Twilio's
LOGGED_BAD_FRAMES = 5       # per stream, so a broken sender cannot flood the log
KEYS = re.compile(r"^[0-9*#]$")
MAX_MESSAGE_BYTES = 64 * 1024  # one Twilio message is under 1 KB; a bigger one is refused with close code 1009
CLOSE_HANDSHAKE_S = 0.5        # how long the client gets to answer our Close before the TCP connection goes
POLICY_VIOLATION = 1008


def init_app(app, redirector=None) -> None:
    """Serve /voice/stream; `redirector` (default: the outbound Twilio adapter when REST is set up) moves the live
    call on as soon as an answer is stored, instead of waiting for Twilio to notice the closed socket."""
    services = app.extensions["ivr"]
    app.extensions["media_stream"] = redirector if redirector is not None else services.rest
    app.extensions["ivr.stream_tokens"] = StreamTokens(derived(server_secret(services.settings), "stream-tokens"),
                                                       services.clock)
    app.config.setdefault("SOCK_SERVER_OPTIONS", {"max_message_size": MAX_MESSAGE_BYTES})
    app.register_blueprint(bp)


def handshake_url(checker: SignatureChecker, req) -> str:
    """The ws:// or wss:// URL as Twilio requested it (what it signed)."""
    return re.sub(r"^http", "ws", checker.public_url(req))


@bp.before_request
def check_handshake():
    """Twilio's signature over this stream's own URL, then its token: issued by us, unexpired, unused, and for a
    call that is live and still at the token's node."""
    services = current_app.extensions["ivr"]
    checker = SignatureChecker(services.settings.twilio_auth_token, services.settings.public_base_url)
    url = handshake_url(checker, request)
    signature = request.headers.get("X-Twilio-Signature", "")
    if checker.validator is not None and not (signature and checker.validator.validate(url, {}, signature)):
        log.warning("forged or unsigned media stream refused: %s from %s", _shown(url), request.remote_addr)
        return Response("invalid signature\n", status=403, mimetype="text/plain")
    try:
        g.stream_grant = current_app.extensions["ivr.stream_tokens"].admit((request.view_args or {}).get("token", ""), services.uow)
    except BadStreamToken as exc:
        log.warning("media stream refused (%s): %s from %s", exc, _shown(url), request.remote_addr)
        return Response("invalid stream token\n", status=403, mimetype="text/plain")
    return None


def _shown(url: str) -> str:
    """The URL for the log, without the token (a used token is worthless, but it is no one's business)."""
    return url.split(STREAM_PATH, 1)[0] + STREAM_PATH if STREAM_PATH in url else url


@sock.route(STREAM_PATH + "/<token>", bp=bp)
def media_stream(ws, token):
    services = current_app.extensions["ivr"]
    listener = StreamListener(services.calls, services.speech, current_app.extensions.get("media_stream"), g.stream_grant,
                              send=ws.send, decoder=StreamDecoder.for_this_server())
    try:
        while not listener.over:
            message = _next_message(ws)
            if message is None:
                log.warning("media stream of call %s: nothing for %.0f s, closing", listener.call_sid, RECEIVE_TIMEOUT_S)
                break
            listener.take(message)
    except ConnectionClosed:
        log.info("media stream of call %s: the socket closed (%s)", listener.call_sid, ws.close_reason)
    finally:
        listener.closed()
        close_at_once(ws, POLICY_VIOLATION if listener.refused else None)


def _next_message(ws):
    """The next message; None after RECEIVE_TIMEOUT_S without one; ConnectionClosed once the socket is closed.

    Waits in short slices: simple-websocket wakes a waiting receive() when it refuses an oversized message
    but marks the socket closed a moment later, so one long wait could miss the close and sit out the whole
    timeout (the caller in silence for 10 s)."""
    deadline = time.monotonic() + RECEIVE_TIMEOUT_S
    while time.monotonic() < deadline:
        message = ws.receive(timeout=RECEIVE_SLICE_S)
        if message is not None:
            return message
        if not ws.connected:
            raise ConnectionClosed(ws.close_reason, ws.close_message)
    return None


def close_at_once(ws, reason: int | None = None) -> None:
    """Send Close, give the client a moment to answer, then end the TCP connection ourselves.

    werkzeug's server, after the handler returns, drains the socket with a blocking read until the client goes;
    a client that waits for the server to close first (as RFC 6455 asks) then sat in silence for seconds.
    """
    try:
        ws.close(reason=reason)
    except ConnectionClosed:
        pass  # the client closed first; simple-websocket already answered its Close
    ws.thread.join(CLOSE_HANDSHAKE_S)
    try:
        ws.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already gone


class StreamListener:
    """One media stream: Twilio's messages in, at most one answer stored on the call."""

    def __init__(self, calls, speech, redirector=None, grant=None, send=None, decoder: StreamDecoder | None = None):
        self.calls, self.speech, self.redirector, self.grant, self.send = calls, speech, redirector, grant, send
        self.decoder = decoder or StreamDecoder()
        self.refused = False
        self.call_sid: str | None = None
        self.node: str | None = None
        self.options: dict[str, list[str]] = {}
        self.stream = None
        self.over = False
        self.bad_frames = 0
        self.prompt: PromptPlayback | None = None  # barge-in: the menu's prompt, played by us into the stream
        self.frames_in = 0
        self._open = None

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
        if not self._granted():
            return None
        listen = self.calls.listening(self.call_sid, self.node) if self.call_sid else None
        recognizer = self.speech.recognizers.get(listen.language) if listen is not None else None
        if recognizer is None:
            log.info("media stream of call %s at node %s: nothing to listen for, closing", self.call_sid, self.node)
            self.over = True
            return
        self.options = listen.as_dict()
        grammar = sorted({p for phrases in self.options.values() for p in phrases})
        self._open = lambda: recognizer.open_stream(grammar)
        self.prompt = self._playback(params.get("prompt"), str(message.get("streamSid") or start.get("streamSid") or ""))
        if self.prompt is None:
            self._listen()  # listening starts now: no prompt of ours, or it cannot be played

    def _playback(self, names, stream_sid: str) -> PromptPlayback | None:
        if not names or self.send is None or self.speech.cache is None:
            return None
        try:
            return PromptPlayback(self.send, stream_sid, prompt_audio(self.speech.cache.directory, str(names)))
        except PromptUnavailable as exc:
            log.warning("media stream of call %s: its prompt cannot be played, listening at once: %s", self.call_sid, exc)
            return None

    def _granted(self) -> bool:
        """The `start` must name the call and node the handshake's token was issued for."""
        grant = self.grant
        if grant is None or (self.call_sid == grant.call_sid and self.node in (None, grant.node)):
            self.node = grant.node if grant is not None else self.node
            return True
        log.warning("media stream refused: its token is for call %s at %s, its start names call %s at %s",
                    grant.call_sid, grant.node, self.call_sid, self.node)
        self.call_sid, self.over, self.refused = None, True, True
        return False

    def _media(self, message: dict) -> None:
        media = message.get("media")
        if (self.stream is None and self.prompt is None) or not isinstance(media, dict):
            return self._bad("media before start, or malformed", message)
        if media.get("track", "inbound") not in ("inbound", "inbound_track"):
            return None
        frame = _payload(media.get("payload"))
        if frame is None:
            return self._bad("a payload that is not base64 μ-law", message)
        self.frames_in += 1
        if self.stream is not None:
            return self._feed(frame)
        if self.prompt.caller_audio(frame, self.frames_in):  # the caller speaks over the prompt: clear was sent
            self._listen()
            for heard_frame in list(self.prompt.preroll):  # their words from the start, this frame included
                if not self.over:
                    self._feed(heard_frame)
        return None

    def _mark(self, message: dict) -> None:
        name = (message.get("mark") or {}).get("name") if isinstance(message.get("mark"), dict) else None
        if self.prompt is not None and self.stream is None and self.prompt.marked(str(name)):
            self._listen()  # the prompt has played to its end: the menu listens as it always did

    def _listen(self) -> None:
        """Make the stream's recogniser (its grammar is compiled then); one that cannot be made ends the stream."""
        self.stream = self._safely(self._open)
        if self.stream is None:
            self.over = True

    def _feed(self, frame: bytes) -> None:
        update = self._safely(lambda: self.stream.feed_ulaw(frame))
        final = update.final if update is not None else None
        if final is not None:
            self._heard(final)

    def _dtmf(self, message: dict) -> None:
        digit = (message.get("dtmf") or {}).get("digit") if isinstance(message.get("dtmf"), dict) else None
        if self.call_sid is None or not isinstance(digit, str) or not KEYS.match(digit):
            return self._bad("dtmf before start, or not a key", message)
        if self.prompt is not None:
            self.prompt.interrupt("key")
        self._store(DigitsEntered(digit))

    def _stop(self, _message: dict) -> None:
        self.closed()

    # -- results --------------------------------------------------------------------------
    def _heard(self, transcript: Transcript | None) -> None:
        self.over = True
        if transcript is None or transcript.empty:
            return  # silence: the webhook after the stream finds nothing and the menu hears NoInput
        cut_off, speech_s = bool(getattr(self.stream, "cut_off", False)), getattr(self.stream, "speech_s", None)
        self._store(heard(transcript, self.options, cut_off=cut_off, speech_s=speech_s))

    def _store(self, event) -> None:
        self.over = True
        if not self.calls.store_stream_result(self.call_sid, self.node, event):
            log.warning("media stream: call %s is unknown; its answer is dropped", self.call_sid)
            return
        log.info("media stream of call %s at node %s heard %s", self.call_sid, self.node, event)
        if self.redirector is not None:
            self.redirector.redirect(self.call_sid, f"{action_url(SPEECH_PATH, self.node or '')}&via=stream")

    def _safely(self, work):
        """The recogniser's answer, through the stream's decoder; None when it fails. Audio it cannot take is
        skipped as a bad frame is; any other fault (vosk raises a bare Exception) ends the stream with no answer:
        the menu hears NoInput (its retry), as for silence."""
        try:
            return self.decoder.run(work)
        except (SpeechError, ValueError) as exc:
            log.warning("media stream of call %s: recognition failed: %s", self.call_sid, exc)
            return None
        except Exception:  # noqa: BLE001 - logged with its traceback; the call goes on to the menu's retry
            log.exception("media stream of call %s: the recogniser failed; the stream ends with no answer", self.call_sid)
            self.over = True
            return None

    def _bad(self, what: str, message) -> None:
        self.bad_frames += 1
        if self.bad_frames <= LOGGED_BAD_FRAMES:
            log.warning("media stream of call %s: skipped %s: %.120r", self.call_sid, what, message)


_HANDLERS = {
    "connected": StreamListener._connected, "start": StreamListener._start, "media": StreamListener._media,
    "dtmf": StreamListener._dtmf, "mark": StreamListener._mark, "stop": StreamListener._stop,
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

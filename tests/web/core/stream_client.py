"""Media-stream test kit: an app whose menu listens by streaming (a fake recogniser), a call standing at that menu,
and a raw WebSocket client (wsproto) that sees exactly when the server sends Close and when it ends the TCP connection."""
from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, replace

import pytest
from helpers import TOKEN, TwilioClient, new_call_sid, twiml
from twilio.request_validator import RequestValidator
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Message, RejectConnection, RejectData, Request

from ivr.web import create_app

FLOW = """\
name: s
languages: [ko]
start: menu
nodes:
  menu:
    kind: menu
    prompt: {ko: 요금은 1번}
    options:
      1: {to: billing, phrases: {ko: [요금]}}
      0: {to: bye, phrases: {ko: [끝]}}
  billing: {kind: hangup, prompt: {ko: 요금 담당입니다}}
  bye: {kind: hangup, prompt: {ko: 안녕히 가세요}}
"""
BILLING, BYE = "요금 담당입니다", "안녕히 가세요"


class FakeStream:
    """Hears nothing in any frame: only keys (dtmf messages) give answers."""

    def feed_ulaw(self, _frame):
        return type("Update", (), {"final": None})()

    def finish(self):
        return None


class FakeStreamingRecognizer:
    def open_stream(self, _phrases):
        return FakeStream()


@pytest.fixture
def streaming(settings, clock, tmp_path):
    """The app with a listening menu that streams, served on a loopback port (werkzeug, like `python app.py`)."""
    from ivr.sim.loopback import AppServer

    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "s.yaml").write_text(FLOW)
    app = create_app(replace(settings, flows_dir=flows, speech_mode="stream"), clock)
    app.extensions["ivr"].speech.recognizers["ko"] = FakeStreamingRecognizer()
    server = AppServer(app, "localhost")
    yield app, TwilioClient(app.test_client()), server
    server.close()
    app.extensions["ivr"].engine.dispose()


@dataclass
class CallAtMenu:
    sid: str
    url: str  # the <Stream> URL the TwiML named, as Twilio reaches (and signs) it


def call_at_menu(twilio) -> CallAtMenu:
    sid = new_call_sid()
    root = twiml(twilio.start(sid))
    return CallAtMenu(sid, root.find("Connect/Stream").get("url"))


def start_message(call_sid: str, node: str = "menu") -> str:
    return json.dumps({"event": "start", "sequenceNumber": "1", "streamSid": "MZ" + "0" * 32, "start": {
        "accountSid": "AC" + "0" * 32, "streamSid": "MZ" + "0" * 32, "callSid": call_sid, "tracks": ["inbound"],
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        "customParameters": {"node": node}}})


def dtmf_message(digit: str) -> str:
    return json.dumps({"event": "dtmf", "streamSid": "MZ" + "0" * 32, "sequenceNumber": "2",
                       "dtmf": {"track": "inbound_track", "digit": digit}})


class RawStream:
    """One WebSocket to the loopback server, signed like Twilio's handshake; `status` is 101 or the refusal's."""

    opened: list["RawStream"] = []  # closed after each test by tests/web/conftest.py

    def __init__(self, server, public_url: str, signature: str | None = None):
        RawStream.opened.append(self)
        path = public_url.removeprefix("ws://localhost")
        signed = signature if signature is not None else RequestValidator(TOKEN).compute_signature(public_url, {})
        self.sock = socket.create_connection(("127.0.0.1", server.httpd.server_port), timeout=15)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sock.sendall(self.ws.send(Request(host="localhost", target=path,
                                               extra_headers=[(b"X-Twilio-Signature", signed.encode())])))
        self.status = self._handshake()

    def send(self, text: str) -> None:
        self.sock.sendall(self.ws.send(Message(data=text)))

    def server_close(self, answer: bool = True) -> tuple[int, float]:
        """Wait for the server's Close (answering it, as a client should, when `answer`); then wait for the TCP
        connection to end. Returns the close code and the seconds from the Close frame to the end of TCP."""
        code, closed_at = None, None
        while True:
            data = self.sock.recv(65536)
            if not data:
                return code, time.monotonic() - (closed_at or time.monotonic())
            if code is not None:
                continue  # bytes after the Close frame: not WebSocket, and not ours to read
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, CloseConnection):
                    code, closed_at = event.code, time.monotonic()
                    if answer:
                        self.sock.sendall(self.ws.send(event.response()))

    def close(self) -> None:
        self.sock.close()

    def _handshake(self) -> int:
        while True:
            data = self.sock.recv(65536)
            if not data:
                return 0
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, AcceptConnection):
                    return 101
                if isinstance(event, (RejectConnection, RejectData)):
                    return getattr(event, "status_code", 0) or 403

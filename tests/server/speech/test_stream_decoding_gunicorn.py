"""Under the production command (gunicorn, committed config: gevent workers) with a single worker, a media stream
being decoded does not hold the worker: a webhook is answered while the stream's frame is still in the recogniser.

The recogniser is a stand-in for vosk (slow_decoding_app.py): each frame keeps its thread in native code for
SLOW_DECODE_S without yielding to gevent, as libvosk does. Decoded on the event loop, nothing else of the worker
could run until it finished; the asserts compare the order of events, not their durations.
"""
from __future__ import annotations

import base64
import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import new_call_sid, twilio_params
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from gunicorn_server import GunicornServer

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
DECODE_S = 3.0
NO_INPUT, BILLING = "입력이 없었습니다.", "요금 담당입니다."
FLOW = """\
name: listening
default: true
languages: [ko]
start: menu
nodes:
  menu:
    kind: menu
    prompt: "요금은 1번을 누르거나 말씀하세요."
    no_input_prompt: "%s"
    options:
      1: {to: billing, phrases: {ko: [요금]}}
  billing: {kind: hangup, prompt: "%s"}
""" % (NO_INPUT, BILLING)
STREAM_URL = re.compile(r'<Stream url="(ws://[^"]+)"')
HEARD_REDIRECT = re.compile(r"<Redirect[^>]*>(http://[^<]+via=stream)</Redirect>")
SILENT_FRAME, FAILING_FRAME = b"\xff" * 160, b"\x00" * 160


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream-decoding")
    (folder / "flows").mkdir()
    (folder / "flows" / "listening.yaml").write_text(FLOW, encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite:///{folder}/ivr.sqlite3", "FLOWS_DIR": str(folder / "flows"),
           "IVR_SERVER_SECRET_FILE": str(folder / "secret_key"), "SPEECH_MODE": "stream", "LOG_LEVEL": "INFO",
           "SLOW_DECODE_S": str(DECODE_S)}
    with GunicornServer(env, folder / "gunicorn.log", workers=1, args=("--pythonpath", str(HERE)),
                        app="slow_decoding_app:create_app()") as running:
        yield running


class Stream:
    """A call at the listening menu and its media stream, opened as Twilio opens it; a thread notes when the server
    closes the socket (the stream's answer stored, or the stream given up)."""

    def __init__(self, server: GunicornServer):
        self.call_sid = new_call_sid()
        answer = server.post("/voice", twilio_params(self.call_sid, CallStatus="ringing"))
        self.after = urlsplit(HEARD_REDIRECT.search(answer.body).group(1).replace("&amp;", "&"))
        self.ws = connect(STREAM_URL.search(answer.body).group(1), open_timeout=20, ping_interval=None, compression=None,
                          legacy=True)
        self.closed_at: float | None = None
        self.close_code: int | None = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.ws.send(json.dumps({"event": "start", "streamSid": "MZ" + "0" * 32, "start": {
            "streamSid": "MZ" + "0" * 32, "callSid": self.call_sid, "customParameters": {"node": "menu"}}}))

    def send_frame(self, frame: bytes) -> None:
        payload = base64.b64encode(frame).decode("ascii")
        self.ws.send(json.dumps({"event": "media", "media": {"track": "inbound", "payload": payload}}))

    def wait_closed(self, timeout_s: float = 30) -> float:
        self.reader.join(timeout_s)
        assert self.closed_at is not None, "the server never closed the stream"
        return self.closed_at

    def after_stream(self, server: GunicornServer):
        """The webhook Twilio calls once the stream has closed (the <Redirect> after <Connect>)."""
        return server.post(f"{self.after.path}?{self.after.query}", twilio_params(self.call_sid))

    def _read(self) -> None:
        try:
            while True:
                self.ws.recv()
        except ConnectionClosed as closed:
            self.closed_at = time.monotonic()
            self.close_code = closed.rcvd.code if closed.rcvd is not None else None


def webhook_answered_at(server: GunicornServer) -> float:
    answer = server.post("/voice", twilio_params(new_call_sid(), CallStatus="ringing"))
    assert answer.status == 200 and "<Response>" in answer.body, answer.body
    return time.monotonic()


def test_a_webhook_is_answered_while_a_stream_on_the_same_worker_is_being_decoded(server):
    stream = Stream(server)
    sent_at = time.monotonic()
    stream.send_frame(SILENT_FRAME)  # the stand-in decodes it for DECODE_S, then hears "요금"
    time.sleep(DECODE_S / 10)  # the frame is in the recogniser by now
    answered_at = webhook_answered_at(server)
    closed_at = stream.wait_closed()
    assert stream.close_code == 1000 and closed_at - sent_at >= DECODE_S  # the stream was heard, after its decoding
    assert answered_at < closed_at, (answered_at - sent_at, closed_at - sent_at)
    assert BILLING in stream.after_stream(server).body


def test_a_recogniser_failing_in_its_thread_ends_the_stream_and_the_menu_hears_no_input(server):
    stream = Stream(server)
    stream.send_frame(FAILING_FRAME)
    stream.wait_closed()
    assert stream.close_code == 1000
    retry = stream.after_stream(server).body
    assert NO_INPUT in retry and STREAM_URL.search(retry), retry  # the menu again, listening again
    assert f"media stream of call {stream.call_sid}: the recogniser failed" in server.log_text()


def test_a_stream_closed_by_the_caller_during_decoding_leaves_the_worker_serving(server):
    logged_before = len(server.log_text())
    gone = Stream(server)
    gone.send_frame(SILENT_FRAME)
    time.sleep(DECODE_S / 10)
    gone.ws.close()  # the caller hangs up while the frame is in the recogniser
    webhook_answered_at(server)
    stream = Stream(server)  # the worker goes on: the next stream is heard as ever
    stream.send_frame(SILENT_FRAME)
    stream.wait_closed()
    assert stream.close_code == 1000 and BILLING in stream.after_stream(server).body
    log = server.log_text()[logged_before:]
    assert f"media stream of call {gone.call_sid} at node menu heard" in log  # its decoding ended, its greenlet too
    assert "Booting worker" not in log and "Traceback" not in log, log[-3000:]  # the same worker, no fault

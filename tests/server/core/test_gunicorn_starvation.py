"""Open Media Streams WebSockets and slow clients cannot starve the webhooks: under the production command
(gevent workers), 50 idle streams and 50 clients trickling a request leave every webhook answering within 1 s;
a 100 MB body is refused at once. Each stream is a real one: its call reached a listening menu and the socket
opens the `<Stream>` URL (with its single-use token) that the TwiML gave."""
from __future__ import annotations

import json
import re
import socket
import threading
import time

import pytest
from helpers import new_call_sid, twilio_params
from websockets.sync.client import connect

from gunicorn_server import HOST, GunicornServer

STREAMS = 50
SLOW_CLIENTS = 50
WEBHOOKS = 30
pytestmark = pytest.mark.slow


LISTENING_FLOW = """\
name: listening
default: true
languages: [ko]
start: menu
nodes:
  menu:
    kind: menu
    prompt: "배송 조회는 1번, 요금은 2번을 누르거나 말씀하세요."
    options:
      1: {to: done, phrases: {ko: [배송 조회]}}
      2: {to: done, phrases: {ko: [요금]}}
  done: {kind: hangup, prompt: "감사합니다."}
"""
STREAM_URL = re.compile(r'<Stream url="(ws://[^"]+)"')


def stream_urls(server: GunicornServer, count: int) -> list[str]:
    """Start `count` calls at a listening menu: each answer names its own stream URL (a single-use token)."""
    urls = []
    for _ in range(count):
        answer = server.post("/voice", twilio_params(new_call_sid(), CallStatus="ringing"), timeout_s=20)
        found = STREAM_URL.search(answer.body)
        assert answer.status == 200 and found, answer.body
        urls.append(found.group(1))
    return urls


class Streams:
    """Idle Media Streams sockets kept open: a `connected` message now and then, as Twilio's first message is."""

    def __init__(self, urls: list[str]):
        self.sockets = [connect(url, open_timeout=20, ping_interval=None, legacy=True, compression=None) for url in urls]

    def keep_alive(self) -> int:
        """Send to each socket; how many are still open."""
        alive = 0
        for ws in self.sockets:
            try:
                ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
                alive += 1
            except Exception:  # noqa: BLE001 - a closed socket is counted, not raised
                pass
        return alive

    def close(self) -> None:
        for ws in self.sockets:
            ws.close()


class SlowClients:
    """Sockets that send a partial webhook request, then one more byte now and then."""

    def __init__(self, port: int, count: int):
        head = b"POST /voice HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nCallSid="
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection((HOST, port), timeout=10)
            sock.sendall(head)
            self.sockets.append(sock)

    def trickle(self) -> None:
        for sock in self.sockets:
            try:
                sock.sendall(b"C")
            except OSError:
                pass

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


def test_fifty_streams_and_fifty_slow_clients_leave_webhooks_answering_within_a_second(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "listening.yaml").write_text(LISTENING_FLOW, encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/ivr.sqlite3", "FLOWS_DIR": str(flows), "SPEECH": "auto",
           "SPEECH_MODE": "stream", "IVR_SERVER_SECRET_FILE": str(tmp_path / "secret_key")}
    with GunicornServer(env, tmp_path / "gunicorn.log", workers=4) as server:
        streams, slow = Streams(stream_urls(server, STREAMS)), SlowClients(server.port, SLOW_CLIENTS)
        stop = threading.Event()
        keeper = threading.Thread(target=lambda: [(streams.keep_alive(), slow.trickle()) for _ in iter(lambda: stop.wait(2), True)])
        keeper.start()
        try:
            times = []
            for _ in range(WEBHOOKS):
                answer = server.post("/voice", twilio_params(new_call_sid(), CallStatus="ringing"), timeout_s=10)
                assert answer.status == 200 and "<Response>" in answer.body
                times.append(answer.seconds)
                time.sleep(0.1)
            big = server.post("/voice", {}, headers={"Content-Length": str(100_000_000)}, timeout_s=10)
            open_streams = streams.keep_alive()
        finally:
            stop.set()
            keeper.join(10)
            streams.close()
            slow.close()
    assert open_streams == STREAMS
    assert max(times) < 1.0, sorted(round(t, 3) for t in times)
    assert big.status == 413 and big.seconds < 1.0

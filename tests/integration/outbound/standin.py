"""A stand-in HTTP server for the outbound tests: a real socket on 127.0.0.1 (a free port, its own thread) that
answers from a table and records every request as it arrived; and a listener that only counts connections."""
from __future__ import annotations

import base64
import http.server
import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    chunked: bool = False  # sent without Content-Length, so only the bytes themselves tell the size


@dataclass(frozen=True)
class Seen:
    method: str
    path: str               # with the query, as sent
    form: dict              # the urlencoded body, one value per name
    credentials: str | None  # "user:password" from HTTP basic auth


class StandIn:
    """Answers `routes[(METHOD, path without query)]` (404 for others); `requests` lists what it was sent."""

    def __init__(self, routes: dict | None = None):
        self.routes: dict[tuple[str, str], Answer] = dict(routes or {})
        self.requests: list[Seen] = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.port = self.httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.host}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), name="stand-in", daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=5)

    def __enter__(self) -> "StandIn":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _handler(server: StandIn):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the names http.server calls
            self._answer_unless_gone()

        def do_POST(self):  # noqa: N802
            self._answer_unless_gone()

        def do_DELETE(self):  # noqa: N802
            self._answer_unless_gone()

        def _answer_unless_gone(self):
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):  # the client refused the body half-way: what we test
                self.close_connection = True

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = {name: values[0] for name, values in parse_qs(body, keep_blank_values=True).items()}
            server.requests.append(Seen(self.command, self.path, form, _credentials(self.headers.get("Authorization"))))
            answer = server.routes.get((self.command, urlsplit(self.path).path), Answer(404, b'{"status": 404}'))
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(answer.body), answer.body))
                return
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *_args):
            pass

    return Handler


def _credentials(header: str | None) -> str | None:
    if not header or not header.startswith("Basic "):
        return None
    return base64.b64decode(header.removeprefix("Basic ")).decode()


class Listener:
    """A listening socket that serves nothing: `connections()` says how many clients connected to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def connections(self) -> int:
        self.sock.settimeout(0.3)
        count = 0
        try:
            while True:
                conn, _ = self.sock.accept()
                conn.close()
                count += 1
        except (TimeoutError, socket.timeout):
            return count

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *_exc) -> None:
        self.sock.close()

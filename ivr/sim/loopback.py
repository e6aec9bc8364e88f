"""What the simulator serves on this machine so the IVR can reach it as it reaches Twilio: the caller's
recordings (by RecordingUrl), and, for the in-process app, a real WebSocket server for media streams and the
outbound Twilio adapter its callback calls are placed on."""
from __future__ import annotations

import http.server
import logging
import secrets
import threading
from collections import OrderedDict

log = logging.getLogger(__name__)
MAX_RECORDINGS = 64              # kept at once; the oldest go first
MAX_RECORDING_BYTES = 4_000_000  # far above 6 s of 8 kHz audio
RECORDINGS_PREFIX = "https://api.twilio.com/"


class RecordingShelf:
    """Recordings by URL, bounded, safe to share between threads (several simulated calls at once)."""

    def __init__(self, limit: int = MAX_RECORDINGS):
        self.limit = limit
        self._blobs: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, url: str, blob: bytes) -> None:
        if len(blob) > MAX_RECORDING_BYTES:
            raise ValueError(f"a recording of {len(blob)} bytes is more than the simulator keeps")
        with self._lock:
            self._blobs[url] = blob
            while len(self._blobs) > self.limit:
                self._blobs.popitem(last=False)

    def get(self, url: str) -> bytes | None:
        with self._lock:
            return self._blobs.get(url)

    def drop(self, url: str) -> None:
        with self._lock:
            self._blobs.pop(url, None)


class ShelfFetcher:
    """Installed on the in-process app as its recording fetcher: the simulator's recordings by their Twilio URL
    (a URL the simulator never made is not there, like Twilio's 404); any other URL goes to the usual downloader
    (the outbound Twilio adapter, with its host allow-list)."""

    def __init__(self, shelf: RecordingShelf, fallback=None):
        self.shelf, self.fallback = shelf, fallback

    def download(self, url: str, tries: int = 1) -> bytes | None:
        blob = self.shelf.get(url)
        if blob is not None or url.startswith(RECORDINGS_PREFIX) or self.fallback is None:
            return blob
        return self.fallback.download(url, tries)


class SimTwilio:
    """The outbound Twilio adapter of an app the simulator drives in-process: calls the server places are kept
    in `placed` for the simulator to answer; other REST requests (redirects, recordings) are not carried out
    (the next wait-URL request moves a caller), and media comes from `inner` (the real adapter)."""

    rest_ready = True

    def __init__(self, inner):
        self.inner = inner
        self.placed: list[tuple[str, object]] = []
        self.statuses: dict[str, str] = {}

    def place_call(self, call) -> str | None:
        call_sid = "CA" + secrets.token_hex(16)
        self.placed.append((call_sid, call))
        self.statuses[call_sid] = "queued"
        return call_sid

    def call_status(self, call_sid: str) -> str | None:
        return self.statuses.get(call_sid)

    def redirect(self, _call_sid: str, _url: str) -> bool:
        return False  # the waiting caller's next wait-URL request takes it out of the queue

    def update_recording(self, _call_sid: str, _status: str, _recording_sid: str = "") -> bool:
        return False

    def delete_recording(self, _recording_sid: str) -> bool:
        return False

    def download(self, url: str, tries: int = 1) -> bytes | None:
        return self.inner.download(url, tries)

    def fetch_media(self, url: str):
        return self.inner.fetch_media(url)


def in_process_overrides(settings, twilio=None) -> dict:
    """What an app the simulator drives in-process is built with (`create_app(settings, clock,
    **in_process_overrides(settings))`): recordings fetched from the simulator's shelf by their Twilio URL, other
    URLs by the outbound Twilio adapter (`twilio`, default the real one for `settings`), and no local copy kept
    (the simulator's Twilio URLs name no real file). The app places its calls (callbacks) on the simulator
    (SimTwilio), which answers them (ivr/sim/callback.py)."""
    from ..outbound.twilio_rest import TwilioRest

    twilio = twilio if twilio is not None else TwilioRest.from_settings(settings)
    return {"twilio": SimTwilio(twilio), "recording_fetcher": ShelfFetcher(RecordingShelf(), twilio),
            "recording_store": None}


def shelf_of(app) -> RecordingShelf:
    """The shelf the in-process app fetches recordings from (it was built with `in_process_overrides()`)."""
    fetcher = app.extensions["ivr"].speech.fetcher
    if not isinstance(fetcher, ShelfFetcher):
        raise LookupError("this app fetches recordings from Twilio, not the simulator: build it with "
                          "create_app(settings, clock, **in_process_overrides()) to answer by voice in-process")
    return fetcher.shelf


class RecordingServer:
    """A loopback HTTP server for a server reached over the network: GET <path> answers the recording or 404.
    That server downloads only from TWILIO_MEDIA_HOSTS: list this one's `host:port` there (`port` fixes it)."""

    def __init__(self, shelf: RecordingShelf, host: str = "127.0.0.1", port: int = 0):
        self.shelf = shelf
        self.httpd = http.server.ThreadingHTTPServer((host, port), _recording_handler(self))
        self.base_url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sim-recordings", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _recording_handler(server: RecordingServer):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            blob = server.shelf.get(server.base_url + self.path)
            self.send_response(200 if blob is not None else 404)
            self.send_header("Content-Type", "audio/x-wav" if blob is not None else "text/plain")
            self.send_header("Content-Length", str(len(blob or b"")))
            self.end_headers()
            self.wfile.write(blob or b"")

        def log_message(self, *_args):  # the transcript says what matters
            pass

    return Handler


class AppServer:
    """The in-process app on a real loopback port (werkzeug, a thread per connection), for its WebSockets.

    `host` is the Host header the app sees, as if reached at its public address (what Twilio signs); None keeps
    the real one."""

    def __init__(self, app, host: str | None = None):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *_args):  # the call's transcript already shows the stream
                pass

        self.httpd = make_server("127.0.0.1", 0, _with_host(app, host) if host else app, threaded=True,
                                 request_handler=Quiet)
        self.ws_base = f"ws://127.0.0.1:{self.httpd.server_port}"
        self.http_base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sim-app-server", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _with_host(app, host: str):
    def middleware(environ, start_response):
        environ["HTTP_HOST"] = host
        return app(environ, start_response)
    return middleware

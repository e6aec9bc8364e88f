"""What a simulated call does next (request a URL, send a callback, end), and how Twilio judges an answer."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Forbidden, ProtocolError
from .transport import Answer
from .wire import DEFAULT_FROM, DEFAULT_TO

TWIML_TYPES = {"text/xml", "application/xml"}


@dataclass(frozen=True)
class CallOptions:
    """How the simulated Twilio behaves on one call; every field has Twilio's or the CLI's default."""

    from_number: str = DEFAULT_FROM
    to_number: str = DEFAULT_TO
    account_sid: str = ""
    call_sid: str = ""
    auth_token: str = ""
    public_url: str = ""
    voice_path: str = "/voice"
    status_path: str = "/voice/status"
    dial_status: str = "completed"
    queue_result: str = "hangup"      # how an <Enqueue> without a wait URL ends
    queue_patience_s: float | None = None  # the caller hangs up after waiting this long in a queue
    agents: tuple = ()                # simulated agents (SimAgent) who answer <Dial>s to their contact
    max_requests: int = 200
    stream_pace: float = 0.0  # media stream frames: 1.0 at real time, 0 as fast as the server takes them
    recordings_port: int = 0  # over HTTP, recordings are served on 127.0.0.1 here (0: any free port)
    barge_in_after_s: float | None = None  # over a stream's prompt, the caller answers this far into it (None: after it)


@dataclass(frozen=True)
class End:
    """The call is over: why, and the CallStatus the status callback reports."""

    reason: str
    status: str = "completed"


@dataclass(frozen=True)
class Callback:
    """A request whose answer is not TwiML (recordingStatusCallback): its own parameters only."""

    method: str
    url: str
    params: dict


@dataclass(frozen=True)
class Next:
    """Request this URL next; with `then`, the call is already over and its TwiML is only checked;
    `after` goes out once this request is answered."""

    method: str
    url: str
    params: dict = field(default_factory=dict)
    then: End | None = None
    after: Callback | None = None


def check_twiml(answer: Answer, method: str, url: str) -> None:
    """Twilio's view of a TwiML answer: the status must be good and only XML runs."""
    check_status(answer, url)
    if answer.mimetype not in TWIML_TYPES:
        raise ProtocolError(f"{method} {url} answered {answer.content_type or 'no content type'!s}, not TwiML "
                            f"(text/xml or application/xml)")


def check_status(answer: Answer, url: str) -> None:
    """Any answer's status as Twilio reads it: 403 is a refused signature, >= 400 an error."""
    if answer.status == 403:
        raise Forbidden(f"HTTP 403 from {url}: the server refused the X-Twilio-Signature "
                        f"(check --auth-token / TWILIO_AUTH_TOKEN, and --public-url if the server sets PUBLIC_BASE_URL)")
    if answer.status >= 400:
        raise ProtocolError(f"HTTP {answer.status} from {url}")

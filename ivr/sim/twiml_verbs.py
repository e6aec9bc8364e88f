"""Read a TwiML document into plain verb values (SayVerb ...: what Twilio was told, not the engine's instructions)
with the standard XML parser; anything else is a protocol error."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .errors import ProtocolError

DIAL_NOUNS = {"Number", "Client", "Sip", "Queue", "Conference", "Sim", "Application"}
GATHER_CHILDREN = {"Say", "Play", "Pause"}


@dataclass(frozen=True)
class SayVerb:
    text: str
    language: str = "en-US"
    voice: str = ""
    loop: int = 1


@dataclass(frozen=True)
class PlayVerb:
    url: str
    loop: int = 1
    digits: str = ""
    text: str = ""  # the words of a prompt our own server synthesised (its `ivrText`), when it said them


@dataclass(frozen=True)
class PauseVerb:
    length_s: int = 1


@dataclass(frozen=True)
class GatherVerb:
    action: str = ""
    method: str = "POST"
    timeout_s: int = 5
    num_digits: int | None = None
    finish_on_key: str = "#"
    input: str = "dtmf"
    action_on_empty_result: bool = False
    prompts: tuple = ()


@dataclass(frozen=True)
class RedirectVerb:
    url: str
    method: str = "POST"


@dataclass(frozen=True)
class DialVerb:
    targets: tuple[tuple[str, str], ...]  # (noun, address), e.g. ("Number", "+18005550199")
    action: str = ""
    method: str = "POST"
    timeout_s: int = 30
    caller_id: str = ""
    target_urls: tuple[str, ...] = ()  # each noun's url: run on the called party's leg once it answers (a whisper)


@dataclass(frozen=True)
class HangupVerb:
    pass


@dataclass(frozen=True)
class RejectVerb:
    reason: str = "rejected"


@dataclass(frozen=True)
class LeaveVerb:
    pass


@dataclass(frozen=True)
class EnqueueVerb:
    queue: str
    action: str = ""
    method: str = "POST"
    wait_url: str = ""


@dataclass(frozen=True)
class RecordVerb:
    action: str = ""
    method: str = "POST"
    max_length_s: int = 3600
    timeout_s: int = 5  # seconds of silence that end the recording; 0: silence never ends it
    finish_on_key: str = "1234567890*#"
    play_beep: bool = True
    status_callback: str = ""
    status_callback_method: str = "POST"
    status_callback_events: tuple[str, ...] = ("completed",)


@dataclass(frozen=True)
class StreamVerb:
    url: str
    name: str = ""
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ConnectVerb:
    """<Connect><Stream>: a bidirectional media stream; the call goes on when the server closes it."""

    stream: StreamVerb
    action: str = ""
    method: str = "POST"


Verb = (SayVerb | PlayVerb | PauseVerb | GatherVerb | RedirectVerb | DialVerb | HangupVerb | RejectVerb | LeaveVerb
        | EnqueueVerb | RecordVerb | ConnectVerb)


@dataclass(frozen=True)
class Document:
    """A TwiML answer and the (public) URL it came from, against which its relative URLs resolve."""

    url: str
    verbs: list = field(default_factory=list)


def parse(body: str, url: str) -> Document:
    """The verbs of `body`; raises ProtocolError for malformed XML, a root other than Response, unknown verbs."""
    try:
        root = ET.fromstring(body.encode("utf-8"))
    except ET.ParseError as exc:
        raise ProtocolError(f"malformed TwiML from {url}: {exc}") from exc
    if root.tag != "Response":
        raise ProtocolError(f"TwiML root must be <Response>, got <{root.tag}> from {url}")
    return Document(url, [_verb(element) for element in root])


def _verb(element: ET.Element) -> Verb:
    reader = _READERS.get(element.tag)
    if reader is None:
        raise ProtocolError(f"unsupported TwiML verb <{element.tag}>")
    return reader(element)


def _text(element: ET.Element) -> str:
    """Text including SSML children (<break>, <prosody>...), whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def _int(element: ET.Element, name: str, default: int | None) -> int | None:
    raw = element.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ProtocolError(f"<{element.tag} {name}={raw!r}> is not a whole number") from None


def _method(element: ET.Element, name: str = "method") -> str:
    method = (element.get(name) or "POST").upper()
    if method not in ("GET", "POST"):
        raise ProtocolError(f"<{element.tag} {name}={method!r}> must be GET or POST")
    return method


def _say(element: ET.Element) -> SayVerb:
    return SayVerb(_text(element), element.get("language") or "en-US", element.get("voice", ""), _int(element, "loop", 1))


def _play(element: ET.Element) -> PlayVerb:
    return PlayVerb(_text(element), _int(element, "loop", 1), element.get("digits", ""), element.get("ivrText", ""))


def _pause(element: ET.Element) -> PauseVerb:
    return PauseVerb(_int(element, "length", 1))


def _gather(element: ET.Element) -> GatherVerb:
    prompts = []
    for child in element:
        if child.tag not in GATHER_CHILDREN:
            raise ProtocolError(f"<{child.tag}> cannot be nested in <Gather>")
        prompts.append(_verb(child))
    return GatherVerb(
        action=element.get("action", ""), method=_method(element), timeout_s=_int(element, "timeout", 5),
        num_digits=_int(element, "numDigits", None), finish_on_key=element.get("finishOnKey", "#"),
        input=element.get("input", "dtmf"),
        action_on_empty_result=element.get("actionOnEmptyResult", "false").lower() == "true",
        prompts=tuple(prompts),
    )


def _redirect(element: ET.Element) -> RedirectVerb:
    url = _text(element)
    if not url:
        raise ProtocolError("<Redirect> without a URL")
    return RedirectVerb(url, _method(element))


def _dial(element: ET.Element) -> DialVerb:
    targets, urls = [], []
    for child in element:
        if child.tag not in DIAL_NOUNS:
            raise ProtocolError(f"<{child.tag}> cannot be nested in <Dial>")
        targets.append((child.tag, _text(child)))
        urls.append(child.get("url", ""))
    if not targets and _text(element):
        targets.append(("Number", _text(element)))
    if not targets:
        raise ProtocolError("<Dial> with nothing to dial")
    return DialVerb(tuple(targets), element.get("action", ""), _method(element), _int(element, "timeout", 30),
                element.get("callerId", ""), tuple(urls))


def _enqueue(element: ET.Element) -> EnqueueVerb:
    return EnqueueVerb(_text(element), element.get("action", ""), _method(element), element.get("waitUrl", ""))


def _record(element: ET.Element) -> RecordVerb:
    events = tuple((element.get("recordingStatusCallbackEvent") or "completed").split())
    return RecordVerb(
        action=element.get("action", ""), method=_method(element), max_length_s=_int(element, "maxLength", 3600),
        timeout_s=_int(element, "timeout", 5), finish_on_key=element.get("finishOnKey", "1234567890*#"),
        play_beep=element.get("playBeep", "true").lower() != "false",
        status_callback=element.get("recordingStatusCallback", ""),
        status_callback_method=_method(element, "recordingStatusCallbackMethod"), status_callback_events=events,
    )


def _connect(element: ET.Element) -> ConnectVerb:
    streams = [child for child in element if child.tag == "Stream"]
    others = [child.tag for child in element if child.tag != "Stream"]
    if others or len(streams) != 1:
        raise ProtocolError(f"the simulator supports <Connect> with one <Stream>, got {others or len(streams)}")
    stream = streams[0]
    url = stream.get("url", "")
    if not url.startswith(("ws://", "wss://")):
        raise ProtocolError(f"<Stream url={url!r}> must be a ws:// or wss:// URL")
    parameters = []
    for child in stream:
        if child.tag != "Parameter":
            raise ProtocolError(f"<{child.tag}> cannot be nested in <Stream>")
        parameters.append((child.get("name", ""), child.get("value", "")))
    return ConnectVerb(StreamVerb(url, stream.get("name", ""), tuple(parameters)), element.get("action", ""),
                   _method(element))


_READERS = {
    "Say": _say, "Play": _play, "Pause": _pause, "Gather": _gather, "Redirect": _redirect, "Dial": _dial,
    "Hangup": lambda e: HangupVerb(), "Reject": lambda e: RejectVerb(e.get("reason") or "rejected"),
    "Leave": lambda e: LeaveVerb(), "Enqueue": _enqueue, "Record": _record, "Connect": _connect,
}

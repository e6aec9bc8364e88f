"""What the barge-in tests share: a call brought to the main menu by signed webhooks, its <Stream> read from the
TwiML, and the stream opened on a loopback port as Twilio opens it (signed handshake, the <Parameter>s)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

from ivr.sim.loopback import AppServer
from ivr.sim.speaking import CallerVoice, parse_spoken
from ivr.sim.streaming import StreamStart, run_stream
from helpers import TwilioClient, new_call_sid, twiml, twilio_params
from spoken_calls import TOKEN

ACCOUNT_SID = "AC" + "0" * 32


@dataclass(frozen=True)
class MenuStream:
    """The main menu's <Connect><Stream> for one call: its public URL, its parameters, and the whole TwiML."""

    call_sid: str
    url: str
    parameters: dict
    root: ET.Element


def at_main_menu(app) -> MenuStream:
    """A new call that chose Korean: the TwiML of the listening main menu."""
    client, call_sid = TwilioClient(app.test_client(), TOKEN), new_call_sid()
    twiml(client.start(call_sid))
    root = twiml(client.press(call_sid, "choose_language/choose", "1"))
    stream = root.find("Connect/Stream")
    assert stream is not None, ET.tostring(root, encoding="unicode")
    return MenuStream(call_sid, stream.get("url"), {p.get("name"): p.get("value") for p in stream.iter("Parameter")}, root)


def stream(app, menu: MenuStream, answer: str = "", barge_in_after_s: float | None = None, pace: float = 0.0):
    """Open the menu's stream and play `answer` (`say:…`, `dtmf:K`, or "" for silence) as Twilio would."""
    spoken = parse_spoken(answer) if answer else None
    ulaw = CallerVoice().line_ulaw(spoken) if spoken is not None and spoken.kind != "dtmf" else b""
    dtmf = spoken.value if spoken is not None and spoken.kind == "dtmf" else ""
    server = AppServer(app, urlsplit(menu.url).netloc)
    try:
        headers = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(menu.url, {})}
        return run_stream(server.ws_base + urlsplit(menu.url).path, headers,
                          StreamStart(menu.call_sid, ACCOUNT_SID, menu.parameters), ulaw, dtmf, pace, barge_in_after_s)
    finally:
        server.close()


def after_stream(app, menu: MenuStream) -> ET.Element:
    """The webhook Twilio fetches once the stream has closed (the <Redirect> after <Connect>)."""
    client = TwilioClient(app.test_client(), TOKEN)
    return twiml(client.post("/voice/speech?node=main_menu&via=stream", twilio_params(menu.call_sid)))

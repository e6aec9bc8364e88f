"""Every URL the server writes into TwiML is absolute: built from PUBLIC_BASE_URL (a path prefix kept), else from
the host the request came to, so any TwiML interpreter can follow it without guessing."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import TOKEN, new_call_sid, twilio_params, twiml
from twilio.request_validator import RequestValidator

from callqueue.queues import Announcement, Queue, QueueConfig
from callqueue.service import Wait
from ivr.flow.instructions import Dial, DialAgent, Enqueue, Gather, Hangup, Listen, Play, Record, Say
from ivr.web import create_app
from ivr.web.media import Media, absolute
from ivr.web.queue_twiml import wait_document, whisper_document
from ivr.web.twiml import render

BASE = "https://ivr.example.com/center"
URL_ATTRIBUTES = ("action", "waitUrl", "url", "recordingStatusCallback")
URL_TEXTS = ("Play", "Redirect")
LISTEN = Listen("ko", (("1", ("요금",)),))


class FakeSpeech:
    """Every prompt has a cached file; every language listens."""

    def __init__(self, folder: Path):
        self.folder = folder

    def prompt_path(self, text, language):
        return self.folder / f"{abs(hash((text, language))):016x}.wav"

    def listens(self, language):
        return True


def urls_in(document: str) -> list[str]:
    root = ET.fromstring(document)
    assert root.tag == "Response"
    found = [el.attrib[name] for el in root.iter() for name in URL_ATTRIBUTES if name in el.attrib]
    return found + [el.text or "" for el in root.iter() if el.tag in URL_TEXTS]


def every_instruction() -> list:
    return [Say("안녕하세요", "ko"), Play("/media/hello.wav"), Play("https://cdn.example.org/a.mp3"),
            Gather((Say("요금은 1번", "ko"), Play("jingle.wav")), 5, 1, "#", LISTEN), Dial("+15550100", 20),
            Record(60, 5, "#", True), Enqueue("billing", (), 0, (), "", "ko", entry=7),
            DialAgent("client:alice", 20, 7), DialAgent("+15550101", 20, 8), Hangup()]


@pytest.mark.parametrize("stream", [None, "wss://ivr.example.com/center/voice/stream/token"])
def test_every_instruction_kind_renders_only_absolute_urls(tmp_path, stream):
    media = Media(FakeSpeech(tmp_path), stream, BASE)
    urls = urls_in(render(every_instruction(), "menu", {"ko": "ko-KR"}, media))
    assert len(urls) >= 14
    allowed = (BASE + "/", "wss://ivr.example.com/center/voice/stream/", "https://cdn.example.org/")
    assert [u for u in urls if not u.startswith(allowed)] == []


def test_the_wait_and_whisper_documents_render_only_absolute_urls(tmp_path):
    media = Media(FakeSpeech(tmp_path), None, BASE)
    config = QueueConfig(announcements={"ko": Announcement()},
                         queues={"billing": Queue(name="billing", hold_prompts={"ko": "잠시만요"}, hold_music="/hold.mp3")})
    wait = wait_document(Wait("hold", "billing", "ko", 2, 60.0, True), config, {}, media)
    whisper = whisper_document("billing, order 1", "ko", {}, media)
    urls = urls_in(wait) + urls_in(whisper)
    assert len(urls) == 5 and all(u.startswith(BASE + "/") for u in urls)
    assert f"{BASE}/hold.mp3" in urls


@pytest.mark.parametrize("url, expected", [
    ("/voice/step?node=a", f"{BASE}/voice/step?node=a"), ("hold.mp3", f"{BASE}/hold.mp3"),
    ("https://cdn.example.org/a.mp3", "https://cdn.example.org/a.mp3"), ("", ""),
])
def test_absolute_keeps_the_base_path_prefix_and_urls_that_name_their_scheme(url, expected):
    assert absolute(BASE, url) == expected


def test_webhook_answers_use_public_base_url_when_set(settings, clock):
    app = create_app(replace(settings, public_base_url="https://ivr.example.com"), clock)
    params = twilio_params(new_call_sid(), CallStatus="ringing")
    signature = RequestValidator(TOKEN).compute_signature("https://ivr.example.com/voice", params)
    root = twiml(app.test_client().post("/voice", data=params, headers={"X-Twilio-Signature": signature}))
    urls = urls_in(ET.tostring(root, encoding="unicode"))
    assert urls and all(u.startswith("https://ivr.example.com/voice/") for u in urls)
    app.extensions["ivr"].engine.dispose()


def test_without_public_base_url_urls_start_with_the_requests_host(twilio):
    root = twiml(twilio.start(new_call_sid()))
    urls = urls_in(ET.tostring(root, encoding="unicode"))
    assert urls and all(u.startswith("http://localhost/voice/") for u in urls)

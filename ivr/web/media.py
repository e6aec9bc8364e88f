"""What TwiML rendering needs from speech: cached prompt audio URLs, and whether (and how) menus listen."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, send_file

from speech.prompt_cache import PROMPT_NAME

bp = Blueprint("prompts", __name__, url_prefix="/prompts")
SHOW_TEXT_HEADER = "X-IVR-Prompt-Text"  # the simulator asks to see the words of each <Play> it is sent
TEXT_ATTRIBUTE = "ivrText"  # never sent to Twilio: it only answers a request that asked for it


@dataclass
class Media:
    """Per request: the speech service, the media-stream URL when menus listen by streaming, the base URL every
    URL written into TwiML starts with (PUBLIC_BASE_URL, else the host the request came to), and whether the
    requester (the simulator) asked to see each prompt's words beside its audio."""

    speech: object
    stream_url: str | None = None
    base_url: str = ""
    show_text: bool = False
    barge_in: bool = False  # a streaming menu plays its prompt into the stream (BARGE_IN=on)

    def absolute(self, url: str) -> str:
        """`url` made absolute against the base URL (Twilio and other TwiML interpreters need no guessing)."""
        return absolute(self.base_url, url)

    def prompt_url(self, text: str, language: str) -> str | None:
        path = self.speech.prompt_path(text, language)
        return None if path is None else f"{self.base_url}/prompts/{path.name}"

    def listens(self, language: str) -> bool:
        return self.speech.listens(language)

    def prompt_file(self, text: str, language: str) -> str | None:
        """The cached prompt's file name (for a stream to play it), or None when it cannot be rendered."""
        path = self.speech.prompt_path(text, language)
        return None if path is None else path.name


def speak(response, text: str, language: str, say_languages: dict, media=None) -> None:
    """A prompt: <Play> of its synthesised file from the cache, or Twilio's <Say> when there is none.

    The words are never kept beside the audio (they may hold a caller's secret); a requester that
    asked for them (the simulator, over the same signed webhook) finds them on the <Play> itself."""
    url = media.prompt_url(text, language) if media else None
    if url:
        response.play(url, **({TEXT_ATTRIBUTE: text} if media.show_text else {}))
    else:
        response.say(text, language=say_languages.get(language, language))


def shows_text(request) -> bool:
    return request.headers.get(SHOW_TEXT_HEADER) == "1"


def stream_url(settings, request) -> str | None:
    """wss:// URL of /voice/stream as Twilio must reach it, when menus listen through media streams."""
    if settings.speech_mode != "stream":
        return None
    return re.sub(r"^http", "ws", public_base(settings, request)) + "/voice/stream"


def public_base(settings, request) -> str:
    """Where Twilio reaches us: PUBLIC_BASE_URL behind a proxy, else the host this request came to."""
    return settings.public_base_url or request.host_url.rstrip("/")


def absolute(base_url: str, url: str) -> str:
    """`url` under `base_url` (a path prefix in PUBLIC_BASE_URL is kept), unless it names its own scheme."""
    if not base_url or not url or urlsplit(url).scheme:
        return url
    return base_url + (url if url.startswith("/") else "/" + url)


@bp.get("/<name>")
def prompt_file(name: str):
    """A rendered prompt's audio (Twilio fetches it for <Play>); nothing else is served from the cache."""
    speech = current_app.extensions["ivr"].speech
    if not PROMPT_NAME.match(name) or speech.cache is None:
        abort(404)
    path = speech.cache.directory / name
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/wav", max_age=86400)

"""What TwiML rendering needs from speech: cached prompt audio URLs, and whether (and how) menus listen."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, send_file

bp = Blueprint("prompts", __name__, url_prefix="/prompts")
PROMPT_FILE = re.compile(r"^[0-9a-f]{16,64}\.(wav|txt)$")


@dataclass
class Media:
    """Per request: the speech service, the media-stream URL when menus listen by streaming, and the base URL
    every URL written into TwiML starts with (PUBLIC_BASE_URL, else the host the request came to)."""

    speech: object
    stream_url: str | None = None
    base_url: str = ""

    def absolute(self, url: str) -> str:
        """`url` made absolute against the base URL (Twilio and other TwiML interpreters need no guessing)."""
        return absolute(self.base_url, url)

    def prompt_url(self, text: str, language: str) -> str | None:
        path = self.speech.prompt_path(text, language)
        if path is None:
            return None
        _keep_text(path, text)
        return f"{self.base_url}/prompts/{path.name}"

    def listens(self, language: str) -> bool:
        return self.speech.listens(language)


def speak(response, text: str, language: str, say_languages: dict, media=None) -> None:
    """A prompt: <Play> of its synthesised file from the cache, or Twilio's <Say> when there is none."""
    url = media.prompt_url(text, language) if media else None
    if url:
        response.play(url)
    else:
        response.say(text, language=say_languages.get(language, language))


def _keep_text(path: Path, text: str) -> None:
    # The words beside the audio: the simulator and people reading logs see what a file says.
    sidecar = path.with_suffix(".txt")
    if not sidecar.exists():
        sidecar.write_text(text, encoding="utf-8")


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
    """A rendered prompt (Twilio fetches it for <Play>), or the text it says."""
    speech = current_app.extensions["ivr"].speech
    if not PROMPT_FILE.match(name) or speech.cache is None:
        abort(404)
    path = Path(speech.cache.directory) / name
    if not path.is_file():
        abort(404)
    mimetype = "audio/wav" if name.endswith(".wav") else "text/plain; charset=utf-8"
    return send_file(path, mimetype=mimetype, max_age=86400)

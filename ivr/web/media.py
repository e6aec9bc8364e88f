"""What TwiML rendering needs from speech: cached prompt audio URLs, and whether (and how) menus listen."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

bp = Blueprint("prompts", __name__, url_prefix="/prompts")
PROMPT_FILE = re.compile(r"^[0-9a-f]{16,64}\.(wav|txt)$")


@dataclass
class Media:
    """Per request: the speech service, and the media-stream URL when menus listen by streaming."""

    speech: object
    stream_url: str | None = None

    def prompt_url(self, text: str, language: str) -> str | None:
        path = self.speech.prompt_path(text, language)
        if path is None:
            return None
        _keep_text(path, text)
        return f"/prompts/{path.name}"

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
    base = settings.public_base_url or request.host_url.rstrip("/")
    return re.sub(r"^http", "ws", base) + "/voice/stream"


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

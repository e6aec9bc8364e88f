"""Listening menus in the simulator: the caller's answer by voice to a <Record> or a <Connect><Stream>, and the
words of our own synthesised prompts (which the server puts on each `<Play>` for the simulator) shown as speech."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import twiml_verbs as v
from .errors import ScriptMismatch
from .loopback import AppServer, RecordingServer, RecordingShelf, shelf_of
from .recording import Recording, Take
from .speaking import CallerVoice, Spoken, language_of, parse_spoken, recorded_seconds
from .streaming import StreamRun, StreamStart, run_stream

PROMPT = re.compile(r"/prompts/([0-9a-f]{16,64})\.wav$")
CHARACTERS_PER_SECOND = 12


class CallMedia:
    """The audio side of one simulated call: the caller's voice, and the loopback servers it needed (closed at
    the end of the call)."""

    def __init__(self, transport, voice: CallerVoice | None = None, recordings_port: int = 0):
        self.transport, self.recordings_port = transport, recordings_port
        self.voice = voice or CallerVoice()
        self._recordings: RecordingServer | None = None
        self._app_server: AppServer | None = None
        self._kept: list[tuple[RecordingShelf, str]] = []

    def keep_recording(self, account_sid: str, blob: bytes, duration_s: int) -> Recording:
        """A Recording whose URL the IVR can fetch: Twilio's URL served in-process, else a loopback server's."""
        app = getattr(self.transport, "app", None)
        recording = Recording.new(account_sid, duration_s)
        if app is not None:
            shelf = shelf_of(app)
        else:
            if self._recordings is None:
                self._recordings = RecordingServer(RecordingShelf(), port=self.recordings_port)
            shelf = self._recordings.shelf
            recording = Recording(recording.sid, f"{self._recordings.base_url}/Recordings/{recording.sid}.wav", duration_s)
        shelf.put(recording.url, blob)
        self._kept.append((shelf, recording.url))
        return recording

    def websocket_url(self, public_ws: str, addressing) -> str:
        """Where to open a stream Twilio would open at `public_ws`."""
        local_http = addressing.local(re.sub(r"^ws", "http", public_ws))
        app = getattr(self.transport, "app", None)
        if app is None:
            return re.sub(r"^http", "ws", local_http)
        if self._app_server is None:
            self._app_server = AppServer(app, urlsplit(public_ws).netloc)
        parts = urlsplit(local_http)
        return self._app_server.ws_base + parts.path + (f"?{parts.query}" if parts.query else "")

    def close(self) -> None:
        for shelf, url in self._kept:
            shelf.drop(url)
        for server in (self._recordings, self._app_server):
            if server is not None:
                server.close()
        self._recordings = self._app_server = None


def spoken_answer(item: str | None) -> Spoken | None:
    """A listening menu's item as an answer by voice; keys pressed during a media stream count as `dtmf:`."""
    if not item:
        return None
    spoken = parse_spoken(item)
    return spoken if spoken is not None else Spoken("dtmf", item[0])


def record_answer(media: CallMedia, record: v.RecordVerb, spoken: Spoken | None, account_sid: str):
    """The <Record> of a listening menu: (Take, Recording or None)."""
    quiet = record.timeout_s
    if spoken is None:
        return Take(0, None, quiet, f"silence ({quiet} s): nothing recorded, Twilio skips the action"), None
    if spoken.kind == "dtmf":
        return Take(0, None, 0.5, f"caller presses {spoken.value} without a word: nothing recorded, "
                                  f"Twilio skips the action"), None
    try:
        blob, duration_s = media.voice.recording(spoken, record.max_length_s)
    except ValueError as exc:
        raise ScriptMismatch(str(exc)) from None
    seconds = min(recorded_seconds(duration_s), record.max_length_s)
    recording = media.keep_recording(account_sid, blob, seconds)
    told = f"caller {spoken.shown} ({duration_s:.1f} s), then is silent {quiet} s"
    return Take(seconds, None, seconds + quiet, told), recording


def stream_answer(media: CallMedia, url: str, headers: dict, start: StreamStart, spoken: Spoken | None,
                  pace: float, barge_in_after_s: float | None = None) -> tuple[StreamRun, str]:
    """Play the answer over a media stream: (how it went, a line for the transcript)."""
    ulaw, dtmf = b"", ""
    if spoken is not None and spoken.kind == "dtmf":
        dtmf = spoken.value
    elif spoken is not None:
        try:
            ulaw = media.voice.line_ulaw(spoken)
        except ValueError as exc:
            raise ScriptMismatch(str(exc)) from None
    run = run_stream(url, headers, start, ulaw, dtmf, pace, barge_in_after_s)
    what = f"caller {spoken.shown}" if spoken is not None else "silence"
    ended = "the server closed it" if run.closed_by_server else "Twilio sent stop"
    return run, f"{_prompt_line(run)}🎙 {what} over the media stream ({run.frames} frames, {run.audio_s:.1f} s); {ended}"


def _prompt_line(run: StreamRun) -> str:
    """What the caller heard of a prompt the server played into the stream (nothing when it played none)."""
    heard = run.heard
    if heard is None or not heard.frames_received:
        return ""
    total_s = heard.frames_received * 0.02
    if heard.cleared:
        return f"🔊 prompt over the stream ({total_s:.1f} s sent), cleared after {heard.played_s_at_clear:.1f} s; "
    return f"🔊 prompt over the stream ({total_s:.1f} s), played to its end (mark {', '.join(heard.marks_echoed)}); "


def prompt_words(play: v.PlayVerb) -> tuple[str, str] | None:
    """(language, text) of a prompt our own server synthesised, as it told us on the <Play>; None for other audio."""
    text = play.text.strip()
    return (language_of(text), text) if text and PROMPT.search(play.url) else None


def shown_prompt(url: str) -> str:
    """`/prompts/9ce89b76…wav`: enough of the name to tell prompts apart."""
    found = PROMPT.search(url)
    return f"/prompts/{found.group(1)[:8]}…wav" if found else url

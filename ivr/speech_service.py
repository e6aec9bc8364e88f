"""Speech for calls: recognise a caller's recording against a menu's phrases, and play prompts from the cache.

The shell side of speech: it knows vosk and pyttsx3 only through the `speech` ports, and hands the engine
a SpeechHeard event. A missing model or synthesiser is reported once and the IVR carries on with keys
and <Say>: a webhook never fails for speech.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from speech import BadAudio, SpeechError, Transcript, Voice, match
from speech.audio import read_audio

from .flow.events import SpeechHeard
from .flow.instructions import Listen
from .observability import metrics

log = logging.getLogger(__name__)
SPEECH_RATE_WPM = 175  # espeak-ng words per minute for prompts
FETCH_TRIES = 4
FETCH_PAUSE_S = 0.4  # Twilio may still be writing the file when the action arrives


class RecordingFetcher:
    """Downloads a caller's recording (WAV) from Twilio, with the account's credentials when set."""

    def __init__(self, account_sid: str = "", auth_token: str = "", timeout_s: float = 4.0):
        self.auth = (account_sid, auth_token) if account_sid and auth_token else None
        self.timeout_s = timeout_s

    def fetch(self, url: str) -> bytes | None:
        for attempt in range(FETCH_TRIES):
            try:
                response = requests.get(url, auth=self.auth, timeout=self.timeout_s)
            except requests.RequestException as exc:
                log.warning("recording %s not fetched: %s", url, type(exc).__name__)
                return None
            if response.status_code == 200 and response.content:
                return response.content
            if response.status_code != 404:
                log.warning("recording %s answered HTTP %s", url, response.status_code)
                return None
            time.sleep(FETCH_PAUSE_S * (attempt + 1))
        log.warning("recording %s still not there after %d tries", url, FETCH_TRIES)
        return None


@dataclass
class SpeechService:
    """Recognisers by language (loaded once, before workers fork) and the prompt cache, when available."""

    recognizers: dict = field(default_factory=dict)
    fetcher: object = None
    cache: object = None
    rate_wpm: int = SPEECH_RATE_WPM
    problems: dict = field(default_factory=dict)  # what is unavailable and why, for /api/health
    _warned: set = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- recognition ------------------------------------------------------------
    def listens(self, language: str) -> bool:
        return language in self.recognizers

    def hear_recording(self, url: str, listen: Listen) -> SpeechHeard:
        """Fetch and recognise a recording against the menu's phrases; bad or missing audio matches nothing."""
        blob = self.fetcher.fetch(url) if self.fetcher else None
        if blob is None:
            return SpeechHeard("", 0.0)
        try:
            audio = read_audio(blob)
        except (BadAudio, ValueError) as exc:
            log.warning("recording %s is not audio we can read: %s", url, exc)
            metrics.bad_audio()
            return SpeechHeard("", 0.0)
        return self.hear(listen, lambda recognizer, grammar: recognizer.transcribe(audio, grammar))

    def hear(self, listen: Listen, transcribe) -> SpeechHeard:
        recognizer = self.recognizers.get(listen.language)
        if recognizer is None:
            return SpeechHeard("", 0.0)
        options = listen.as_dict()
        grammar = sorted({p for phrases in options.values() for p in phrases})
        try:
            transcript: Transcript = transcribe(recognizer, grammar)
        except SpeechError as exc:
            log.warning("recognition failed: %s", exc)
            metrics.bad_audio()
            return SpeechHeard("", 0.0)
        return heard(transcript, options)

    # -- synthesis --------------------------------------------------------------
    def prompt_path(self, text: str, language: str) -> Path | None:
        """The cached WAV for a prompt (rendered now if new); None when synthesis is unavailable."""
        if self.cache is None:
            return None
        voice = Voice(language=language, rate_wpm=self.rate_wpm)
        cached = self.cache.lookup(text, voice)  # the common case: a file check, no lock
        if cached is not None:
            metrics.prompt_cache_hit()
            return cached
        metrics.prompt_rendered()
        try:
            with self._lock:  # pyttsx3 keeps one engine per process: one render at a time
                return self.cache.get(text, voice)
        except SpeechError as exc:
            self._warn_once("synthesis", f"prompt synthesis failed, using <Say>: {exc}")
            return None

    def warm(self, texts: list[tuple[str, str]]) -> None:
        """Render these (text, language) prompts in the background, so the first callers hear no delay."""
        if self.cache is None or not texts:
            return
        threading.Thread(target=self._render_all, args=(texts,), name="prompt-warm", daemon=True).start()

    def _render_all(self, texts: list[tuple[str, str]]) -> None:
        for text, language in texts:
            self.prompt_path(text, language)
        log.info("prompt cache warm: %d prompts", len(texts))

    def status(self) -> dict:
        return {"recognition": sorted(self.recognizers), "synthesis": self.cache is not None,
                "problems": dict(self.problems)}

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)


@metrics.counts_recognitions
def heard(transcript: Transcript, options: dict[str, list[str]]) -> SpeechHeard:
    """The engine's event for a transcript: the matched option (if any) and whether it is sure."""
    if transcript.empty:
        return SpeechHeard("", 0.0)
    found = match(transcript.texts or [transcript.text], options)
    if found is None:
        return SpeechHeard(transcript.text, transcript.confidence)
    return SpeechHeard(transcript.text, transcript.confidence, found.option, found.phrase, found.score, found.confident)


def build_speech(settings, languages: set[str]) -> SpeechService:
    """Load what the settings ask for; whatever fails is logged and listed, never raised."""
    service = SpeechService(fetcher=RecordingFetcher(settings.twilio_account_sid, settings.twilio_auth_token))
    if settings.speech == "off":
        service.problems["recognition"] = "turned off (SPEECH=off)"
    else:
        _load_recognizers(service, languages)
    if settings.prompts == "synth":
        _load_synthesizer(service, settings.prompt_cache_dir)
    else:
        service.problems["synthesis"] = "prompts are spoken by Twilio <Say> (PROMPTS=say)"
    return service


# One model and one synthesiser per process, whatever the number of apps built in it (tests build many;
# gunicorn --preload builds one before forking, so workers share the model's memory).
_LOADED: dict = {}
_LOADING = threading.Lock()


def _once(key, load):
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = load()
        return _LOADED[key]


def process_synthesizer():
    """The process's one Pyttsx3Synthesizer, loaded on first use (pyttsx3 keeps one engine per process)."""
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    return _once("pyttsx3", lambda: Pyttsx3Synthesizer().load())


def _load_recognizers(service: SpeechService, languages: set[str]) -> None:
    from speech.vosk_recognizer import VoskRecognizer

    for language in sorted(languages):
        try:
            service.recognizers[language] = _once(("vosk", language), lambda: VoskRecognizer.for_language(language).load())
        except (SpeechError, OSError) as exc:
            service.problems[f"recognition:{language}"] = str(exc)
            log.warning("speech recognition for %r unavailable, its menus take keys only: %s", language, exc)


def _load_synthesizer(service: SpeechService, directory: Path) -> None:
    from speech.prompt_cache import PromptCache

    try:
        service.cache = PromptCache(directory, process_synthesizer())
    except (SpeechError, OSError, RuntimeError) as exc:
        service.problems["synthesis"] = f"unavailable, prompts use <Say>: {exc}"
        log.warning("prompt synthesis unavailable, prompts use <Say>: %s", exc)

"""Speech for calls: recognise a caller's recording against a menu's phrases, and play prompts from the cache.

The shell side of speech: it knows vosk and pyttsx3 only through the `speech` ports, and hands the engine
a SpeechHeard event. A missing model or synthesiser is reported once and the IVR carries on with keys
and <Say>: a webhook never fails for speech.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from speech import BadAudio, Prompt, SpeechError, Transcript, Voice
from speech.decision import Hearing, decide
from speech.audio import read_audio
from speech.silence import timed

from .flow.events import SpeechHeard
from .flow.instructions import Listen
from .observability import metrics
from .event_loop import off_the_event_loop

log = logging.getLogger(__name__)
SPEECH_RATE_WPM = 175  # espeak-ng words per minute for prompts
FETCH_TRIES = 4  # Twilio may still be writing the file when the action arrives: a 404 is tried again
MAX_WARNINGS = 1000  # distinct failures logged per process; past that, the log is not flooded


@dataclass
class SpeechService:
    """Recognisers by language (loaded once, before workers fork) and the prompt cache, when available."""

    recognizers: dict = field(default_factory=dict)
    fetcher: object = None  # the outbound Twilio port: downloads recordings from allowed hosts
    cache: object = None
    rate_wpm: int = SPEECH_RATE_WPM
    problems: dict = field(default_factory=dict)  # what is unavailable and why, for /api/health
    _warned: set = field(default_factory=set)

    # -- recognition ------------------------------------------------------------
    def listens(self, language: str) -> bool:
        return language in self.recognizers

    def hear_recording(self, url: str, listen: Listen) -> SpeechHeard:
        """Fetch and recognise a recording against the menu's phrases; bad or missing audio matches nothing."""
        blob = self.fetcher.download(url, FETCH_TRIES) if self.fetcher else None
        if blob is None:
            return SpeechHeard("", 0.0)
        try:
            audio = read_audio(blob)
        except (BadAudio, ValueError) as exc:
            log.warning("recording %s is not audio we can read: %s", url, exc)
            metrics.bad_audio()
            return SpeechHeard("", 0.0)
        timer = timed(audio)
        return self.hear(listen, lambda recognizer, grammar: recognizer.transcribe(audio, grammar),
                         timer.cut_off, timer.speech_s)

    def hear(self, listen: Listen, transcribe, cut_off: bool = False, speech_s: float | None = None) -> SpeechHeard:
        recognizer = self.recognizers.get(listen.language)
        if recognizer is None:
            return SpeechHeard("", 0.0)
        options = listen.as_dict()
        grammar = sorted({p for phrases in options.values() for p in phrases})
        try:
            transcript: Transcript = off_the_event_loop(lambda: transcribe(recognizer, grammar))
        except SpeechError as exc:
            log.warning("recognition failed: %s", exc)
            metrics.bad_audio()
            return SpeechHeard("", 0.0)
        return heard(transcript, options, cut_off, speech_s)

    # -- synthesis --------------------------------------------------------------
    def prompt_path(self, text: str, language: str) -> Path | None:
        """The cached WAV for a prompt (rendered now if new, within the render budget); None means <Say>."""
        if self.cache is None:
            return None
        voice = Voice(language=language, rate_wpm=self.rate_wpm)
        cached = self.cache.lookup(text, voice)  # the common case: a file check
        if cached is not None:
            metrics.prompt_cache_hit()
            return cached
        metrics.prompt_rendered()
        try:
            return self.cache.render(text, voice)  # in this process's renderer child, never in-process
        except SpeechError as exc:
            name = self.cache.path_for(text, voice).stem  # the text may hold a caller's secret: never logged
            self._warn_once(f"synthesis:{name}", f"prompt {name} not synthesised, spoken by <Say>: {exc}")
            return None

    def warm(self, texts: list[tuple[str, str]]) -> None:
        """Render these (text, language) prompts ahead of callers, in a process of its own (no thread here:
        gunicorn forks this process right after start, and threads and locks do not survive a fork)."""
        if self.cache is None or not texts:
            return
        from speech.render_process import warm_in_background

        prompts = [Prompt(text, Voice(language=language, rate_wpm=self.rate_wpm)) for text, language in texts]
        missing = [p for p in prompts if self.cache.lookup(p.text, p.voice) is None]
        if missing:
            warm_in_background(self.cache.directory, self.cache.key, missing)

    def status(self) -> dict:
        return {"recognition": sorted(self.recognizers), "synthesis": self.cache is not None,
                "problems": dict(self.problems)}

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned and len(self._warned) < MAX_WARNINGS:
            self._warned.add(key)
            log.warning(message)


@metrics.counts_recognitions
def heard(transcript: Transcript, options: dict[str, list[str]], cut_off: bool = False,
          speech_s: float | None = None) -> SpeechHeard:
    """The engine's event for a transcript: the matched option (if any) and whether it is sure
    (`speech.decision`: right, or ask).

    Words cut off before the caller finished (`cut_off`: the stream or the recording stopped mid-speech)
    are never sure: "배송" of an unfinished "배송 조회" may be the start of something else. `speech_s`, how
    long the caller spoke, lets the decision doubt a phrase far shorter or longer than the speech."""
    if transcript.empty:
        return SpeechHeard("", 0.0)
    shares = [alternative.confidence for alternative in transcript.alternatives]
    found = decide(Hearing(transcript.texts or [transcript.text], shares, cut_off, speech_s), options)
    if found is None:
        return SpeechHeard(transcript.text, transcript.confidence)
    if cut_off:
        log.info("speech cut off before its end: %r is confirmed, not taken", found.phrase)
    return SpeechHeard(transcript.text, transcript.confidence, found.option, found.phrase, found.score, found.confident)


def build_speech(settings, languages: set[str], fetcher=None) -> SpeechService:
    """Load what the settings ask for; whatever fails is logged and listed, never raised."""
    service = SpeechService(fetcher=fetcher)
    if settings.speech == "off":
        service.problems["recognition"] = "turned off (SPEECH=off)"
    else:
        _load_recognizers(service, languages)
    if settings.prompts == "synth":
        _load_synthesizer(service, settings)
    else:
        service.problems["synthesis"] = "prompts are spoken by Twilio <Say> (PROMPTS=say)"
    return service


# One model and one synthesiser per process, whatever the number of apps built in it (tests build many;
# gunicorn --preload builds one before forking, so workers share the model's memory).
_LOADED: dict = {}
_LOADING = threading.RLock()


def _once(key, load):
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = load()
        return _LOADED[key]


def process_synthesizer():
    """This process's one ProcessSynthesizer: it renders in a child process of its own, started on first use
    (after any fork), so espeak's state is never shared between processes."""
    from speech.render_process import ProcessSynthesizer

    return _once("renderer", ProcessSynthesizer)


def _load_recognizers(service: SpeechService, languages: set[str]) -> None:
    from speech.vosk_recognizer import VoskRecognizer

    for language in sorted(languages):
        try:
            service.recognizers[language] = _once(("vosk", language), lambda: VoskRecognizer.for_language(language).load())
        except (SpeechError, OSError) as exc:
            service.problems[f"recognition:{language}"] = str(exc)
            log.warning("speech recognition for %r unavailable, its menus take keys only: %s", language, exc)


def _load_synthesizer(service: SpeechService, settings) -> None:
    from speech.prompt_cache import PromptCache
    from speech.render_process import Budgeted

    from .secret_key import derived, server_secret

    try:
        synthesizer = _once("renderer-checked", lambda: process_synthesizer().check())
        key = derived(server_secret(settings), "prompt-names")
        service.cache = PromptCache(settings.prompt_cache_dir, Budgeted(synthesizer, settings.prompt_render_timeout_s), key)
        if service.cache.purge_legacy():
            log.info("removed prompt files of the older naming (guessable names, text sidecars)")
    except (SpeechError, OSError, RuntimeError, ValueError) as exc:
        service.problems["synthesis"] = f"unavailable, prompts use <Say>: {exc}"
        log.warning("prompt synthesis unavailable, prompts use <Say>: %s", exc)

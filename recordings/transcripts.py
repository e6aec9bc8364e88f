"""Transcripts of recordings: recognised offline (vosk, free vocabulary, the call's language), long audio in
chunks; due rows are claimed one at a time, so the timer job and the backlog command never do one twice, and a
failure is tried again later, up to a cap."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from speech import SpeechError, Transcript
from speech.audio import Audio, read_audio

from .store import AudioRef

log = logging.getLogger(__name__)
CHUNK_S = 20.0          # vosk decodes one chunk at a time: memory stays flat for an hour-long call
MAX_TRIES = 5           # after that a recording is left untranscribed, its last error kept on the row
RETRY_AFTER = timedelta(minutes=5)   # doubled after each failure
CLAIM_FOR = timedelta(minutes=15)    # a claimed row is free again after this (its worker died)
JOB_EVERY_S = 10.0


@dataclass(frozen=True)
class Heard:
    """The transcript of one recording: text (may be empty: silence), mean confidence 0..1, audio length."""

    text: str
    confidence: float
    duration_s: float


def chunks(audio: Audio, seconds: float = CHUNK_S) -> list[Audio]:
    """The audio cut into pieces of at most `seconds` (on sample boundaries); none for empty audio."""
    size = max(2, int(seconds * audio.rate_hz) * 2)
    return [Audio(audio.pcm[i:i + size], audio.rate_hz) for i in range(0, len(audio.pcm) - 1, size)]


def transcribe_audio(recognizer, audio: Audio, run=lambda work: work()) -> Heard:
    """Free-vocabulary recognition chunk by chunk; the confidence is the spoken chunks' mean, weighted by length."""
    parts: list[tuple[Transcript, float]] = []
    for piece in chunks(audio):
        parts.append((run(lambda piece=piece: recognizer.transcribe(piece, None)), piece.duration_s))
    spoken = [(t, s) for t, s in parts if not t.empty]
    seconds = sum(s for _t, s in spoken)
    confidence = sum(t.confidence * s for t, s in spoken) / seconds if seconds else 0.0
    return Heard(" ".join(t.text for t, _s in spoken), round(confidence, 3), audio.duration_s)


class Transcriber:
    """Transcribes due recordings. `recognizers` maps a language to a loaded recognizer; `language_of(uow,
    call_sid)` says the call's language; `audio` (a `RecordingAudio`) reads a row's audio from the store (or an
older row's file); `run` runs vosk off the event loop."""

    def __init__(self, uow, clock, recognizers: dict, language_of, audio, run=lambda work: work(),
                 default_language: str = "ko"):
        self.uow, self.clock, self.recognizers = uow, clock, recognizers
        self.language_of, self.audio, self.run, self.default_language = language_of, audio, run, default_language
        self._worker: threading.Thread | None = None
        self._last_run = float("-inf")

    def due(self, since: datetime | None = None, limit: int = 1000) -> list[int]:
        with self.uow() as uow:
            return uow.recordings.due_for_transcript(self.clock.now(), MAX_TRIES, since, limit)

    def backlog(self, since: datetime | None = None) -> list[tuple[int, int]]:
        """(id, seconds of audio as Twilio reported) of every due recording made since `since`, oldest first."""
        ids = self.due(since, limit=1_000_000)
        with self.uow() as uow:
            return [(i, max(1, uow.recordings.get(i).duration_seconds or 0)) for i in ids]

    def transcribe_due(self, limit: int = 5, since: datetime | None = None) -> int:
        """Transcribe up to `limit` due recordings now; how many got a transcript."""
        return sum(1 for row_id in self.due(since, limit) if self.transcribe_one(row_id) is not None)

    def transcribe_one(self, row_id: int) -> Heard | None:
        """Claim, recognise and store one recording; None when another worker has it or it failed (retried later)."""
        claimed = self._claim(row_id)
        if claimed is None:
            return None
        where, language = claimed
        try:
            heard = self._hear(where, language)
        except (SpeechError, OSError, ValueError) as exc:
            self._failed(row_id, str(exc))
            return None
        self._store(row_id, heard, language)
        return heard

    def job(self) -> None:
        """For the timer loop: every JOB_EVERY_S, a few due recordings in a thread of their own, so the queue's
        tick never waits for vosk (one such thread at a time)."""
        import time

        if (self._worker is not None and self._worker.is_alive()) or time.monotonic() - self._last_run < JOB_EVERY_S:
            return
        self._last_run = time.monotonic()
        self._worker = threading.Thread(target=self._background, name="transcripts", daemon=True)
        self._worker.start()

    def _background(self) -> None:
        try:
            done = self.transcribe_due()
            if done:
                log.info("transcripts: %s recording(s) transcribed", done)
        except Exception:  # noqa: BLE001 - a database hiccup: the next run tries again
            log.exception("transcripts: the run failed; trying again later")

    def _claim(self, row_id: int) -> tuple[AudioRef, str] | None:
        now = self.clock.now()
        with self.uow() as uow:
            if not uow.recordings.claim_for_transcript(row_id, now, now + CLAIM_FOR):
                return None
            row = uow.recordings.get(row_id)
            language = self.language_of(uow, row.call_sid) or self.default_language
            uow.commit()
            return AudioRef.of(row), language

    def _hear(self, where: AudioRef, language: str) -> Heard:
        recognizer = self.recognizers.get(language)
        if recognizer is None:
            raise SpeechError(f"no speech model loaded for language {language!r}")
        with self.audio.open(where) as stream:
            body = stream.read()
        return transcribe_audio(recognizer, read_audio(body), self.run)

    def _store(self, row_id: int, heard: Heard, language: str) -> None:
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.recordings.get(row_id)
            if row is not None:
                row.transcript, row.transcript_language, row.transcript_confidence = heard.text, language, heard.confidence
                row.transcribed_at, row.transcribe_after, row.transcribe_error, row.updated_at = now, None, "", now
                uow.commit()

    def _failed(self, row_id: int, error: str) -> None:
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.recordings.get(row_id)
            if row is None:
                return
            row.transcribe_tries += 1
            row.transcribe_after = now + RETRY_AFTER * 2 ** (row.transcribe_tries - 1)
            row.transcribe_error, row.updated_at = error[:256], now
            gave_up = row.transcribe_tries >= MAX_TRIES
            uow.commit()
        log.warning("transcripts: recording %s failed (%s)%s", row_id, error[:200],
                    "; given up after %s tries" % MAX_TRIES if gave_up else "; tried again later")

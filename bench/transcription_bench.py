"""Transcription speed: seconds of CPU-side wall time per minute of voicemail audio, through the real Korean vosk
model in free vocabulary, chunked as the timer job does (recordings.transcripts). Audio: Korean sentences spoken
by espeak-ng at 8 kHz with pauses, repeated to the length asked. Run: `.venv/bin/python bench/transcription_bench.py 60`."""
from __future__ import annotations

import os
import sys
import time

from recordings.transcripts import CHUNK_S, transcribe_audio
from speech.audio import silence
from speech.model import Voice
from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer
from speech.vosk_recognizer import VoskRecognizer

SENTENCES = ["환불 문의입니다", "주문한 상품이 아직 도착하지 않았습니다", "다시 전화 부탁드립니다", "배송 조회를 하고 싶습니다"]


def audio_of(seconds: float):
    synthesizer = Pyttsx3Synthesizer().load()
    try:
        parts = [synthesizer.render(s, Voice("ko", rate_wpm=175)) + silence(0.6) for s in SENTENCES]
    finally:
        synthesizer.close()
    audio, i = silence(0.3), 0
    while audio.duration_s < seconds:
        audio, i = audio + parts[i % len(parts)], i + 1
    return audio


def main(seconds: float) -> None:
    recognizer = VoskRecognizer.for_language("ko").load()
    audio = audio_of(seconds)
    started, cpu = time.perf_counter(), time.process_time()
    heard = transcribe_audio(recognizer, audio)
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    minutes = audio.duration_s / 60
    print(f"audio {audio.duration_s:.1f} s in {CHUNK_S:g} s chunks; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"wall {wall:.1f} s ({wall / minutes:.1f} s per audio minute, {audio.duration_s / wall:.2f}x real time); "
          f"CPU {used:.1f} s ({used / minutes:.1f} s per audio minute)")
    print(f"words heard: {len(heard.text.split())}, confidence {heard.confidence}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)

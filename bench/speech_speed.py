"""Speed and memory parts of the speech benchmark: real-time factor, end-of-speech latency, concurrent
streams on this machine, and the model's resident memory with and without sharing across a fork."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from speech.audio import silence, to_ulaw, ulaw_frames
from speech.silence import EndpointSettings
from speech_conditions import GRAMMAR, speech_of_length

LENGTHS_S = (2, 5, 20)
MODES = {"grammar": GRAMMAR, "free": None}
ENDPOINT = EndpointSettings(silence_s=0.8, max_speech_s=60.0)


def speed(recognizer, synthesizer) -> None:
    speech = {seconds: speech_of_length(synthesizer, seconds) for seconds in LENGTHS_S}
    print("\n## (b) Real-time factor and end-of-speech latency\n")
    print(f"Streams end on our silence timer after {ENDPOINT.silence_s} s of silence (audio time); the")
    print("latency below is the compute time from the last speech frame to the final result (finish()).\n")
    print("| utterance | mode | RTF whole file | RTF streamed (20 ms frames) | final result after last frame, ms |")
    print("|---|---|---|---|---|")
    for seconds, audio in speech.items():
        for mode, grammar in MODES.items():
            print(_speed_row(recognizer, audio, seconds, mode, grammar))
    concurrency(recognizer, speech[5])


def _speed_row(recognizer, audio, seconds, mode, grammar) -> str:
    start = time.perf_counter()
    recognizer.transcribe(audio, grammar)
    whole = time.perf_counter() - start
    streamed, latency = _stream_once(recognizer, to_ulaw(audio), grammar)
    return f"| {seconds} s | {mode} | {whole / seconds:.3f} | {streamed / seconds:.3f} | {1000 * latency:.1f} |"


def _stream_once(recognizer, ulaw: bytes, grammar) -> tuple[float, float]:
    stream = recognizer.open_stream(grammar, ENDPOINT)
    start = time.perf_counter()
    for frame in ulaw_frames(ulaw):
        stream.feed_ulaw(frame)
    fed = time.perf_counter()
    stream.finish()
    return fed - start, time.perf_counter() - fed


def concurrency(recognizer, audio) -> None:
    print("\n## (c) Concurrent streams on this machine (5 s utterance, frames fed as fast as possible)\n")
    print("Capacity = seconds of audio recognised per wall-clock second, all threads together: the number")
    print("of callers that can be heard in real time at once.\n")
    print("| mode | threads | wall s | capacity (real-time streams) |\n|---|---|---|---|")
    ulaw = to_ulaw(audio + silence(0.2))
    for mode, grammar in MODES.items():
        for threads in (1, 2, 4, 8) if grammar else (1, 2):
            wall = _parallel(recognizer, ulaw, grammar, threads)
            print(f"| {mode} | {threads} | {wall:.2f} | {threads * audio.duration_s / wall:.0f} |")


def _parallel(recognizer, ulaw: bytes, grammar, threads: int) -> float:
    workers = [threading.Thread(target=_stream_once, args=(recognizer, ulaw, grammar)) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


MEMORY_PROBE = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
from speech.audio import silence
from speech.vosk_recognizer import VoskRecognizer

def rss_mb(pid="self"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

def pss_mb(pid):
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024

def workers(load_first, count=3):
    recognizer = VoskRecognizer.for_language("ko")
    if load_first:
        recognizer.load()
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            recognizer.transcribe(silence(1.0), ["요금"])
            time.sleep(30)
            os._exit(0)
        pids.append(pid)
    time.sleep(1.0 if load_first else 6.0)
    total = pss_mb(os.getpid()) + sum(pss_mb(p) for p in pids)
    for pid in pids:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return total

mode = sys.argv[2]
if mode == "load":
    before = rss_mb()
    start = time.perf_counter()
    recognizer = VoskRecognizer.for_language("ko").load()  # kept: a freed model gives pages back
    loaded_s = time.perf_counter() - start
    after = rss_mb()
    recognizer.transcribe(silence(1.0), ["요금"])
    print(f"{before:.0f} {after:.0f} {loaded_s:.2f} {rss_mb():.0f}")
else:
    print(f"{workers(mode == 'shared'):.0f}")
"""


def memory() -> None:
    root = str(Path(__file__).resolve().parent.parent)
    run = lambda mode: subprocess.run(  # noqa: E731
        [sys.executable, "-c", MEMORY_PROBE, root, mode], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after, load_s, after_use = run("load")
    print("\n## (c) Model memory (Korean small model)\n")
    print(f"- RSS before load {before} MB, after {after} MB: **{int(after) - int(before)} MB** for the model;"
          f" load {load_s} s; {after_use} MB after a first recognition with a grammar.")
    print(f"- 3 forked workers, model loaded before fork: total PSS {run('shared')[0]} MB;"
          f" each worker loading its own: {run('separate')[0]} MB.")

"""Offline speech benchmark: menu-option accuracy, real-time factor and latency, model memory and
concurrent streams on this machine, prompt render times. Bounded to a few minutes.

    .venv/bin/python bench/speech_bench.py            # everything
    .venv/bin/python bench/speech_bench.py --only accuracy

Results are recorded in docs/speech.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `speech` from the work tree

import speech_speed  # noqa: E402
from speech.matching import SCORERS, MatchSettings, match  # noqa: E402
from speech.model import Prompt, Voice  # noqa: E402
from speech.prompt_cache import PromptCache  # noqa: E402
from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer  # noqa: E402
from speech.vosk_recognizer import VoskRecognizer  # noqa: E402
from speech_conditions import GRAMMAR, MENU, SNR_DB, menu_utterances  # noqa: E402

FRONT_ENDS = {"noise floor 300 (default)": 300.0, "noise floor 100": 100.0, "no noise floor": 0.0}


def accuracy(recognizers, utterances) -> None:
    print("\n## (a) Menu-option accuracy (grammar of 4 phrases, 5 voices x 3 rates x 4 phrases)\n")
    print("| front end | line | scorer | right | right and confident | wrong but confident | no match |")
    print("|---|---|---|---|---|---|---|")
    for front_end, recognizer in recognizers.items():
        for line, snr in SNR_DB.items():
            heard = [(u.option, recognizer.transcribe(u.on_the_line(snr, i), GRAMMAR)) for i, u in enumerate(utterances)]
            for scorer in SCORERS:
                print(_accuracy_row(front_end, line, scorer, heard))
    _per_voice(recognizers[next(iter(FRONT_ENDS))], utterances)


def _accuracy_row(front_end, line, scorer, heard) -> str:
    counts = defaultdict(int)
    for option, transcript in heard:
        chosen = match(transcript.texts, MENU, settings=MatchSettings(scorer=scorer))
        counts["none"] += chosen is None
        counts["right"] += bool(chosen and chosen.option == option)
        counts["sure"] += bool(chosen and chosen.option == option and chosen.confident)
        counts["wrong_sure"] += bool(chosen and chosen.option != option and chosen.confident)
    n = len(heard)
    cells = [f"{counts[k]}/{n} ({100 * counts[k] / n:.0f}%)" for k in ("right", "sure", "wrong_sure", "none")]
    return f"| {front_end} | {line} | {scorer} | " + " | ".join(cells) + " |"


def _per_voice(recognizer, utterances) -> None:
    print("\nClean line, default front end and scorer, right / total per voice and rate:\n")
    tally = defaultdict(lambda: [0, 0])
    for i, u in enumerate(utterances):
        chosen = match(recognizer.transcribe(u.on_the_line(None, i), GRAMMAR).texts, MENU)
        key = (u.voice.espeak_name, u.voice.rate_wpm)
        tally[key][0] += bool(chosen and chosen.option == u.option)
        tally[key][1] += 1
    print("| voice | " + " | ".join(f"{r} wpm" for r in sorted({k[1] for k in tally})) + " |")
    print("|---" * (1 + len({k[1] for k in tally})) + "|")
    for name in dict.fromkeys(k[0] for k in tally):
        cells = [f"{tally[(name, r)][0]}/{tally[(name, r)][1]}" for r in sorted({k[1] for k in tally})]
        print(f"| {name} | " + " | ".join(cells) + " |")


def prompt_renders(synthesizer) -> None:
    print("\n## (d) Prompt render times (8 kHz WAV through PromptCache)\n")
    prompts = [Prompt(f"{n}번 {text}을 원하시면 {n}번을 누르세요", Voice("ko")) for n, text in enumerate(GRAMMAR * 5)]
    with tempfile.TemporaryDirectory() as folder:
        cache = PromptCache(Path(folder), synthesizer, os.urandom(32))
        cold = _timed_each(prompts, lambda p: cache.get(p.text, p.voice))
        warm = _timed_each(prompts, lambda p: cache.get(p.text, p.voice))
    print("| | prompts | mean ms | max ms |\n|---|---|---|---|")
    for label, times in (("cold (render + resample + write)", cold), ("cached (lookup)", warm)):
        print(f"| {label} | {len(times)} | {1000 * sum(times) / len(times):.2f} | {1000 * max(times):.2f} |")


def _timed_each(items, work) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        work(item)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["accuracy", "speed", "memory", "prompts"])
    only = parser.parse_args().only
    print(f"# speech bench: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    synthesizer = Pyttsx3Synthesizer().load()
    if only in (None, "memory"):
        speech_speed.memory()
    loaded = VoskRecognizer.for_language("ko").load()
    recognizers = {name: loaded.configured(noise_floor_rms=floor) for name, floor in FRONT_ENDS.items()}
    if only in (None, "accuracy"):
        accuracy(recognizers, menu_utterances(synthesizer))
    if only in (None, "speed"):
        speech_speed.speed(loaded, synthesizer)
    if only in (None, "prompts"):
        prompt_renders(synthesizer)


if __name__ == "__main__":
    main()

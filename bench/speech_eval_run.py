"""Recognition pass of the evaluation (bench/speech_eval.py): every item under every line condition,
through each recogniser configuration, written as JSON lines to bench/.cache/speech_eval/ so the
decision rules can be tuned and reported without decoding again. Resumes where a run stopped.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import speech_eval_set as es
from speech.audio import from_ulaw
from speech.fillers import with_fillers
from speech.front_end import FrontEnd
from speech.silence import recording_cut_off

CONFIGS = {
    "baseline": (None, False),
    "fillers": (None, True),
    "front end": (FrontEnd(), False),
    "front end + fillers": (FrontEnd(), True),
    "front end + denoise + fillers": (FrontEnd(denoise=True), True),
}


def results_path(config: str) -> Path:
    return es.CACHE / f"results-{config.replace(' ', '_').replace('+', 'and')}.jsonl"


def cases(items, split: str | None = None):
    for n, item in enumerate(items):
        if split and es.split_of(item.variant) != split:
            continue
        for condition in es.conditions_of(n, item):
            yield n, item, condition


def key_of(item, condition) -> str:
    return f"{item.variant}|{item.text}|{item.kind}|{item.pitch}|{condition}"


def recognise(recognizer, config: str, items, split: str | None = None, progress=print) -> None:
    front_end, fillers = CONFIGS[config]
    path = results_path(config)
    done = {json.loads(line)["key"] for line in path.read_text().splitlines()} if path.exists() else set()
    rendered_cache: dict = {}
    rendered = lambda it: rendered_cache.setdefault(it, es.render(it))  # noqa: E731
    menus = es.menus()
    todo = [(n, it, c) for n, it, c in cases(items, split) if key_of(it, c) not in done]
    progress(f"{config}: {len(todo)} to recognise ({len(done)} cached)")
    with path.open("a") as out:
        for i, (n, item, condition) in enumerate(todo):
            babble = es.babble_for(items, item, rendered) if condition.startswith("babble") else None
            audio = from_ulaw(es.on_the_line(rendered(item), condition, n, babble))
            phrases = [p for ps in menus[item.menu].values() for p in ps]
            grammar = with_fillers(phrases, "ko") if fillers else phrases
            start = time.perf_counter()
            cleaned = front_end.process(audio) if front_end else audio
            middle = time.perf_counter()
            transcript = recognizer.transcribe(cleaned, grammar)
            end = time.perf_counter()
            row = {"key": key_of(item, condition), "variant": item.variant, "split": es.split_of(item.variant),
                   "text": item.text, "kind": item.kind, "menu": item.menu, "option": item.option,
                   "condition": condition, "texts": [a.text for a in transcript.alternatives],
                   "shares": [a.confidence for a in transcript.alternatives],
                   "cut_off": recording_cut_off(audio), "duration_s": round(audio.duration_s, 3),
                   "front_end_s": round(middle - start, 5), "recognise_s": round(end - middle, 5)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if i % 200 == 0:
                out.flush()
                progress(f"  {config}: {i}/{len(todo)}")

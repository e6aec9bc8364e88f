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
from speech.silence import timed

CONFIGS = {
    "baseline": (None, False),
    "fillers": (None, True),
    "front end": (FrontEnd(), False),
    "front end + fillers": (FrontEnd(), True),
    "front end + denoise + fillers": (FrontEnd(denoise=True), True),
    "noise floor 100": (None, False, 100.0),
    "front end + denoise": (FrontEnd(denoise=True), False),  # a second pass over the same audio, another front end
}


def line_facts(audio) -> dict:
    timer = timed(audio)
    return {"cut_off": timer.cut_off, "speech_s": round(timer.speech_s, 3)}


def with_speech_seconds(rows: list[dict]) -> list[dict]:
    """Rows decoded before speech_s was recorded get it from the same audio (no decoding needed)."""
    sidecar = es.CACHE / "speech_seconds.json"
    known = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    for row in rows:
        key = row["key"].rsplit("|", 1)[0] + "|" + row["condition"]
        if "speech_s" not in row and key in known:
            row["speech_s"] = known[key]
    missing = [r for r in rows if "speech_s" not in r]
    if missing:
        items = es.items()
        index = {(it.variant, it.text, it.kind, it.pitch): n for n, it in enumerate(items)}
        rendered_cache: dict = {}
        rendered = lambda it: rendered_cache.setdefault(it, es.render(it))  # noqa: E731
        for row in missing:
            n = index[(row["variant"], row["text"], row["kind"], int(row["key"].split("|")[3]))]
            item = items[n]
            babble = es.babble_for(items, item, rendered) if row["condition"].startswith("babble") else None
            row["speech_s"] = line_facts(from_ulaw(es.on_the_line(rendered(item), row["condition"], n, babble)))["speech_s"]
            known[row["key"]] = row["speech_s"]
        sidecar.write_text(json.dumps(known))
    return rows


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
    front_end, fillers, *floor = CONFIGS[config]
    if floor:
        recognizer = recognizer.configured(noise_floor_rms=floor[0])
    path = results_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)  # a fresh work tree has no cache yet
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
                   "text": item.text, "kind": item.kind, "pitch": item.pitch, "menu": item.menu, "option": item.option,
                   "condition": condition, "texts": [a.text for a in transcript.alternatives],
                   "shares": [a.confidence for a in transcript.alternatives],
                   **line_facts(audio), "duration_s": round(audio.duration_s, 3),
                   "front_end_s": round(middle - start, 5), "recognise_s": round(end - middle, 5)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if i % 200 == 0:
                out.flush()
                progress(f"  {config}: {i}/{len(todo)}")

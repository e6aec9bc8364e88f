"""The child side of prompt rendering: a process of its own with its own espeak engine.

`python -m speech.render_child serve` answers one JSON request per line on stdin (text, language, variant,
rate) with one JSON line (the PCM in base64, or the error); it exits when stdin closes, so it never
outlives the worker that started it. `python -m speech.render_child warm` reads one JSON document (cache
folder, key, prompts), renders the missing prompts into the cache and exits. Prompt text never reaches
argv, the environment or the log.
"""
from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
import sys
from pathlib import Path

from speech.errors import SpeechError, SynthesisUnavailable
from speech.model import Prompt, Voice

log = logging.getLogger("speech.render_child")


def serve(requests, answers) -> None:
    """Load the engine, say whether it is ready, then render each request line until stdin closes."""
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    try:
        synthesizer = Pyttsx3Synthesizer().load()
    except SynthesisUnavailable as exc:
        _send(answers, {"ready": False, "error": str(exc)})
        return
    _send(answers, {"ready": True})
    for line in requests:
        _send(answers, _render(synthesizer, line))


def _render(synthesizer, line: bytes) -> dict:
    try:
        request = json.loads(line)
        voice = Voice(request["language"], request.get("variant", ""), int(request["rate_wpm"]))
        audio = synthesizer.render(request["text"], voice)
    except SpeechError as exc:
        return {"ok": False, "error": str(exc)}
    except (ValueError, KeyError, TypeError) as exc:
        return {"ok": False, "error": f"bad render request: {type(exc).__name__}"}
    return {"ok": True, "rate_hz": audio.rate_hz, "pcm": base64.b64encode(audio.pcm).decode("ascii")}


def _send(answers, message: dict) -> None:
    answers.write(json.dumps(message).encode() + b"\n")
    answers.flush()


def warm(document: dict) -> int:
    """Render the document's prompts into its cache folder, one warm-up at a time per folder."""
    from speech.prompt_cache import PromptCache
    from speech.pyttsx3_synthesizer import Pyttsx3Synthesizer

    directory = Path(document["directory"])
    directory.mkdir(parents=True, exist_ok=True)
    prompts = [Prompt(text, Voice(language, variant, int(rate))) for text, language, variant, rate in document["prompts"]]
    with open(directory / ".warm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker warming the same cache: wait, then find it filled
        cache = PromptCache(directory, Pyttsx3Synthesizer().load(), bytes.fromhex(document["key"]))
        report = cache.render_all(prompts)
    log.info("prompt cache warm: %d rendered, %d already cached, %d failed", report.rendered, report.cached,
             len(report.failed))
    return 1 if report.failed else 0


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever espeak or pyttsx3 print goes to the log, never into the answers
    try:
        if argv[1:] == ["serve"]:
            serve(sys.stdin.buffer, answers)
            return 0
        if argv[1:] == ["warm"]:
            return warm(json.load(sys.stdin))
    except SpeechError as exc:
        log.warning("prompt rendering stopped: %s", exc)
        return 1
    except (OSError, ValueError, KeyError) as exc:
        log.warning("prompt rendering stopped: %s", type(exc).__name__)
        return 1
    log.error("usage: python -m speech.render_child serve|warm")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

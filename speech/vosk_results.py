"""vosk's JSON results read into Transcripts: plain parsing, no vosk import."""
from __future__ import annotations

import json
import math

from speech.model import EMPTY, Alternative, Transcript


def parse_result(result_json: str) -> Transcript:
    """A vosk final result (n-best form, or plain text when alternatives are off) as a Transcript.

    vosk scores each n-best alternative by its lattice log-likelihood; a softmax over the list gives
    each a share between 0 and 1, which is the confidence reported. vosk answers "" when it decoded
    nothing: that, and a list of empty texts, is the empty transcript.
    """
    result = json.loads(result_json)
    raw = result.get("alternatives") or [{"text": result.get("text", ""), "confidence": 0.0}]
    shares = softmax([float(alt.get("confidence", 0.0)) for alt in raw])
    alternatives = tuple(Alternative(alt.get("text", "").strip(), round(p, 3)) for alt, p in zip(raw, shares))
    if not any(alt.text for alt in alternatives):
        return EMPTY
    best = alternatives[0]
    return Transcript(best.text, best.confidence if best.text else 0.0, alternatives)


def joined(segments: list[Transcript]) -> Transcript:
    """One transcript from the segments vosk cut an utterance into at its own endpoints: the earlier
    segments' best texts lead every alternative of the last non-empty one."""
    spoken = [segment for segment in segments if not segment.empty]
    if len(spoken) < 2:
        return spoken[0] if spoken else EMPTY
    prefix = " ".join(segment.text for segment in spoken[:-1])
    last = spoken[-1]
    alternatives = tuple(Alternative(f"{prefix} {alt.text}".strip(), alt.confidence) for alt in last.alternatives)
    return Transcript(alternatives[0].text, min(s.confidence for s in spoken), alternatives)


def parse_partial(result_json: str) -> str:
    return json.loads(result_json).get("partial", "")


def softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]

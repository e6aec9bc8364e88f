"""The process's Prometheus metrics and the small calls that move them; no Flask, no database.

Under gunicorn every worker writes its values to files in PROMETHEUS_MULTIPROC_DIR (set before this
module is first imported: see gunicorn_hooks), and a scrape of any worker adds them all up. Without that
variable (`python app.py`, tests) the values live in this process's own registry.
"""
from __future__ import annotations

import os
from datetime import datetime
from functools import wraps

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

REGISTRY = CollectorRegistry()  # this process's metrics, scraped when not in multiprocess mode
LATENCY_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)  # Twilio gives up at 15 s
OUTCOMES = ("sure", "confirm", "no_match", "bad_audio")

WEBHOOK_REQUESTS = Counter("ivr_webhook_requests", "Twilio webhook requests answered, by route and HTTP status.",
                           ["route", "status"], registry=REGISTRY)
WEBHOOK_SECONDS = Histogram("ivr_webhook_seconds", "Time to answer a Twilio webhook, by route.", ["route"],
                            buckets=LATENCY_BUCKETS_S, registry=REGISTRY)
WEBHOOKS_IN_PROGRESS = Gauge("ivr_webhooks_in_progress", "Twilio webhooks being answered right now.",
                             registry=REGISTRY, multiprocess_mode="livesum")
FALLBACK_ANSWERS = Counter("ivr_fallback_answers", "Webhooks answered with the apology fallback, by route.",
                           ["route"], registry=REGISTRY)
RECOGNITIONS = Counter("ivr_speech_recognitions", "Speech recognitions by outcome: sure, confirm, no_match, bad_audio.",
                       ["outcome"], registry=REGISTRY)
PROMPT_RENDERS = Counter("ivr_prompt_renders", "Prompts sent to the synthesiser (not found in the cache).",
                         registry=REGISTRY)
PROMPT_CACHE_HITS = Counter("ivr_prompt_cache_hits", "Prompts played from the cache without rendering.",
                            registry=REGISTRY)
for _outcome in OUTCOMES:  # every outcome is present from the start, at 0, so rates and alerts work at once
    RECOGNITIONS.labels(outcome=_outcome)


def multiprocess() -> bool:
    """True when the values are shared through files (gunicorn with PROMETHEUS_MULTIPROC_DIR)."""
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def process_sources() -> list:
    """What a scrape reads for the counters: every worker's files, or this process's registry."""
    return [MultiProcessCollector(None)] if multiprocess() else [REGISTRY]


def webhook_answered(route: str, status: int, seconds: float) -> None:
    WEBHOOK_REQUESTS.labels(route=route, status=str(status)).inc()
    WEBHOOK_SECONDS.labels(route=route).observe(seconds)


def fallback_answered(route: str) -> None:
    FALLBACK_ANSWERS.labels(route=route).inc()


def outcome_of(event) -> str:
    """A recognition's outcome from the SpeechHeard it gave: matched sure, matched to confirm, or not matched."""
    if event.option is None:
        return "no_match"
    return "sure" if event.confident else "confirm"


def counts_recognitions(heard):
    """Decorates the function that turns a transcript into a SpeechHeard: each result is counted by outcome."""
    @wraps(heard)
    def counted(*args, **kwargs):
        event = heard(*args, **kwargs)
        RECOGNITIONS.labels(outcome=outcome_of(event)).inc()
        return event
    return counted


def bad_audio() -> None:
    """A recording or stream that could not be recognised at all."""
    RECOGNITIONS.labels(outcome="bad_audio").inc()


def prompt_rendered() -> None:
    PROMPT_RENDERS.inc()


def prompt_cache_hit() -> None:
    PROMPT_CACHE_HITS.inc()


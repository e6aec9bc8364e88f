"""The web side of operating: GET /metrics, and the request hooks that time webhooks and tag log lines."""
from __future__ import annotations

import hmac
import re
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import metrics
from .collector import DatabaseCollector

bp = Blueprint("metrics", __name__)
LOOPBACK = {"127.0.0.1", "::1"}
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
WEBHOOKS = "voice"  # the blueprint of Twilio's webhooks


class Scrape:
    """What one scrape exposes: the counters (this process's, or every worker's) and the database's figures."""

    def __init__(self, sources: list):
        self.sources = sources

    def collect(self):
        for source in self.sources:
            yield from source.collect()


@bp.get("/metrics")
def scrape():
    refused = _refusal()
    if refused is not None:
        return refused
    scrape = Scrape(metrics.process_sources() + [DatabaseCollector(current_app.extensions["ivr"])])
    return Response(generate_latest(scrape), content_type=CONTENT_TYPE_LATEST)


def _refusal():
    """The JSON API's rule (a bearer token, or loopback only when none is set) unless METRICS_OPEN=1."""
    settings = current_app.extensions["ivr"].settings
    if settings.metrics_open:
        return None
    if not settings.api_token:
        if request.remote_addr in LOOPBACK:
            return None
        return jsonify({"error": "IVR_API_TOKEN is not set on the server; /metrics answers only local requests"}), 401
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {settings.api_token}".encode()):
        return jsonify({"error": "missing or wrong bearer token"}), 401
    return None


def init_app(app: Flask) -> None:
    """Serve /metrics and hook every request of `app` (one app's hooks; the blueprints stay untouched)."""
    app.register_blueprint(bp)
    app.before_request(_started)
    app.after_request(_answered)
    app.teardown_request(_finished)


def _started() -> None:
    given = request.headers.get("X-Request-Id", "")
    context = {"request_id": given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex}
    if request.blueprint == WEBHOOKS:
        context |= {"call_sid": (request.values.get("CallSid") or "")[:64] or None, "node": request.args.get("node")}
        g.webhook_started = time.perf_counter()
        metrics.WEBHOOKS_IN_PROGRESS.inc()
    g.log_context = context


def _answered(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("log_context", {}).get("request_id", "")
    if "webhook_started" in g:
        metrics.webhook_answered(route_of(), response.status_code, time.perf_counter() - g.webhook_started)
    return response


def _finished(_exc) -> None:
    if g.pop("webhook_started", None) is not None:
        metrics.WEBHOOKS_IN_PROGRESS.dec()


def fallback_answered() -> None:
    """This webhook answers the apology fallback (counted by route)."""
    metrics.fallback_answered(route_of())


def route_of() -> str:
    """The route's rule (`/voice/step`), never the raw path: query strings and ids would explode the labels."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"

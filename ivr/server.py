"""Run the webhook server in-process (Flask's threaded server) and tell the operator what to configure."""
from __future__ import annotations

from callqueue.worker import start_in_background

from .config import Settings
from .web import create_app


def webhook_lines(settings: Settings) -> list[str]:
    base = settings.public_base_url or f"http://{settings.host}:{settings.port}"
    return [
        f"IVR listening on http://{settings.host}:{settings.port}",
        f"  Twilio number -> 'A call comes in' webhook (HTTP POST): {base}/voice",
        f"  Twilio number -> 'Call status changes' callback (HTTP POST): {base}/voice/status",
        f"  Health: {base}/api/health",
        f"  Try a call: .venv/bin/ivr call --url http://{settings.host}:{settings.port}",
        f"  JSON API: {_api_state(settings)}",
    ]


def _api_state(settings: Settings) -> str:
    if settings.api_token:
        return "Authorization: Bearer $IVR_API_TOKEN"
    if settings.dev_open_api:
        return "open to this machine without a token (IVR_DEV_OPEN_API=1, development only)"
    return "closed (no IVR_API_TOKEN); set IVR_API_TOKEN, or IVR_DEV_OPEN_API=1 for local development"


def run(settings: Settings | None = None) -> None:
    settings = settings or Settings.from_env()
    app = create_app(settings)
    start_in_background(app.extensions["ivr"].queues)  # development: the queue's time-driven work (`ivr worker` in production)
    print("\n".join(webhook_lines(settings)), flush=True)
    app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)

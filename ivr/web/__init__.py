"""Flask side: the app factory, Twilio webhooks, the JSON API."""
from __future__ import annotations

import logging

from flask import Flask

from ..bootstrap import Services, build
from ..config import Settings
from . import api, api_queue, api_reports, demo, http_policy, media, media_stream, voice, voice_queue  # noqa: F401  (they add routes to api.bp, voice.bp)
from .local_fetch import LocalFirstFetcher
from .signature import SignatureChecker

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, clock=None) -> Flask:
    """Build the app for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask("ivr")
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    services = build(settings, clock)
    app.extensions["ivr"] = services
    app.extensions["ivr.signatures"] = SignatureChecker(settings.twilio_auth_token, settings.public_base_url)
    services.calls.fetcher = LocalFirstFetcher(services.calls.fetcher, app)
    app.register_blueprint(voice.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(media.bp)
    media_stream.init_app(app)
    http_policy.init_app(app)
    if settings.demo_endpoints:
        app.register_blueprint(demo.bp)
    _warn_development(settings)
    return app


def services_of(app: Flask) -> Services:
    return app.extensions["ivr"]


def _warn_development(settings: Settings) -> None:
    if settings.development:
        log.warning("*" * 72)
        log.warning("DEVELOPMENT MODE: TWILIO_AUTH_TOKEN is not set, so webhook signatures are NOT checked.")
        log.warning("Anyone who can reach this server can drive calls. Set TWILIO_AUTH_TOKEN in production.")
        log.warning("*" * 72)
    if not settings.api_token and settings.dev_open_api:
        log.warning("IVR_API_TOKEN is not set and IVR_DEV_OPEN_API=1: the JSON API answers anyone on this machine "
                    "(loopback). For development only: behind a reverse proxy on this host that is everyone.")
    elif not settings.api_token:
        log.warning("IVR_API_TOKEN is not set: the JSON API is closed (only /api/health answers). "
                    "Set IVR_API_TOKEN, or IVR_DEV_OPEN_API=1 on a development machine.")

"""Flask side: the app factory, Twilio webhooks, the JSON API."""
from __future__ import annotations

import json
import logging

from flask import Flask

from ..accounts import api as accounts_api, web as accounts  # noqa: F401  (accounts_api adds routes to api.bp)
from ..accounts import account_pages, admin_pages
from ..board import pages as board_pages
from ..bootstrap import Services, build
from ..config import Settings
from ..db import release_connections
from ..desk import pages as desk_pages
from ..observability import web as observability
from ..observability.logs import configure_logging
from ..recording_life import web as recording_pages
from . import (api, api_board, api_funnel, api_queue, api_reports, assets, demo, http_policy, i18n, media, media_stream,  # noqa: F401
               voice, voice_callback, voice_queue, voice_queue_callback)  # (they add routes to api.bp, voice.bp)
from .budget import Answer, RequestBounds, text_answer
from .signature import SignatureChecker
from .twiml import fallback

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, clock=None, twilio=None, **overrides) -> Flask:
    """Build the app for `settings` (default: from the environment); `clock`, `twilio` and any other named
    `overrides` go to `bootstrap.build` (see there: tests and the simulator pass their fakes this way). http nodes'
    relative URLs are answered by this app unless `local_app=None` is passed."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    app = Flask("ivr", template_folder="web/templates", static_folder="web/static", static_url_path="/static")
    app.config["JSON_AS_ASCII"] = False
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False
    services = build(settings, clock=clock, twilio=twilio, **{"local_app": app, **overrides})
    app.extensions["ivr"] = services
    app.extensions["ivr.signatures"] = SignatureChecker(settings.twilio_auth_token, settings.public_base_url)
    app.register_blueprint(voice.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(media.bp)
    accounts.init_app(app, settings)
    app.register_blueprint(account_pages.bp)  # /account/password, sign out everywhere, /account/api/session
    app.register_blueprint(admin_pages.bp)    # /admin/audit, /admin/users
    i18n.init_app(app)
    board_pages.init_app(app)
    desk_pages.init_app(app)
    app.register_blueprint(recording_pages.bp)  # /board/voicemail, recordings' JSON for pages, signed audio
    media_stream.init_app(app)
    observability.init_app(app)
    http_policy.init_app(app)
    assets.init_app(app)
    if settings.demo_endpoints:
        app.register_blueprint(demo.bp)
    app.wsgi_app = RequestBounds(app.wsgi_app, settings.max_body_bytes, settings.webhook_budget_s, _late_answers(settings),
                                 settings.webhook_concurrency)
    _warn_development(settings)
    # Nothing opened here may serve a request after a fork (gunicorn --preload): give the pool's connections
    # back now; each process opens its own on first use (ivr.db also drops inherited ones in a forked child).
    release_connections(services.engine)
    return app


def _late_answers(settings: Settings):
    """What a request that overran the budget answers: webhooks the fallback TwiML, the health check a 503."""
    twiml = text_answer("200 OK", fallback(settings.apology, settings.fallback_number, settings.say_languages), "text/xml")
    health = text_answer("503 Service Unavailable", json.dumps(
        {"status": "degraded", "database": f"no answer within {settings.webhook_budget_s:g} s"}), "application/json")

    def late(path: str) -> Answer | None:
        if path == "/voice" or path.startswith("/voice/"):
            return twiml
        return health if path == "/api/health" else None

    return late


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

"""Sign-in pages and sessions: /login, /logout, `login_required`, `current_user`, CSRF on every form and page POST.

The session is Flask's signed cookie (a key derived from the server secret for this purpose): it holds a random
session id, whose hash is a row of `user_sessions`, and when it was last used. Every page request reads the
session row and its user again, so a session ended at sign-out (or everywhere, or by a password change, or by
disabling the user) stops at once even when its cookie was copied, and a session unused for SESSION_IDLE_S is over.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, current_app, g, jsonify, redirect, render_template, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..secret_key import derived, server_secret
from ..web import i18n
from .audit import REQUEST_IP
from .errors import BadCredentials, Throttled
from .model import LANGUAGES, Role, User
from .page_words import WORDS

log = logging.getLogger(__name__)
bp = Blueprint("accounts", __name__)
csrf = CSRFProtect()
EXEMPT_PREFIXES = ("/api/", "/voice/", "/metrics")  # Bearer-token API, signed Twilio webhooks, the scrape
JSON_PREFIXES = ("/desk/api", "/board/api", "/account/api")  # the pages' own JSON: 401/403 as JSON, not a redirect
LOOPBACK = {"127.0.0.1", "::1"}
HOME = {Role.AGENT.value: "/desk", Role.SUPERVISOR.value: "/board", Role.ADMIN.value: "/board"}
BACKGROUND_HEADER = "X-Background"  # "1" on a page's own fetches (common.js BACKGROUND): not the person's activity


def init_app(app: Flask, settings) -> None:
    """Session cookie, CSRF protection and the sign-in routes on `app`."""
    app.secret_key = derived(server_secret(settings), "sessions")
    app.config.update(
        SESSION_COOKIE_NAME="ivr_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _guard, where the API and webhooks are left out by path
        WTF_CSRF_TIME_LIMIT=None,      # a desk stays open all day: the token lives as long as the session
        WTF_CSRF_SSL_STRICT=False,     # pages send no Referer (Referrer-Policy: no-referrer); the token suffices
    )
    csrf.init_app(app)
    app.before_request(_guard)
    app.teardown_request(_forget_ip)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.context_processor(lambda: {"current_user": current_user})
    i18n.add(WORDS)
    app.register_blueprint(bp)


def client_address() -> str:
    """The browser's address: the peer's, or, when the peer is a proxy on this host, the address that proxy
    saw (the last X-Forwarded-For entry, the one nginx's $proxy_add_x_forwarded_for appends)."""
    peer = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in LOOPBACK and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:64]
    return peer


def _guard():
    g.audit_ip = REQUEST_IP.set(client_address())
    if request.method in current_app.config["WTF_CSRF_METHODS"] and not _exempt(request.path):
        csrf.protect()
    _keep_language_choice()


def _keep_language_choice() -> None:
    """The language switch (?lang=) of a signed-in user is saved with the user as well as in the session."""
    chosen = request.args.get("lang")
    if request.method != "GET" or chosen not in LANGUAGES or _exempt(request.path):
        return
    user = current_user()
    if user is not None and user.language != chosen:
        current_app.extensions["ivr"].accounts.set_language(user, chosen)
        g.user = replace(user, language=chosen)


def _exempt(path: str) -> bool:
    return path == "/voice" or path == "/api" or path.startswith(EXEMPT_PREFIXES)


def _forget_ip(_exc=None) -> None:
    token = g.pop("audit_ip", None)
    if token is not None:
        REQUEST_IP.reset(token)


def _csrf_refused(exc: CSRFError):
    log.warning("CSRF refused %s %s from %s: %s", request.method, request.path[:120], request.remote_addr, exc.description)
    if _wants_json():
        return jsonify({"error": f"refused: {exc.description} Reload the page and try again."}), 400
    return render_template("message.html", title_key="csrf.title", text_key="csrf.text"), 400


def _wants_json() -> bool:
    return (request.path.startswith(JSON_PREFIXES) or "X-CSRFToken" in request.headers
            or request.accept_mimetypes.best == "application/json")


def current_user() -> User | None:
    """The signed-in user of this request, or None (no session, expired by inactivity, user gone or disabled)."""
    if "user" not in g:
        g.user = _session_user()
    return g.user


def _session_user() -> User | None:
    token = session.get("sid")
    if token is None:
        return None
    services = current_app.extensions["ivr"]
    now = int(services.clock.now().timestamp())
    if now - int(session.get("seen", 0)) > services.settings.session_idle_s:
        log.info("a session ended after %s s unused", services.settings.session_idle_s)
        services.accounts.sessions.end(token)
        end_session()
        g.session_expired = True
        return None
    user = services.accounts.session_user(token, touch=not background_request())
    if user is None:
        log.info("a session cookie for an ended session was refused (%s)", client_address())
        end_session()
        return None
    if not background_request():
        session["seen"] = now
    return user


def background_request() -> bool:
    """True for what a page fetches by itself (a live nudge's refresh, an event stream, a token renewal): such
    requests need the session but do not keep it alive, so an unattended page still ends after SESSION_IDLE_S."""
    return g.get("background", False) or request.headers.get(BACKGROUND_HEADER) == "1"


def end_session() -> None:
    """Forget everything but the chosen language (a new CSRF token comes with the next form)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def login_required(*roles: str, background: bool = False):
    """A page for signed-in users of `roles` (any role when none is named): no session -> sign-in page (401 JSON
    under /desk/api and /board/api); another role -> 403. `background=True` marks a route that is never the
    person's own activity (an event stream): it does not refresh the idle timer."""
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise ValueError(f"login_required: unknown role(s) {', '.join(sorted(unknown))}")

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if background:
                g.background = True
            user = current_user()
            if user is None:
                return _sign_in_first()
            if roles and user.role not in roles:
                return _forbidden(user)
            return view(*args, **kwargs)
        return guarded
    return decorate


def _sign_in_first():
    if request.path.startswith(JSON_PREFIXES):
        return jsonify({"error": "sign in first: no session, or it ended"}), 401
    query = {"next": request.full_path.rstrip("?")}
    if g.get("session_expired"):
        query["expired"] = "1"
    return redirect(f"/login?{urlencode(query)}", 303)


def _forbidden(user: User):
    log.warning("user %s (%s) refused %s", user.username, user.role, request.path[:120])
    if request.path.startswith(JSON_PREFIXES):
        return jsonify({"error": f"a {user.role} may not use this"}), 403
    return render_template("message.html", title_key="forbidden.title", text_key="forbidden.text"), 403


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site (not //host, not a scheme, no backslash trick), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and not parts.path.startswith("/login") else None


@bp.get("/login")
def login_form():
    user = current_user()
    if user is not None:
        return redirect(safe_next(request.args.get("next")) or HOME[user.role], 303)
    notice = "login.expired" if request.args.get("expired") == "1" else None
    return render_template("login.html", next=safe_next(request.args.get("next")), notice=notice)


@bp.post("/login")
def login():
    services = current_app.extensions["ivr"]
    username, target = request.form.get("username", ""), safe_next(request.form.get("next"))
    try:
        user = services.accounts.sign_in(username, request.form.get("password", ""), client_address())
    except Throttled:
        return render_template("login.html", next=target, error="login.throttled", username=username), 429
    except BadCredentials:
        return render_template("login.html", next=target, error="login.bad", username=username), 401
    end_session()  # a new session on sign-in: nothing from before (a planted id, an old CSRF token) carries over
    session["sid"], session["seen"] = services.accounts.start_session(user), int(services.clock.now().timestamp())
    log.info("user %s signed in (%s)", user.username, user.role)
    return redirect(target or HOME[user.role], 303)


@bp.post("/logout")
def logout():
    user = current_user()
    if user is not None:
        current_app.extensions["ivr"].accounts.sign_out(user, session.get("sid"))
        log.info("user %s signed out", user.username)
    end_session()
    g.user = None
    return redirect("/login", 303)

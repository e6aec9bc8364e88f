"""JSON API of the accounts under /api (Bearer token, like the rest of it): users, and the audit log."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..web.api import ApiError, bp
from .errors import AccountError, BadUserInput, DuplicateUser, UnknownUser

ERRORS = {BadUserInput: 400, DuplicateUser: 409, UnknownUser: 404}
ACTOR = "api"  # the API token belongs to no one user


def _services():
    return current_app.extensions["ivr"]


@bp.errorhandler(AccountError)
def account_error(exc: AccountError):
    return jsonify({"error": str(exc)}), ERRORS.get(type(exc), 400)


@bp.post("/users")
def add_user():
    """{"username", "password", "role", "agent", "language"} -> 201 with the user (never its password)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object (Content-Type: application/json)")
    user = _services().accounts.add(body.get("username"), body.get("password"), body.get("role"), body.get("agent"),
                                    body.get("language", "ko"), actor=ACTOR)
    return jsonify(user), 201


@bp.get("/users")
def users():
    return jsonify({"users": _services().accounts.users()})


@bp.post("/users/<username>/disable")
def disable_user(username: str):
    return jsonify(_services().accounts.set_disabled(username, True, actor=ACTOR))


@bp.post("/users/<username>/enable")
def enable_user(username: str):
    return jsonify(_services().accounts.set_disabled(username, False, actor=ACTOR))


@bp.get("/audit")
def audit():
    """The newest audit rows: ?limit= (1-1000, default 100), ?action= (sign_in, sign_in.failed, user.created ...)."""
    raw = request.args.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ApiError(400, "limit must be a whole number from 1 to 1000")
    action = request.args.get("action") or None
    if action is not None and len(action) > 64:
        raise ApiError(400, "action is at most 64 characters")
    return jsonify({"audit": _services().audit.recent(int(raw), action)})

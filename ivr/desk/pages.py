"""The agent desk's pages: /desk (the screen), /desk/events (the agent's own live nudges), /desk/api/... (the
snapshot, the caller card, presence, wrap-up, my day) and /desk/token (the browser phone). Every route reads or
changes through services.desk and services.presence, for the signed-in agent only."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, render_template, request

from callqueue.errors import InvalidTransition, QueueError, UnknownAgent, UnknownStatus
from ivr.accounts.web import current_user, login_required
from ivr.live.capture import agent_audience
from ivr.live.stream import parse_last_event_id

from . import words
from .errors import BadWrapUp, DeskError, NotYourCall, UnknownCall

log = logging.getLogger(__name__)
bp = Blueprint("desk_pages", __name__)
ERRORS = {UnknownCall: 404, NotYourCall: 403, BadWrapUp: 400, UnknownAgent: 404, UnknownStatus: 400,
          InvalidTransition: 409}
AGENT = "agent"


class BadRequest(DeskError):
    """A desk request whose JSON body is missing or of the wrong shape (HTTP: 400)."""


def init_app(app) -> None:
    """The desk's words and routes on `app`."""
    words.register()
    app.register_blueprint(bp)


def _services():
    return current_app.extensions["ivr"]


def _me() -> str:
    return current_user().agent_id


@bp.get("/desk")
@login_required(AGENT)
def desk():
    agent = _services().presence.agent(_me())
    return render_template("desk/desk.html", agent=agent, browser_phone=agent["contact"].startswith("client:"),
                           words=words.for_page())


@bp.get("/desk/events")
@login_required(AGENT, background=True)
def events():
    last = parse_last_event_id(request.headers.get("Last-Event-ID") or request.args.get("last_event_id"))
    return _services().live.response([agent_audience(_me())], last)


@bp.get("/desk/api/state")
@login_required(AGENT)
def state():
    return jsonify(_services().desk.state(_me()))


@bp.get("/desk/api/card/<call_sid>")
@login_required(AGENT)
def card(call_sid: str):
    return jsonify(_services().desk.caller_card(call_sid[:64], _me()))


@bp.get("/desk/api/day")
@login_required(AGENT)
def my_day():
    return jsonify(_services().desk.my_day(_me()))


@bp.get("/desk/token")
@login_required(AGENT)
def token():
    return jsonify(_services().desk.token(_me()))


@bp.post("/desk/api/status")
@login_required(AGENT)
def set_status():
    """Offline, available, or break with a reason; refused (409) while a call rings or is connected."""
    body = _body()
    status, reason = body.get("status"), body.get("reason") or None
    if not isinstance(status, str) or not (reason is None or isinstance(reason, str)):
        raise BadRequest("status must be offline, available or break; reason a break reason's code")
    agent = _services().presence.set_status(_me(), status, reason)
    _audit("presence.changed", status=status, reason=reason)
    return jsonify(agent)


@bp.post("/desk/api/ready")
@login_required(AGENT)
def ready():
    """End the wrap-up time now: the agent is available and routed at once."""
    agent = _services().desk.ready(_me())
    _audit("presence.changed", status="available", reason="wrap_up_ended")
    return jsonify(agent)


@bp.post("/desk/api/wrapup")
@login_required(AGENT)
def wrap_up():
    body = _body()
    entry_id, follow_up, ready_now = body.get("entry_id"), body.get("follow_up", False), body.get("ready", False)
    if not isinstance(entry_id, int) or isinstance(entry_id, bool) or not isinstance(ready_now, bool):
        raise BadRequest("entry_id must be a queue entry's id and ready true or false")
    done = _services().desk.wrap_up(_me(), entry_id, body.get("disposition"), body.get("notes", ""), follow_up,
                                    ready_now)
    _audit("wrap_up.stored", entry_id=entry_id, disposition=done["disposition"], follow_up=done["follow_up"])
    return jsonify(done)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object")
    return body


def _audit(action: str, **detail) -> None:
    user = current_user()
    _services().audit.record(user.username, action, user.agent_id, **detail)


@bp.errorhandler(DeskError)
@bp.errorhandler(QueueError)
def refused(exc: Exception):
    status = ERRORS.get(type(exc), 400)
    log.info("desk %s refused for %s (%s): %s", request.path[:80], current_user().username, status, exc)
    return jsonify({"error": str(exc)}), status

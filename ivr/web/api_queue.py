"""JSON API of the call queue: agents and their statuses, queues with live counts, statistics, abandoned callers."""
from __future__ import annotations

from flask import current_app, jsonify, request

from callqueue import reports
from callqueue.errors import BadAgent, InvalidTransition, UnknownAgent, UnknownQueue, UnknownStatus

from .api import ApiError, bp

ERRORS = {UnknownAgent: 404, UnknownQueue: 404, BadAgent: 400, UnknownStatus: 400, InvalidTransition: 409}


def _services():
    return current_app.extensions["ivr"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object (Content-Type: application/json)")
    return body


@bp.get("/agents")
def agents():
    return jsonify({"agents": _services().presence.agents()})


@bp.post("/agents")
def save_agent():
    """Create or update an agent: {"id", "name", "contact", "skills"}; the status is kept."""
    body = _body()
    agent_id = body.get("id")
    if not isinstance(agent_id, str) or not agent_id.strip() or len(agent_id) > 64:
        raise ApiError(400, "id is required: a name of 1 to 64 characters, like alice")
    agent, created = _services().presence.save(agent_id, body)
    return jsonify(agent), 201 if created else 200


@bp.get("/agents/<agent_id>")
def agent(agent_id: str):
    return jsonify(_services().presence.agent(agent_id))


@bp.post("/agents/<agent_id>/status")
def agent_status(agent_id: str):
    """A person sets offline, available or break (with an optional "reason" of break_reasons); the system's own
    statuses are refused."""
    body = _body()
    status, reason = body.get("status"), body.get("reason")
    if not isinstance(status, str):
        raise ApiError(400, "status is required: offline, available or break")
    if reason is not None and not isinstance(reason, str):
        raise ApiError(400, "reason must be a code of queues.yaml's break_reasons, like lunch")
    return jsonify(_services().presence.set_status(agent_id, status, reason))


@bp.get("/queues")
def queues():
    services = _services()
    with services.uow() as uow:
        return jsonify({"queues": reports.overview(uow.queue_views, services.queues.config)})


@bp.get("/queues/<name>/stats")
def queue_stats(name: str):
    """Measured figures for the last `hours` (default 24) per `interval` seconds (default 1800), and Erlang C."""
    services = _services()
    _known(name)
    hours, interval = _number("hours", 24, 1 / 60, 24 * 366), _number("interval", 1800, 60, 86400)
    with services.uow() as uow:
        return jsonify(reports.report(uow.queue_views, services.queues.config, name, services.clock.now(), hours, interval))


@bp.get("/queues/<name>/abandoned")
def queue_abandoned(name: str):
    """Callers who hung up while waiting, to call back, each once: number, latest time, wait, how many times."""
    services = _services()
    _known(name)
    hours = _number("hours", 24, 1 / 60, 24 * 366)
    with services.uow() as uow:
        rows = reports.abandoned(uow.queue_views, [name], services.clock.now(), hours)
    return jsonify({"queue": name, "abandoned": rows})


@bp.get("/queues/<name>/assignments")
def queue_assignments(name: str):
    """The latest offers in a queue (or of one call, ?call_sid=) with why each agent was chosen."""
    _known(name)
    limit = int(_number("limit", 50, 1, 500))
    with _services().uow() as uow:
        offers = uow.queue_views.offers(name, request.args.get("call_sid"), limit)
    return jsonify({"queue": name, "assignments": offers})


def _known(name: str) -> None:
    if name not in _services().queues.config.queues:
        raise UnknownQueue(f"no queue {name!r}; queues.yaml defines {', '.join(sorted(_services().queues.config.queues)) or 'none'}")


def _number(name: str, default: float, low: float, high: float) -> float:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a number") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be from {low:g} to {high:g}")
    return value


def _queue_error(exc):
    return jsonify({"error": str(exc)}), ERRORS[type(exc)]


for _error in ERRORS:
    bp.register_error_handler(_error, _queue_error)

"""JSON API of the board (same Bearer token as the rest of /api): wallboard, reports, CSV exports, abandoned callers
with call-backs, what-if staffing. Each route parses, makes one service call, answers."""
from __future__ import annotations

from flask import Response, current_app, jsonify, request, stream_with_context

from ..board.errors import BadRequest, BoardError
from .api import ApiError, bp

CSV_NAMES = {"calls.csv": "calls", "queue_entries.csv": "queue_entries", "surveys.csv": "surveys"}


def _reports():
    return current_app.extensions["ivr"].reports


def _span(default_days: int = 1):
    return _reports().period(request.args.get("from"), request.args.get("to"), default_days)


@bp.get("/board")
def board():
    return jsonify(_reports().board())


@bp.get("/reports/queues")
def reports_queues():
    return jsonify(_reports().queues_report(_span()))


@bp.get("/reports/agents")
def reports_agents():
    return jsonify(_reports().agents_report(_span()))


@bp.get("/reports/<name>")
def export(name: str):
    """A CSV download, streamed: calls.csv, queue_entries.csv, surveys.csv (UTF-8 with a byte order mark)."""
    if name not in CSV_NAMES:
        raise ApiError(404, f"no report {name[:40]!r}; there are queues, agents, {', '.join(CSV_NAMES)}")
    span = _span()
    body = _reports().export(CSV_NAMES[name], span)
    filename = f"{CSV_NAMES[name]}_{span.first.isoformat()}_{span.last.isoformat()}.csv"
    return Response(stream_with_context(body), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Accel-Buffering": "no"})


@bp.get("/abandoned")
def abandoned():
    return jsonify(_reports().abandoned(_span(), request.args.get("queue") or None))


@bp.post("/abandoned/<int:entry_id>/callback")
def callback(entry_id: int):
    """{"target": "queue"} or {"target": "agent", "agent": "alice"}: place a call-back through Twilio's REST API."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object like {\"target\": \"queue\"}")
    agent = body.get("agent")
    if agent is not None and not isinstance(agent, str):
        raise ApiError(400, "agent must be an agent's id (text)")
    actor = str(body.get("requested_by") or "api")[:128]
    return jsonify(_reports().callback(entry_id, body.get("target", "queue"), agent, actor)), 201


@bp.get("/queues/<name>/whatif")
def whatif(name: str):
    """?target_pct=80&target_s=20 and/or ?agents=N at today's measured load: Erlang C and the simulation."""
    return jsonify(_reports().whatif(name, _number("target_s"), _number("target_pct"), _whole("agents")))


def _number(name: str) -> float | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number, not {raw[:20]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadRequest(f"{name} must be a finite number")
    return value


def _whole(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise BadRequest(f"{name} must be a whole number like 5, not {raw[:20]!r}")
    return int(raw)


@bp.errorhandler(BoardError)
def board_error(exc: BoardError):
    current_app.logger.warning("board API %s: %s", request.path, exc)
    return jsonify({"error": str(exc)}), exc.status

"""The supervisor's pages (supervisor and admin roles): the live wallboard, the abandoned callers with call-back, a
queue's reports with what-if staffing, CSV downloads. Each route parses, makes one service call (services.reports,
services.presence), and renders or answers JSON; the figures come from the board's service, never SQL here.

Under /board/api the pages' own JSON (session + CSRF, 401/403 as JSON); /board/events is the live feed's stream of
nudges for the "board" audience, after which the page re-fetches /board/api/state.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, render_template, request, stream_with_context

from callqueue.errors import BadAgent, InvalidTransition, QueueError, UnknownAgent, UnknownQueue, UnknownStatus

from ..accounts.web import current_user, login_required
from ..live.capture import BOARD
from ..live.stream import parse_last_event_id
from ..web import i18n
from .errors import BadRequest, BoardError, NotFound
from .funnel import FunnelError
from .funnel_graph import FunnelGraphError, funnel_graph
from .periods import day_of, week_of
from .words import WORDS

log = logging.getLogger(__name__)
bp = Blueprint("board_pages", __name__)
SUPERVISORS = ("supervisor", "admin")
CSV_NAMES = {"calls.csv": "calls", "queue_entries.csv": "queue_entries", "surveys.csv": "surveys"}
QUEUE_ERRORS = {UnknownAgent: 404, UnknownQueue: 404, BadAgent: 400, UnknownStatus: 400, InvalidTransition: 409}
# What a supervisor may do to an agent from the board: the same presence rules as POST /api/agents/ID/status.
ACTIONS = {"offline": "force_offline", "available": "end_wrap_up"}


def init_app(app) -> None:
    """The board's words and routes on `app`."""
    i18n.add(WORDS)
    app.jinja_env.filters.setdefault("local_time", local_time)
    app.register_blueprint(bp)


# The words board.js shows (state names, buttons), handed to the page in a data attribute.
SCRIPT_WORDS = ("board.live", "board.reconnecting", "board.force_offline", "board.end_wrap_up", "board.offered",
                "board.answered", "board.abandoned", "board.service_level", "board.sl_line", "board.estimate",
                "board.actual", "board.seconds", "board.failed", "abandoned.placed", "abandoned.no_rest",
                *(f"board.state.{s}" for s in ("available", "on_call", "wrap_up", "break", "offline")))


@bp.context_processor
def _board_context() -> dict:
    flows = sorted(lf.flow.name for lf in _services().catalog.current.values())
    return {"nav_queues": list(_reports().config.queues), "nav_flows": flows,
            "words": {key: i18n.t(key) for key in SCRIPT_WORDS}}


def _services():
    return current_app.extensions["ivr"]


def _reports():
    return _services().reports


def local_time(value: str | datetime | None, zone: str | None = None) -> str:
    """An ISO instant as "YYYY-MM-DD HH:MM:SS" in the center's time zone ("" for none)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(zone or _reports().config.timezone)).strftime("%Y-%m-%d %H:%M:%S")


# -- the wallboard -------------------------------------------------------------------------------------------------
@bp.get("/board")
@login_required(*SUPERVISORS)
def board():
    return render_template("board/board.html", queues=list(_reports().config.queues))


@bp.get("/board/events")
@login_required(*SUPERVISORS)
def events():
    return _services().live.response([BOARD], parse_last_event_id(request.headers.get("Last-Event-ID")))


@bp.get("/board/api/state")
@login_required(*SUPERVISORS)
def state():
    return jsonify(_reports().board())


@bp.post("/board/api/agents/<agent_id>/status")
@login_required(*SUPERVISORS)
def agent_status(agent_id: str):
    """{"status": "offline"} forces an agent offline, {"status": "available"} ends a wrap-up: the API's presence
    rules (refused while a call rings at or is connected to the agent), audited."""
    body = request.get_json(silent=True)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in ACTIONS:
        return jsonify({"error": "status must be offline (force offline) or available (end wrap-up)"}), 400
    user = current_user()
    try:
        before = _services().presence.agent(agent_id)
        agent = _services().presence.set_status(agent_id, status)
    except QueueError as exc:
        log.warning("board: %s could not set %s %s: %s", user.username, agent_id[:64], status, exc)
        return jsonify({"error": str(exc)}), QUEUE_ERRORS.get(type(exc), 400)
    _services().audit.record(user.username, ACTIONS[status], agent_id, was=before.get("status"), now=status)
    return jsonify(agent)


# -- abandoned callers ---------------------------------------------------------------------------------------------
@bp.get("/board/abandoned")
@login_required(*SUPERVISORS)
def abandoned():
    reports = _reports()
    queue = request.args.get("queue") or None
    span = reports.period(request.args.get("from"), request.args.get("to"))
    listed = reports.abandoned(span, queue)
    agents = [a for a in _services().presence.agents()]
    return render_template("board/abandoned.html", listed=listed, queue=queue, queues=list(reports.config.queues),
                           agents=agents)


@bp.post("/board/api/abandoned/<int:entry_id>/callback")
@login_required(*SUPERVISORS)
def callback(entry_id: int):
    """{"target": "queue"} or {"target": "agent", "agent": "kim"}: call the caller back (services.reports.callback,
    which audits it with the signed-in supervisor as the actor)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": 'the body must be a JSON object like {"target": "queue"}'}), 400
    agent = body.get("agent") or None
    if agent is not None and not isinstance(agent, str):
        return jsonify({"error": "agent must be an agent's id"}), 400
    return jsonify(_reports().callback(entry_id, body.get("target", "queue"), agent, current_user().username)), 201


# -- a queue's reports and what-if ---------------------------------------------------------------------------------
@bp.get("/board/queues/<name>")
@login_required(*SUPERVISORS)
def queue_page(name: str):
    reports = _reports()
    if name not in reports.config.queues:
        raise NotFound(f"no queue {name[:64]!r}")
    kind = request.args.get("period", "day")
    span = _span(kind)
    report = next(r for r in reports.queues_report(span)["queues"] if r["queue"] == name)
    agents = [a for a in reports.agents_report(span)["agents"] if name in a["queues"]]
    asked = {k: request.args.get(k, "") for k in ("target_pct", "target_s", "agents")}
    whatif = reports.whatif(name, _number(asked["target_s"], "target_s"), _number(asked["target_pct"], "target_pct"),
                            _whole(asked["agents"], "agents"))
    query = f"from={span.first.isoformat()}&to={span.last.isoformat()}"
    return render_template("board/queue.html", name=name, kind=kind, span=span, report=report, agents=agents,
                           whatif=whatif, asked=asked, query=query, csv_names=list(CSV_NAMES),
                           target=reports.config.queues[name])


def _span(kind: str):
    reports = _reports()
    if kind == "week":
        zone = reports.config.timezone
        return week_of(day_of(reports.clock.now(), zone), zone)
    if kind == "range":
        return reports.period(request.args.get("from") or None, request.args.get("to") or None)
    if kind != "day":
        raise BadRequest(f"period must be day, week or range, not {kind[:20]!r}")
    return reports.period(request.args.get("from") or None, None)


def _number(raw: str, name: str) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number, not {raw[:20]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadRequest(f"{name} must be a finite number")
    return value


def _whole(raw: str, name: str) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise BadRequest(f"{name} must be a whole number like 5, not {raw[:20]!r}")
    return int(raw)


@bp.get("/board/reports/<name>")
@login_required(*SUPERVISORS)
def export(name: str):
    """The API's CSV downloads for a signed-in supervisor: the same streamed generator (services.reports.export)."""
    if name not in CSV_NAMES:
        raise NotFound(f"no report {name[:40]!r}; there are {', '.join(CSV_NAMES)}")
    span = _reports().period(request.args.get("from"), request.args.get("to"))
    body = _reports().export(CSV_NAMES[name], span)
    filename = f"{CSV_NAMES[name]}_{span.first.isoformat()}_{span.last.isoformat()}.csv"
    return Response(stream_with_context(body), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Accel-Buffering": "no"})


# -- a flow's funnel -----------------------------------------------------------------------------------------------
@bp.get("/board/flows/<name>")
@login_required(*SUPERVISORS)
def flow_page(name: str):
    """Each node's entries, how callers left it, drop-off, median time, speech share; the coloured diagram."""
    first, last = request.args.get("from") or None, request.args.get("to") or None
    found = _funnel(name, first, last)
    rows = sorted(found["nodes"].items(), key=lambda item: -item[1]["entries"])
    query = f"from={found['from']}&to={found['to']}&lang={i18n.language()}"
    return render_template("board/flow.html", name=name, funnel=found, rows=rows, query=query)


@bp.get("/board/flows/<name>/diagram.svg")
@login_required(*SUPERVISORS)
def flow_diagram(name: str):
    """The flow's diagram coloured by drop-off with counts on the edges, as image/svg+xml for an <img> (Graphviz's
    text comes from YAML: shown as an image, never inlined into the page)."""
    services = _services()
    found = _funnel(name, request.args.get("from") or None, request.args.get("to") or None)
    try:
        svg = funnel_graph(services.funnel.flow(name), found, request.args.get("lang") or i18n.language())
    except FunnelGraphError as exc:
        log.warning("funnel diagram of %r: %s", name[:80], exc)
        return Response(str(exc), status=503, mimetype="text/plain")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def _funnel(name: str, first: str | None, last: str | None) -> dict:
    """The funnel of flow `name`; a missing `from` is today (in the center's time zone), a missing `to` is `from`."""
    if not first:
        first = _reports().period(None, None).first.isoformat()
    last = last or first
    try:
        return _services().funnel.funnel(name, first, last)
    except FunnelError as exc:
        raise (NotFound if "no flow named" in str(exc) else BadRequest)(str(exc)) from None


@bp.errorhandler(BoardError)
def board_error(exc: BoardError):
    log.warning("board page %s: %s", request.path[:120], exc)
    if request.path.startswith("/board/api"):
        return jsonify({"error": str(exc)}), exc.status
    return render_template("board/error.html", error=str(exc)), exc.status

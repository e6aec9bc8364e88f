"""The JSON API: health (open), calls with their event logs (Bearer token)."""
from __future__ import annotations

import hmac
import logging
import re
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from callqueue.timer_lease import last_pass

from ..db import ping
from ..flow.nodes import GatherNode
from ..tables import CallRow

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")
LOOPBACK = {"127.0.0.1", "::1"}
MASK = "****"
TIMERS_STALE_S = 60.0
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s/:'\"]+/)+(?=[^\s/:'\"]+)")  # "/srv/ivr/flows/" of ".../a.yaml"


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _services():
    return current_app.extensions["ivr"]


@bp.before_request
def authorize():
    if request.endpoint == "api.health":
        return None
    settings = _services().settings
    if not settings.api_token:
        # Behind a reverse proxy on this host every request comes from loopback: never open by default.
        if settings.dev_open_api and request.remote_addr in LOOPBACK:
            return _readable()
        raise ApiError(401, "IVR_API_TOKEN is not set on the server; the API is closed "
                            "(IVR_DEV_OPEN_API=1 opens it to this machine, for development only)")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), f"Bearer {settings.api_token}".encode()):
        raise ApiError(401, "missing or wrong bearer token")
    return _readable()


def _readable() -> None:
    """Refuse NUL bytes in the path, query or JSON body: no client needs them and PostgreSQL cannot store them."""
    body = request.get_data(cache=True)
    in_args = any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True))
    if "\x00" in request.path or in_args or b"\x00" in body or b"\\u0000" in body:
        raise ApiError(400, "the request holds a NUL character")
    return None


@bp.get("/health")
def health():
    services = _services()
    database = _database_state(services.engine)
    flows = [{"name": lf.flow.name, "version": lf.flow.version, "file": _shown_file(lf.flow.path, services.settings.flows_dir)}
             for lf in services.catalog.current.values()]
    problems = [_no_paths(str(p)) for ps in services.catalog.problems.values() for p in ps if p.severity == "error"]
    ok = database == "ok" and bool(flows)
    speech = services.speech.status()
    speech = {**speech, "problems": {k: _no_paths(str(v)) for k, v in speech.get("problems", {}).items()}}
    body = {"status": "ok" if ok else "degraded", "database": database, "flows": flows, "flow_errors": problems,
            "speech": speech, **_timers_state(services, database == "ok")}
    # Stale timers stay 200: the lease is shared by every app server, so a 503 would take them all out of
    # the load balancer and no call would be answered; webhooks still work, only time-driven work waits.
    return jsonify(body), 200 if ok else 503


def _timers_state(services, reachable: bool) -> dict:
    """Whether some process ran the queue's timer loop within the last minute (read from the database)."""
    if not reachable:
        return {"timers": "unknown: database unreachable", "timers_last_pass": None}
    try:
        seen = last_pass(services.uow)
    except Exception as exc:  # noqa: BLE001 - health reports it rather than failing
        log.warning("health: timer lease unreadable: %s", exc)
        return {"timers": f"unknown: {type(exc).__name__}", "timers_last_pass": None}
    if seen is None:
        return {"timers": "stale: no timer loop has ever run", "timers_last_pass": None}
    age_s = round((services.clock.now() - seen.at).total_seconds(), 1)
    state = "ok" if age_s <= TIMERS_STALE_S else f"stale: no timer pass for {age_s:g} s"
    if state != "ok":
        log.warning("health: queue timers %s (last by %s); is a server or `ivr worker` running?", state, seen.by)
    return {"timers": state, "timers_last_pass": {"at": seen.at.isoformat(), "age_s": age_s, "by": seen.by}}


def _database_state(engine) -> str:
    try:
        ping(engine)
    except Exception as exc:  # noqa: BLE001 - health reports it rather than failing
        log.warning("health: database unreachable: %s", exc)
        return "unreachable"
    return "ok"


def _shown_file(path: str, flows_dir) -> str:
    """A flow file as the open health check shows it: relative to the flows folder, never the server's layout."""
    try:
        return Path(path).resolve().relative_to(Path(flows_dir).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _no_paths(text: str) -> str:
    return ABSOLUTE_PATH.sub("", text)


@bp.get("/flows")
def flows():
    """Every flow in service with its version, every file's problems, and the versions ever served."""
    services = _services()
    services.refresh_flows()
    catalog = services.catalog
    problems = {_file(file): [_problem_json(p) for p in ps] for file, ps in sorted(catalog.problems.items())}
    served = [_flow_json(lf, problems.get(_file(lf.flow.path), [])) for lf in sorted(catalog.current.values(), key=lambda lf: lf.flow.name)]
    with services.uow() as uow:
        history = [{"name": v.name, "version": v.version, "file": _file(v.path), "loaded_at": v.loaded_at.isoformat()}
                   for v in uow.flow_versions.all()]
    return jsonify({"flows": served, "problems": problems, "versions": history})


def _flow_json(loaded, problems: list) -> dict:
    flow = loaded.flow
    failing = any(p["severity"] == "error" for p in problems)
    return {"name": flow.name, "version": flow.version, "file": _file(flow.path), "numbers": flow.numbers,
            "default": flow.default, "languages": flow.languages, "subflows": sorted(flow.parts),
            "loaded_at": loaded.loaded_at.isoformat() if loaded.loaded_at else None,
            "status": "serving last good version; the file has errors" if failing else "ok"}


def _problem_json(problem) -> dict:
    return {"file": _file(problem.file), "line": problem.line, "column": problem.column,
            "severity": problem.severity, "message": problem.message, "text": _no_paths(str(problem))}


def _file(path: str) -> str:
    return _shown_file(path, _services().settings.flows_dir)


@bp.get("/calls")
def calls():
    limit = _int_arg("limit", 50, 1, 500)
    offset = _int_arg("offset", 0, 0, 10**9)
    with _services().uow() as uow:
        rows = uow.calls.recent(limit, offset, request.args.get("status"))
        return jsonify({"calls": [_call_json(row) for row in rows], "limit": limit, "offset": offset})


@bp.get("/calls/<call_sid>")
def call(call_sid: str):
    with _services().uow() as uow:
        row = uow.calls.with_events(call_sid)
        if row is None:
            raise ApiError(404, f"no call {call_sid}")
        body = _call_json(row)
        body["events"] = [
            {"at": e.at.isoformat(), "kind": e.kind, "node": e.node, "flow_version": e.flow_version, "detail": e.detail}
            for e in row.events
        ]
        return jsonify(body)


def _call_json(row: CallRow) -> dict:
    return {
        "call_sid": row.call_sid, "from": row.from_number, "to": row.to_number, "direction": row.direction,
        "flow": row.flow_name, "flow_version": row.flow_version, "node": row.node, "language": row.language,
        "variables": _masked(row), "status": row.status, "flow_ended": row.flow_ended,
        "started_at": row.started_at.isoformat(), "updated_at": row.updated_at.isoformat(),
        "ended_at": row.ended_at.isoformat() if row.ended_at else None, "duration_seconds": row.duration_seconds,
        "disposition": row.disposition, "notes": row.notes, "follow_up": row.follow_up, "wrapped_by": row.wrapped_by,
        "wrapped_at": row.wrapped_at.isoformat() if row.wrapped_at else None,
    }


def _masked(row: CallRow) -> dict:
    """The call's variables, with those a `sensitive: true` gather collected hidden."""
    loaded = _services().catalog.version(row.flow_version)
    hidden = set() if loaded is None else {
        n.variable for n in loaded.flow.nodes.values() if isinstance(n, GatherNode) and n.sensitive
    }
    return {k: (MASK if k in hidden else v) for k, v in (row.variables or {}).items()}


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    return jsonify({"error": exc.message}), exc.status


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return jsonify({"error": exc.description}), exc.code


@bp.errorhandler(DataError)
@bp.errorhandler(OverflowError)
def unstorable(exc: Exception):
    """A value the database cannot hold (a number past its column): the request was bad, not the server."""
    log.warning("API %s: a value the database refused: %s", request.path, str(exc).splitlines()[0][:200])
    return jsonify({"error": "a value in the request is out of range"}), 400


@bp.errorhandler(Exception)
def fault(exc: Exception):
    log.exception("API %s failed", request.path)
    return jsonify({"error": "internal error; the server's log has the details"}), 500

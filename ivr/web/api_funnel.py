"""JSON API: the IVR funnel of a flow over a period (same token as the rest of /api)."""
from __future__ import annotations

import logging

from flask import current_app, jsonify, request

from ..board.funnel import FunnelError
from .api import ApiError, bp

log = logging.getLogger(__name__)


@bp.get("/flows/<name>/funnel")
def flow_funnel(name: str):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD` (days in the center's time zone, both included): each node's entries,
    exits, drop-off, median time, speech share and average confidence."""
    try:
        found = current_app.extensions["ivr"].funnel.funnel(name, request.args.get("from"), request.args.get("to"))
    except FunnelError as exc:
        log.info("funnel of %r refused: %s", name[:80], exc)
        raise ApiError(400, str(exc)) from None
    return jsonify(found)

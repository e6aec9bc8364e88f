"""A small order-status service for the sample flow's http node (DEMO_ENDPOINTS=1, the default)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Blueprint, current_app, jsonify

bp = Blueprint("demo", __name__, url_prefix="/demo")
STATUSES = ("preparing", "in_transit", "delivered")


@bp.get("/orders/<order_number>")
def order(order_number: str):
    """Answers like a shop's order API: the same number always gets the same status; 0000 is unknown."""
    if not order_number.isdigit() or set(order_number) == {"0"}:
        return jsonify({"error": f"no order {order_number}"}), 404
    seed = int(hashlib.sha256(order_number.encode()).hexdigest(), 16)
    today = current_app.extensions["ivr"].clock.now().date()
    status = STATUSES[seed % 3]
    eta = today + timedelta(days=0 if status == "delivered" else 1 + seed % 4)
    return jsonify({"order": order_number, "status": status, "delivery": {"eta": eta.isoformat(), "carrier": "CJ대한통운"}})

"""Stand-in /desk and /board pages until the desk and the board are built: delete this module (and its
registration in ivr/web/__init__.py) when they replace them."""
from __future__ import annotations

from flask import Blueprint, render_template

from .web import login_required

bp = Blueprint("placeholder_pages", __name__)


@bp.get("/desk")
@login_required("agent")
def desk():
    return render_template("placeholder.html", title_key="desk.title", text_key="desk.coming")


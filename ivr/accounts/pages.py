"""Stand-in /board page until the board is built: delete this module (and its
registration in ivr/web/__init__.py) when they replace them."""
from __future__ import annotations

from flask import Blueprint, render_template

from .web import login_required

bp = Blueprint("placeholder_pages", __name__)


@bp.get("/board")
@login_required("supervisor", "admin")
def board():
    return render_template("placeholder.html", title_key="board.title", text_key="board.coming")

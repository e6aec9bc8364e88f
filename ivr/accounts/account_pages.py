"""A signed-in user's own account: change the password (ends their other sessions), sign out everywhere, and
`/account/api/session` (how long this session has left; pages ask in the background and go to /login at the end)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session

from .errors import BadCredentials, BadUserInput
from .web import end_session, current_user, login_required

log = logging.getLogger(__name__)
bp = Blueprint("account", __name__)


def _services():
    return current_app.extensions["ivr"]


@bp.get("/account/password")
@login_required()
def password_form():
    done = request.args.get("changed") == "1"
    return render_template("account/password.html", notice="account.changed" if done else None)


@bp.post("/account/password")
@login_required()
def change_password():
    form = request.form
    if form.get("new_password", "") != form.get("repeat_password", ""):
        return render_template("account/password.html", error="account.mismatch"), 400
    try:
        _services().accounts.change_password(current_user(), form.get("old_password", ""), form.get("new_password", ""),
                                             session.get("sid"))
    except BadCredentials:
        return render_template("account/password.html", error="account.wrong_old"), 400
    except BadUserInput as exc:
        log.info("password change of %s refused: %s", current_user().username, exc)
        return render_template("account/password.html", error="account.weak", detail=str(exc)), 400
    return redirect("/account/password?changed=1", 303)


@bp.post("/account/sign-out-everywhere")
@login_required()
def sign_out_everywhere():
    _services().accounts.sign_out_everywhere(current_user())
    end_session()
    g.user = None
    return redirect("/login", 303)


@bp.get("/account/api/session")
@login_required(background=True)
def session_left():
    """{"idle_s", "left_s"}: seconds this session has before it ends unused (401 once it has ended)."""
    services = _services()
    idle_s = services.settings.session_idle_s
    unused_s = int(services.clock.now().timestamp()) - int(session.get("seen", 0))
    return jsonify({"idle_s": idle_s, "left_s": max(0.0, idle_s - unused_s)})

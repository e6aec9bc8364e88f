"""Admins' pages: the audit log with filters and paging (/admin/audit), and the users (/admin/users: list, add,
disable, enable, set a password), so an admin needs no API token. Every change is audited with the admin's name."""
from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request

from .errors import AccountError
from .model import LANGUAGES, Role
from .web import current_user, login_required

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__)
PER_PAGE = 50
MAX_PAGE = 10_000


def _accounts():
    return current_app.extensions["ivr"].accounts


@bp.get("/admin/audit")
@login_required(Role.ADMIN.value)
def audit():
    """?action= ?actor= ?date=YYYY-MM-DD (UTC) ?page=N; a bad filter gets the page with an error and 400."""
    args = request.args
    filters = {"action": args.get("action", "").strip()[:64], "actor": args.get("actor", "").strip()[:64],
               "date": args.get("date", "").strip()}
    try:
        day = date.fromisoformat(filters["date"]) if filters["date"] else None
        page = int(args.get("page", "1"))
        if not 1 <= page <= MAX_PAGE:
            raise ValueError
    except ValueError:
        log.info("audit page: bad filter %s", dict(args))
        return _audit_page(filters, [], 1, False, error="admin.bad_filter"), 400
    log_ = current_app.extensions["ivr"].audit
    rows, more = log_.search(filters["action"] or None, filters["actor"] or None, day, page, PER_PAGE)
    return _audit_page(filters, rows, page, more)


def _audit_page(filters: dict, rows: list[dict], page: int, more: bool, error: str | None = None):
    actions = current_app.extensions["ivr"].audit.actions()
    query = {k: v for k, v in filters.items() if v}
    return render_template("admin/audit.html", rows=rows, filters=filters, actions=actions, page=page, more=more,
                           query=query, error=error)


@bp.get("/admin/users")
@login_required(Role.ADMIN.value)
def users():
    return _users_page()


def _users_page(error: str | None = None, detail: str = "", status: int = 200, form: dict | None = None):
    return render_template("admin/users.html", users=_accounts().users(), roles=[r.value for r in Role],
                           languages=LANGUAGES, error=error, detail=detail, form=form or {},
                           notice=request.args.get("done")), status


@bp.post("/admin/users")
@login_required(Role.ADMIN.value)
def add_user():
    form = request.form
    try:
        _accounts().add(form.get("username"), form.get("password"), form.get("role"), form.get("agent") or None,
                        form.get("language", "ko"), actor=current_user().username)
    except AccountError as exc:
        log.info("admin %s could not add a user: %s", current_user().username, exc)
        kept = {k: form.get(k, "") for k in ("username", "role", "agent", "language")}
        return _users_page("admin.refused", str(exc), 400, kept)
    return redirect("/admin/users?done=added", 303)


@bp.post("/admin/users/<username>/<change>")
@login_required(Role.ADMIN.value)
def change_user(username: str, change: str):
    """disable, enable or password (form field new_password); an admin cannot disable themselves."""
    admin = current_user()
    try:
        if change in ("disable", "enable"):
            if change == "disable" and username == admin.username:
                return _users_page("admin.not_yourself", status=400)
            _accounts().set_disabled(username, change == "disable", actor=admin.username)
        elif change == "password":
            _accounts().set_password(username, request.form.get("new_password", ""), actor=admin.username)
        else:
            return _users_page("admin.unknown_change", status=404)
    except AccountError as exc:
        log.info("admin %s: %s of %s refused: %s", admin.username, change, username[:64], exc)
        return _users_page("admin.refused", str(exc), 400)
    return redirect(f"/admin/users?done={change}", 303)

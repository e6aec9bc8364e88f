"""Admins' pages: the audit log with filters and paging, and users (add, disable, enable, set a password), CSRF
on every form, each change audited with the admin's name; other roles get 403."""
from __future__ import annotations

from datetime import timedelta

import pytest

from accounts_pages import audit_rows, csrf_of, sign_in


@pytest.fixture
def admin(app):
    client = app.test_client()
    sign_in(client, "ann")
    return client


@pytest.mark.parametrize("who", ["kim", "sue"])
@pytest.mark.parametrize("path", ["/admin/audit", "/admin/users"])
def test_only_admins_open_the_admin_pages(app, who, path):
    client = app.test_client()
    sign_in(client, who)
    assert client.get(path).status_code == 403


def test_the_admin_pages_need_a_session(browser):
    assert browser.get("/admin/audit").headers["Location"] == "/login?next=%2Fadmin%2Faudit"


def test_the_audit_page_lists_sign_ins_newest_first_with_the_detail_as_text(app, admin):
    app.extensions["ivr"].audit.record("sue", "board.agent_status", "kim", note="<script>alert(1)</script>")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert page.index('data-action="board.agent_status"') < page.index('data-action="sign_in"')
    assert "note=&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'data-testid="audit-actor">ann<' in page


def test_the_audit_page_filters_by_action_actor_and_day(app, clock):
    audit = app.extensions["ivr"].audit
    audit.record("sue", "board.callback", "entry-1")
    clock.advance(timedelta(days=1).total_seconds())
    audit.record("sue", "board.callback", "entry-2")
    audit.record("kim", "presence", "kim", status="available")
    admin = app.test_client()
    sign_in(admin, "ann")
    rows = lambda query: [(a, t) for a, t in _rows(admin.get(f"/admin/audit?{query}"))]  # noqa: E731
    assert rows("action=board.callback") == [("board.callback", "entry-2"), ("board.callback", "entry-1")]
    assert rows("actor=kim") == [("presence", "kim")]
    assert rows("action=board.callback&date=2026-03-02") == [("board.callback", "entry-1")]
    assert rows("date=2026-03-04") == []
    assert 'data-testid="audit-none"' in admin.get("/admin/audit?date=2026-03-04").get_data(as_text=True)


def _rows(answer) -> list[tuple[str, str]]:
    import re
    text = answer.get_data(as_text=True)
    return list(zip(re.findall(r'data-testid="audit-action">([^<]*)<', text),
                    re.findall(r'data-testid="audit-target">([^<]*)<', text)))


def test_the_audit_page_pages_by_fifty(app, admin):
    audit = app.extensions["ivr"].audit
    for n in range(55):
        audit.record("kim", "presence", f"n{n}")
    first = admin.get("/admin/audit?action=presence").get_data(as_text=True)
    assert first.count('data-testid="audit-row"') == 50 and 'href="/admin/audit?action=presence&amp;page=2"' in first
    second = admin.get("/admin/audit?action=presence&page=2").get_data(as_text=True)
    assert [t for _, t in _rows(admin.get("/admin/audit?action=presence&page=2"))] == ["n4", "n3", "n2", "n1", "n0"]
    assert 'data-testid="older"' not in second and 'data-testid="newer"' in second


@pytest.mark.parametrize("query", ["date=yesterday", "page=0", "page=x", "date=2026-13-01"])
def test_a_bad_audit_filter_gets_the_page_with_an_error_and_400(admin, query):
    answer = admin.get(f"/admin/audit?{query}")
    assert answer.status_code == 400 and 'data-testid="audit-error"' in answer.get_data(as_text=True)


def post(admin, path, **form):
    return admin.post(path, data={"csrf_token": csrf_of(admin.get("/admin/users")), **form})


def test_an_admin_adds_a_user_on_the_page_who_can_sign_in(app, admin):
    answer = post(admin, "/admin/users", username="lee", password="Quiet-River-41", role="supervisor", agent="",
                  language="en")
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/users?done=added"
    assert 'data-user="lee"' in admin.get("/admin/users").get_data(as_text=True)
    assert sign_in(app.test_client(), "lee", "Quiet-River-41").headers["Location"] == "/board"
    assert [(r["actor"], r["target"]) for r in audit_rows(app, "user.created") if r["target"] == "lee"] == [("ann", "lee")]


def test_bad_input_on_the_users_page_shows_the_reason_and_keeps_the_form(admin):
    answer = post(admin, "/admin/users", username="lee", password="Quiet-River-41", role="agent", agent="")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "an agent user needs an agent id" in text and 'value="lee"' in text


def test_an_admin_disables_and_enables_a_user_and_their_session_ends(app, admin):
    agent = app.test_client()
    sign_in(agent)
    assert post(admin, "/admin/users/kim/disable").headers["Location"] == "/admin/users?done=disable"
    assert agent.get("/desk").status_code == 303
    assert 'data-testid="enable-kim"' in admin.get("/admin/users").get_data(as_text=True)
    assert post(admin, "/admin/users/kim/enable").status_code == 303
    assert sign_in(agent).status_code == 303
    assert [r["actor"] for r in audit_rows(app) if r["action"] in ("user.disabled", "user.enabled")] == ["ann", "ann"]


def test_an_admin_sets_a_password_on_the_page(app, admin):
    assert post(admin, "/admin/users/kim/password", new_password="Quiet-River-41").status_code == 303
    assert sign_in(app.test_client(), "kim", "Quiet-River-41").status_code == 303


def test_an_admin_cannot_disable_themselves_or_make_unknown_changes(admin):
    assert post(admin, "/admin/users/ann/disable").status_code == 400
    assert post(admin, "/admin/users/kim/promote").status_code == 404
    assert post(admin, "/admin/users/ghost/disable").status_code == 400


def test_the_users_page_forms_need_the_csrf_token(admin, app):
    assert admin.post("/admin/users/kim/disable").status_code == 400
    assert not [u for u in app.extensions["ivr"].accounts.users() if u["disabled"]]

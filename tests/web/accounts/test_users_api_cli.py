"""Users made, listed, disabled and enabled through /api/users and `ivr users`; the audit log at /api/audit."""
from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from accounts_pages import audit_rows, sign_in
from ivr.cli import main

NEW = {"username": "lee", "password": "Quiet-River-41", "role": "agent", "agent": "lee"}


@pytest.fixture
def api(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    return client


def test_post_users_makes_an_agent_user_who_can_sign_in(api, app):
    answer = api.post("/api/users", json=NEW)
    assert answer.status_code == 201
    body = answer.get_json()
    assert {k: body[k] for k in ("username", "role", "agent", "disabled")} == \
        {"username": "lee", "role": "agent", "agent": "lee", "disabled": False}
    assert "password" not in str(body) and "argon2" not in str(body)
    assert sign_in(app.test_client(), "lee", NEW["password"]).headers["Location"] == "/desk"
    assert [(r["actor"], r["target"], r["detail"]) for r in audit_rows(app, "user.created") if r["target"] == "lee"] == \
        [("api", "lee", {"role": "agent", "agent": "lee"})]


@pytest.mark.parametrize("change, status, message", [
    ({"password": ""}, 400, "password is required"),
    ({"password": "short1"}, 400, "too short"),
    ({"password": "aaaaaaaaaaaa"}, 400, "too easy"),
    ({"role": "boss"}, 400, "role 'boss' is unknown"),
    ({"agent": None}, 400, "an agent user needs an agent id"),
    ({"agent": "nobody"}, 400, "no agent 'nobody'"),
    ({"role": "admin"}, 400, "only agent users have an agent id"),
    ({"username": "Bad Name!"}, 400, "username: 2 to 64 characters"),
    ({"username": "kim", "agent": "kim"}, 409, "user 'kim' exists already"),
])
def test_post_users_refuses_bad_input_clearly(api, change, status, message):
    answer = api.post("/api/users", json={**NEW, **change})
    assert answer.status_code == status and message in answer.get_json()["error"]


def test_post_users_needs_a_json_object_and_the_token(app, api):
    assert api.post("/api/users", data="x").status_code == 400
    assert app.test_client().post("/api/users", json=NEW).status_code == 401
    assert app.test_client().get("/api/audit").status_code == 401


def test_an_agent_created_through_the_agents_api_can_get_a_user(api):
    assert api.post("/api/agents", json={"id": "yoon", "name": "윤", "contact": "client:yoon", "skills": {"ko": 9}}).status_code == 201
    assert api.post("/api/users", json={**NEW, "username": "yoon", "agent": "yoon"}).status_code == 201


def test_list_disable_and_enable_through_the_api(api, app):
    assert [u["username"] for u in api.get("/api/users").get_json()["users"]] == ["ann", "kim", "sue"]
    assert api.post("/api/users/kim/disable").get_json()["disabled"] is True
    assert sign_in(app.test_client(), "kim").status_code == 401
    assert api.post("/api/users/kim/enable").get_json()["disabled"] is False
    assert sign_in(app.test_client(), "kim").status_code == 303
    assert api.post("/api/users/nobody/disable").status_code == 404
    assert [r["action"] for r in audit_rows(app) if r["action"].startswith("user.") and r["target"] == "kim"] == \
        ["user.enabled", "user.disabled", "user.created"]


def test_the_audit_api_filters_by_action_and_limits(api, app):
    sign_in(app.test_client(), "kim", "wrong-password-1")
    sign_in(app.test_client(), "kim")
    rows = api.get("/api/audit?action=sign_in.failed").get_json()["audit"]
    assert [(r["actor"], r["target"], r["detail"], r["ip"]) for r in rows] == [("-", "kim", {"reason": "wrong password"}, "127.0.0.1")]
    assert len(api.get("/api/audit?limit=2").get_json()["audit"]) == 2
    assert api.get("/api/audit?limit=0").status_code == 400
    assert api.get("/api/audit?limit=x").status_code == 400


def test_audit_record_leaves_out_anything_named_like_a_secret(app, caplog):
    app.extensions["ivr"].audit.record("ann", "user.note", "kim", password="Hunter-22", note="ok")
    assert audit_rows(app, "user.note")[0]["detail"] == {"note": "ok"}
    assert "left out the detail password" in caplog.text and "Hunter-22" not in caplog.text


def run(accounts_settings, *args: str, answer: str | None = None):
    env = {"DATABASE_URL": accounts_settings.database_url, "FLOWS_DIR": str(accounts_settings.flows_dir),
           "IVR_SERVER_SECRET": "s" * 40}
    return CliRunner().invoke(main, ["users", *args], env=env, input=answer)


def test_the_cli_adds_lists_disables_and_enables(app, accounts_settings, caplog):
    caplog.set_level(logging.DEBUG)
    added = run(accounts_settings, "add", "Lee", "--role", "agent", "--agent", "lee", "--password-stdin",
                answer=NEW["password"] + "\n")
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "user lee added (agent as agent lee)"
    listed = run(accounts_settings, "list").output.splitlines()
    assert listed[0].split() == ["username", "role", "agent", "state", "last", "sign-in"]
    assert [line.split()[:4] for line in listed[1:]] == [["ann", "admin", "-", "active"], ["kim", "agent", "kim", "active"],
                                                         ["lee", "agent", "lee", "active"], ["sue", "supervisor", "-", "active"]]
    assert run(accounts_settings, "disable", "lee").output.strip() == "user lee disabled"
    assert sign_in(app.test_client(), "lee", NEW["password"]).status_code == 401
    assert run(accounts_settings, "enable", "lee").output.strip() == "user lee enabled"
    assert sign_in(app.test_client(), "lee", NEW["password"]).status_code == 303
    assert [r["actor"] for r in audit_rows(app) if r["target"] == "lee" and r["action"].startswith("user.")] == ["cli"] * 3
    assert NEW["password"] not in caplog.text + added.output


def test_the_cli_asks_for_the_password_twice_without_stdin(app, accounts_settings):
    answer = run(accounts_settings, "add", "boss", "--role", "admin", answer="Quiet-River-41\nQuiet-River-41\n")
    assert answer.exit_code == 0 and "user boss added (admin)" in answer.output
    assert "Quiet-River-41" not in answer.output


@pytest.mark.parametrize("args, stdin, message", [
    (["add", "bob", "--role", "agent", "--password-stdin"], "Quiet-River-41\n", "an agent user needs an agent id"),
    (["add", "bob", "--role", "agent", "--agent", "ghost", "--password-stdin"], "Quiet-River-41\n", "no agent 'ghost'"),
    (["add", "bob", "--role", "admin", "--password-stdin"], "\n", "password is required"),
    (["add", "kim", "--role", "agent", "--agent", "kim", "--password-stdin"], "Quiet-River-41\n", "user 'kim' exists already"),
    (["disable", "ghost"], None, "no user 'ghost'"),
])
def test_the_cli_refuses_bad_input_with_a_clear_error(app, accounts_settings, args, stdin, message):
    answer = run(accounts_settings, *args, answer=stdin)
    assert answer.exit_code == 1 and f"Error: {message}" in answer.output


def test_the_cli_sets_a_password_from_stdin_and_ends_the_users_sessions(app, accounts_settings):
    browser = app.test_client()
    sign_in(browser, "kim")
    answer = run(accounts_settings, "passwd", "KIM", "--password-stdin", answer="Quiet-River-41\n")
    assert answer.exit_code == 0, answer.output
    assert answer.output.strip() == "password of kim set; 1 session(s) ended"
    assert browser.get("/desk").status_code == 303
    assert sign_in(app.test_client(), "kim", "Quiet-River-41").status_code == 303
    assert audit_rows(app, "password.changed")[0]["actor"] == "cli"


@pytest.mark.parametrize("user, stdin, message", [("ghost", "Quiet-River-41\n", "no user 'ghost'"),
                                                  ("kim", "short\n", "password is too short")])
def test_the_cli_passwd_refuses_an_unknown_user_or_a_weak_password(app, accounts_settings, user, stdin, message):
    answer = run(accounts_settings, "passwd", user, "--password-stdin", answer=stdin)
    assert answer.exit_code == 1 and message in answer.output

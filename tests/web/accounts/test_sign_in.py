"""Signing in and out of the pages: one message for every bad sign-in, throttling, sessions that end, roles."""
from __future__ import annotations

import logging

import pytest

from accounts_pages import CHEAP, PASSWORD, audit_rows, csrf_of, sign_in


def test_an_agent_signs_in_and_lands_on_the_desk(browser, app):
    answer = sign_in(browser, "kim")
    assert answer.status_code == 303 and answer.headers["Location"] == "/desk"
    page = browser.get("/desk")
    assert page.status_code == 200 and 'data-testid="user-name">kim<' in page.get_data(as_text=True)
    assert [(r["actor"], r["target"], r["detail"]) for r in audit_rows(app, "sign_in")] == [("kim", "kim", {"role": "agent"})]
    assert app.extensions["ivr"].accounts.users()[1]["last_login_at"] is not None  # kim (sorted: ann, kim, sue)


@pytest.mark.parametrize("username", ["sue", "ann"])
def test_supervisors_and_admins_land_on_the_board(browser, username):
    assert sign_in(browser, username).headers["Location"] == "/board"
    assert browser.get("/board").status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(browser, app):
    wrong, unknown = sign_in(browser, "kim", "not-the-password"), sign_in(browser, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    for answer in (wrong, unknown):
        text = answer.get_data(as_text=True)
        assert 'data-testid="login-error">아이디 또는 비밀번호가 올바르지 않습니다.<' in text
        assert 'name="username"' in text and 'name="password"' in text  # the form again
    assert browser.get("/desk").status_code == 303  # still not signed in
    reasons = sorted((r["target"], r["detail"]["reason"]) for r in audit_rows(app, "sign_in.failed"))
    assert reasons == [("kim", "wrong password"), ("nobody", "unknown user")]


def test_an_unknown_user_is_checked_against_a_dummy_hash(app, monkeypatch):
    accounts, checked = app.extensions["ivr"].accounts, []
    monkeypatch.setattr(accounts.passwords, "check_unknown", lambda password: checked.append(len(password)) or False)
    with pytest.raises(Exception, match="wrong username or password"):
        accounts.sign_in("nobody", "some-password", "10.0.0.1")
    assert checked == [13]


def test_five_failures_throttle_the_username_with_429_and_an_audit_row(browser, app):
    for _ in range(5):
        assert sign_in(browser, "kim", "wrong-password").status_code == 401
    answer = sign_in(browser, "kim", PASSWORD)  # even the right password waits
    assert answer.status_code == 429
    assert "로그인 실패가 너무 많습니다" in answer.get_data(as_text=True)
    assert [(r["target"], r["detail"]) for r in audit_rows(app, "sign_in.throttled")] == [("kim", {"by": "username"})]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert sign_in(other, "sue").status_code == 303  # another user from another address is not held up
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.9.9.8"
    assert sign_in(elsewhere, "kim").status_code == 429  # the username is held from every address


def test_five_failures_from_one_address_throttle_every_username_from_it(app):
    client = app.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        sign_in(client, name, "wrong-password")
    assert sign_in(client, "sue").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert sign_in(other, "sue").status_code == 303
    assert audit_rows(app, "sign_in.throttled")[0]["detail"] == {"by": "address"}


def test_throttling_ends_when_the_window_has_passed(browser, clock):
    for _ in range(5):
        sign_in(browser, "kim", "wrong-password")
    assert sign_in(browser, "kim").status_code == 429
    clock.advance(15 * 60 + 1)
    assert sign_in(browser, "kim").status_code == 303


def test_a_good_sign_in_clears_the_usernames_failures(browser):
    for _ in range(4):
        sign_in(browser, "kim", "wrong-password")
    assert sign_in(browser, "kim").status_code == 303
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/desk"))})
    for _ in range(4):
        assert sign_in(browser, "kim", "wrong-password").status_code == 401
    assert sign_in(browser, "kim").status_code == 303


def test_a_sign_in_without_the_csrf_token_is_refused_with_400(browser):
    browser.get("/login")
    answer = browser.post("/login", data={"username": "kim", "password": PASSWORD})
    assert answer.status_code == 400
    assert "보안 토큰이 없거나 만료되었습니다" in answer.get_data(as_text=True)


def test_a_javascript_post_with_a_wrong_header_token_gets_json_400(browser):
    sign_in(browser)
    answer = browser.post("/logout", headers={"X-CSRFToken": "forged"})
    assert answer.status_code == 400 and "refused" in answer.get_json()["error"]
    assert browser.get("/desk").status_code == 200  # still signed in


def test_a_javascript_post_with_the_meta_token_is_accepted(browser):
    sign_in(browser)
    answer = browser.post("/logout", headers={"X-CSRFToken": csrf_of(browser.get("/desk"))})
    assert answer.status_code == 303


def test_the_api_and_the_webhooks_need_no_csrf_token(app):
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"
    assert api.post("/api/users/kim/disable").status_code == 200
    assert app.test_client().post("/voice/status", data={}).status_code != 400  # refused by signature, not CSRF


def test_sign_out_ends_the_session_and_is_audited(browser, app):
    sign_in(browser)
    answer = browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/desk"))})
    assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert browser.get("/desk").status_code == 303
    assert [r["actor"] for r in audit_rows(app, "sign_out")] == ["kim"]


def test_a_session_unused_for_the_idle_time_ends(browser, clock, app):
    sign_in(browser)
    clock.advance(app.extensions["ivr"].settings.session_idle_s - 5)
    assert browser.get("/desk").status_code == 200  # used: the idle time starts again
    clock.advance(app.extensions["ivr"].settings.session_idle_s - 5)
    assert browser.get("/desk").status_code == 200
    clock.advance(app.extensions["ivr"].settings.session_idle_s + 1)
    answer = browser.get("/desk")
    assert answer.status_code == 303 and answer.headers["Location"] == "/login?next=%2Fdesk&expired=1"
    assert "오래 사용하지 않아 로그아웃되었습니다" in browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert browser.get("/desk").status_code == 303


def test_a_disabled_users_session_stops_at_once(browser, app):
    sign_in(browser)
    app.extensions["ivr"].accounts.set_disabled("kim", True)
    assert browser.get("/desk").status_code == 303
    assert sign_in(browser).status_code == 401  # and they cannot sign in again, with the same message
    app.extensions["ivr"].accounts.set_disabled("kim", False)
    assert sign_in(browser).status_code == 303


def test_an_agent_opening_the_board_gets_403(browser):
    sign_in(browser, "kim")
    answer = browser.get("/board")
    assert answer.status_code == 403 and "이 페이지는 회원님의 역할로 볼 수 없습니다" in answer.get_data(as_text=True)


def test_a_supervisor_opening_the_desk_gets_403(browser):
    sign_in(browser, "sue")
    assert browser.get("/desk").status_code == 403


def test_pages_without_a_session_redirect_to_the_sign_in_page_and_back(browser):
    answer = browser.get("/board?view=today")
    assert answer.status_code == 303 and answer.headers["Location"] == "/login?next=%2Fboard%3Fview%3Dtoday"
    signed = sign_in(browser, "sue", next="/board?view=today")
    assert signed.headers["Location"] == "/board?view=today"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_a_next_off_this_site_is_ignored(browser, target):
    assert sign_in(browser, "kim", next=target).headers["Location"] == "/desk"


def test_signing_in_starts_a_new_session(browser):
    first = csrf_of(browser.get("/login"))
    sign_in(browser)
    assert csrf_of(browser.get("/desk")) != first  # nothing of the session before sign-in carries over


def test_the_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_http(browser):
    cookie = sign_in(browser).headers["Set-Cookie"]
    assert cookie.startswith("ivr_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_the_public_url_is_https(accounts_settings, clock, tmp_path):
    from dataclasses import replace

    from ivr.web import create_app

    app = create_app(replace(accounts_settings, public_base_url="https://ivr.example.com"), clock, passwords=CHEAP)
    try:
        app.extensions["ivr"].accounts.add("kim", PASSWORD, "agent", "kim")
        cookie = sign_in(app.test_client(), base_url="https://ivr.example.com").headers["Set-Cookie"]
    finally:
        app.extensions["ivr"].engine.dispose()
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_the_password_is_never_logged(browser, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(browser, "kim", "Wrong-Guess-777")
    sign_in(browser, "kim")
    assert caplog.records and not [r for r in caplog.records if "Wrong-Guess-777" in r.getMessage() or PASSWORD in r.getMessage()]


def test_every_page_carries_the_content_security_policy(browser):
    csp = browser.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    sign_in(browser)
    assert browser.get("/desk").headers["Content-Security-Policy"] == csp
    assert browser.get("/board").headers["Content-Security-Policy"] == csp  # the 403 page too


def test_the_language_follows_the_browser_and_the_switch_is_remembered(browser):
    assert '<html lang="en">' in browser.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ko">' in browser.get("/login", headers={"Accept-Language": "ko-KR"}).get_data(as_text=True)
    browser.get("/login?lang=en", headers={"Accept-Language": "ko-KR"})
    page = browser.get("/login", headers={"Accept-Language": "ko-KR"}).get_data(as_text=True)
    assert '<html lang="en">' in page and ">Sign in<" in page
    sign_in(browser)
    assert "<h2 id=\"presence-title\">Status" in browser.get("/desk").get_data(as_text=True)  # kept across sign-in


def test_pages_have_no_inline_script_or_style(browser, app):
    pages = [app.test_client().get("/login")]
    sign_in(browser)
    pages += [browser.get("/desk"), browser.get("/board")]
    for page in pages:
        text = page.get_data(as_text=True)
        assert "style=" not in text and "<style" not in text and "<script>" not in text
        assert '<script src="/static/dist/htmx.min.js" defer></script>' in text


def test_behind_a_local_proxy_the_forwarded_address_is_throttled_not_the_proxys(app):
    def through_proxy(address: str):
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"1.2.3.4, {address}"  # the first entry is the browser's claim
        return client

    for name in ("a1", "a2", "a3", "a4", "a5"):
        sign_in(through_proxy("10.0.0.7"), name, "wrong-password")
    assert sign_in(through_proxy("10.0.0.7"), "sue").status_code == 429
    assert sign_in(through_proxy("10.0.0.8"), "sue").status_code == 303
    assert audit_rows(app, "sign_in.throttled")[0]["ip"] == "10.0.0.7"


def test_a_forwarded_address_from_a_peer_off_this_host_is_not_believed(app):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR="10.5.5.5", HTTP_X_FORWARDED_FOR="10.0.0.9")
    sign_in(client, "kim", "wrong-password")
    assert audit_rows(app, "sign_in.failed")[0]["ip"] == "10.5.5.5"

"""Sessions end for real on the server: a copied cookie stops working at sign-out, sign-out everywhere, a password
change (other sessions only), and when the user is disabled."""
from __future__ import annotations

from accounts_pages import PASSWORD, audit_rows, csrf_of, sign_in

NEW_PASSWORD = "Evening-Coffee-2027"


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie (what a thief would have)."""
    thief = app.test_client()
    thief.set_cookie("ivr_session", client.get_cookie("ivr_session").value)
    return thief


def test_a_copied_cookie_works_until_sign_out_and_never_after(browser, app):
    sign_in(browser)
    thief = copy_of(app, browser)
    assert thief.get("/desk").status_code == 200  # a signed cookie alone cannot tell them apart
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/desk"))})
    assert thief.get("/desk").status_code == 303
    assert thief.get("/desk/api/state").status_code == 401


def test_signing_out_one_browser_leaves_the_users_other_sessions(app):
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)
    first.post("/logout", data={"csrf_token": csrf_of(first.get("/desk"))})
    assert first.get("/desk").status_code == 303 and second.get("/desk").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_user_only(app):
    desk, phone, other = app.test_client(), app.test_client(), app.test_client()
    sign_in(desk)
    sign_in(phone)
    sign_in(other, "sue")
    thief = copy_of(app, phone)
    answer = desk.post("/account/sign-out-everywhere", data={"csrf_token": csrf_of(desk.get("/account/password"))})
    assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert [c.get("/desk").status_code for c in (desk, phone, thief)] == [303, 303, 303]
    assert other.get("/board").status_code == 200
    assert [(r["actor"], r["detail"]) for r in audit_rows(app, "sign_out.everywhere")] == [("kim", {"sessions_ended": 2})]


def test_sign_out_everywhere_needs_the_csrf_token(browser):
    sign_in(browser)
    assert browser.post("/account/sign-out-everywhere").status_code == 400
    assert browser.get("/desk").status_code == 200


def test_disabling_a_user_revokes_a_copied_cookie_that_stays_dead_after_enabling(browser, app):
    sign_in(browser)
    thief = copy_of(app, browser)
    accounts = app.extensions["ivr"].accounts
    accounts.set_disabled("kim", True)
    accounts.set_disabled("kim", False)
    assert thief.get("/desk").status_code == 303 and browser.get("/desk").status_code == 303
    assert audit_rows(app, "user.disabled")[0]["detail"] == {"sessions_ended": 1}


def change(client, old=PASSWORD, new=NEW_PASSWORD, repeat=None):
    token = csrf_of(client.get("/account/password"))
    return client.post("/account/password", data={"old_password": old, "new_password": new,
                                                  "repeat_password": new if repeat is None else repeat,
                                                  "csrf_token": token})


def test_changing_the_password_keeps_this_session_and_ends_the_others(app):
    here, there = app.test_client(), app.test_client()
    sign_in(here)
    sign_in(there)
    answer = change(here)
    assert answer.status_code == 303 and answer.headers["Location"] == "/account/password?changed=1"
    assert "다른 곳의 로그인은 모두 끝났습니다" in here.get(answer.headers["Location"]).get_data(as_text=True)
    assert here.get("/desk").status_code == 200 and there.get("/desk").status_code == 303
    assert sign_in(app.test_client(), "kim", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "kim", NEW_PASSWORD).status_code == 303
    assert [(r["actor"], r["target"], r["detail"]) for r in audit_rows(app, "password.changed")] == [
        ("kim", "kim", {"sessions_ended": 1})]


def test_a_wrong_current_password_changes_nothing_and_is_audited(browser, app):
    sign_in(browser)
    answer = change(browser, old="Not-The-Password-1")
    assert answer.status_code == 400 and "현재 비밀번호가 올바르지 않습니다" in answer.get_data(as_text=True)
    assert sign_in(app.test_client(), "kim", PASSWORD).status_code == 303
    assert [r["target"] for r in audit_rows(app, "password.change_failed")] == ["kim"]


def test_a_weak_or_mistyped_new_password_is_refused_with_the_reason(browser):
    sign_in(browser)
    weak = change(browser, new="short")
    assert weak.status_code == 400 and "password is too short" in weak.get_data(as_text=True)
    mistyped = change(browser, repeat=NEW_PASSWORD + "x")
    assert mistyped.status_code == 400 and "새 비밀번호 두 개가 서로 다릅니다" in mistyped.get_data(as_text=True)


def test_the_password_page_needs_a_session(browser):
    answer = browser.get("/account/password")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login?next=%2Faccount%2Fpassword")


def test_an_admin_setting_a_password_ends_every_session_of_that_user(browser, app):
    sign_in(browser)
    ended = app.extensions["ivr"].accounts.set_password("kim", NEW_PASSWORD, actor="ann")
    assert ended == 1 and browser.get("/desk").status_code == 303
    assert audit_rows(app, "password.changed")[0]["actor"] == "ann"


def test_a_session_row_unused_past_the_idle_time_is_refused_even_with_a_fresh_cookie_stamp(browser, app, clock):
    """The server's own record of use: a cookie whose 'seen' was forged forward still meets the row's seen_at."""
    sign_in(browser)
    accounts = app.extensions["ivr"].accounts
    token = None
    with browser.session_transaction() as stored:
        token = stored["sid"]
    clock.advance(app.extensions["ivr"].settings.session_idle_s + 61)
    assert accounts.session_user(token) is None


def test_the_session_api_says_how_long_is_left_and_does_not_count_as_use(browser, app, clock):
    sign_in(browser)
    idle_s = app.extensions["ivr"].settings.session_idle_s
    clock.advance(100)
    assert browser.get("/account/api/session").get_json() == {"idle_s": idle_s, "left_s": idle_s - 100}
    clock.advance(idle_s - 99)
    answer = browser.get("/account/api/session")
    assert answer.status_code == 401 and "sign in" in answer.get_json()["error"]


def test_background_requests_do_not_keep_a_session_alive(browser, app, clock):
    sign_in(browser)
    idle_s = app.extensions["ivr"].settings.session_idle_s
    clock.advance(idle_s - 10)
    assert browser.get("/desk/api/state", headers={"X-Background": "1"}).status_code == 200
    clock.advance(20)
    assert browser.get("/desk/api/state", headers={"X-Background": "1"}).status_code == 401

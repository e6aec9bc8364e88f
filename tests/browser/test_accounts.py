"""Accounts in chromium: the browser's language (ko-KR vs en-US) and the switch, an idle desk sent to /login after
SESSION_IDLE_S, and an admin reading the audit log page."""
from __future__ import annotations

import re

import requests
from browser_settings import API_TOKEN
from playwright.sync_api import expect

from desk_steps import PASSWORD, add_agent, open_all_day, sign_in

IDLE_S = 6


def add_user(base: str, username: str, role: str) -> None:
    answer = requests.post(f"{base}/api/users", json={"username": username, "password": PASSWORD, "role": role},
                           headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10)
    assert answer.status_code == 201, answer.text


def test_the_pages_speak_the_browsers_language_until_the_switch_is_used(live_server, browser, page):
    base = live_server()
    korean = browser.new_context(locale="ko-KR").new_page()
    try:
        korean.goto(f"{base}/login")
        expect(korean.locator("html")).to_have_attribute("lang", "ko")
        expect(korean.get_by_test_id("sign-in")).to_have_text("로그인")
    finally:
        korean.context.close()
    page.goto(f"{base}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("sign-in")).to_have_text("Sign in")
    page.get_by_test_id("lang-ko").click()
    expect(page.get_by_test_id("sign-in")).to_have_text("로그인")
    page.goto(f"{base}/login")  # the choice is kept in the session, over the browser's en-US
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def test_an_idle_open_desk_ends_up_at_the_sign_in_page(live_server, page, tmp_path):
    base = live_server({"FLOWS_DIR": open_all_day(tmp_path), "SESSION_IDLE_S": str(IDLE_S)})
    add_agent(base, API_TOKEN)
    page.expect_console_errors(r"401")  # the session check answered 401 once the session was over: expected
    sign_in(page, base)
    expect(page).to_have_url(f"{base}/desk")
    expect(page.get_by_test_id("live")).to_have_attribute("data-state", "open")
    # Live nudges and the page's own fetches are background work: nobody touches the page, so it must end.
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdesk&expired=1$"), timeout=(IDLE_S + 8) * 1000)
    expect(page.get_by_role("status")).to_contain_text("You were signed out after a while without use")
    page.goto(f"{base}/desk")
    expect(page).to_have_url(re.compile(r"/login"))


def test_an_admin_reads_the_audit_log_and_filters_it(live_server, page):
    base = live_server()
    add_user(base, "ann", "admin")
    sign_in(page, base, "ann", "Wrong-Guess-2026")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    page.expect_console_errors(r"401")  # the failed sign-in's page answers 401
    sign_in(page, base, "ann")
    page.get_by_test_id("nav-admin-audit").click()
    expect(page).to_have_url(f"{base}/admin/audit")
    rows = page.get_by_test_id("audit-row")
    expect(rows.first).to_have_attribute("data-action", "sign_in")
    page.get_by_test_id("filter-action").select_option("sign_in.failed")
    page.get_by_test_id("filter-show").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("audit-target")).to_have_text("ann")
    expect(rows.first.get_by_test_id("audit-detail")).to_have_text("reason=wrong password")
    page.get_by_test_id("nav-admin-users").click()
    expect(page.locator('[data-testid="user-row"][data-user="ann"]')).to_be_visible()

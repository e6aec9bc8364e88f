"""The desk's pages through Flask's client: the page in both languages, the agent's own JSON only (403 for another
agent's card), CSRF on every POST, presence changes audited and refused while ringing, wrap-up, and background
refreshes that do not keep an idle session alive; on SQLite and PostgreSQL."""
from __future__ import annotations

import re

import pytest

from desk_calls import NUMBER

PASSWORD = "Desk-Password-2026"


@pytest.fixture
def users(desk_app):
    accounts = desk_app.extensions["ivr"].accounts
    accounts.add("kim", PASSWORD, "agent", "kim")
    accounts.add("lee", PASSWORD, "agent", "lee")
    accounts.add("sue", PASSWORD, "supervisor")
    return accounts


def csrf_of(page) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert found, "the page carries no csrf-token meta tag"
    return found.group(1)


def signed_in(app, username: str, language: str = "en"):
    """A client with cookies, signed in as `username` with the page language switched to `language`, and the CSRF
    token of its pages."""
    client = app.test_client()
    token = csrf_of(client.get(f"/login?lang={language}"))
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    client.csrf = csrf_of(client.get("/login?next=/desk", follow_redirects=True))
    return client


def post(client, path: str, body: dict, csrf: bool = True):
    headers = {"X-CSRFToken": client.csrf} if csrf else {}
    return client.post(path, json=body, headers=headers)


def test_the_desk_page_speaks_the_chosen_language_and_carries_no_inline_code(desk_app, users):
    english = signed_in(desk_app, "kim").get("/desk")
    text = english.get_data(as_text=True)
    assert english.status_code == 200 and '<html lang="en">' in text and ">Available<" in text
    assert 'data-testid="status-break"' in text and 'data-testid="caller-card"' in text
    assert re.search(r'<script src="/static/dist/desk\.js\?v=[0-9a-f]{12}" defer>', text)
    assert "twilio.min.js" in text  # kim answers as client:kim
    assert "style=" not in text and "<style" not in text and "<script>" not in text
    korean = signed_in(desk_app, "kim", "ko").get("/desk").get_data(as_text=True)
    assert '<html lang="ko">' in korean and ">상담 가능<" in korean and "Available" not in korean


def test_supervisors_are_refused_and_strangers_sent_to_sign_in(desk_app, users):
    assert signed_in(desk_app, "sue").get("/desk").status_code == 403
    assert signed_in(desk_app, "sue").get("/desk/api/state").status_code == 403
    stranger = desk_app.test_client()
    assert stranger.get("/desk").headers["Location"] == "/login?next=%2Fdesk"
    answer = stranger.get("/desk/api/state")
    assert answer.status_code == 401 and "sign in" in answer.get_json()["error"]


def test_an_agent_sees_only_their_own_caller(desk, desk_app, users):
    kim, lee = signed_in(desk_app, "kim"), signed_in(desk_app, "lee")
    assert post(kim, "/desk/api/status", {"status": "available"}).status_code == 200
    sid, entry = desk.korean_order_to_billing()
    desk.offered(sid, entry)
    offer = kim.get("/desk/api/state").get_json()["offer"]
    assert offer["call_sid"] == sid and offer["card"]["entered"][0]["value"] == "12345"
    assert kim.get(f"/desk/api/card/{sid}").get_json()["number"] == NUMBER
    refused = lee.get(f"/desk/api/card/{sid}")
    assert refused.status_code == 403 and "not offered to agent lee" in refused.get_json()["error"]
    assert lee.get("/desk/api/state").get_json()["offer"] is None
    assert lee.get("/desk/api/card/CA" + "0" * 32).status_code == 404
    assert post(lee, "/desk/api/wrapup", {"entry_id": entry, "disposition": "resolved"}).status_code == 403


def test_presence_changes_need_the_csrf_token_are_audited_and_refused_while_ringing(desk, desk_app, users):
    kim = signed_in(desk_app, "kim")
    assert post(kim, "/desk/api/status", {"status": "available"}, csrf=False).status_code == 400
    answer = post(kim, "/desk/api/status", {"status": "break", "reason": "lunch"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "break"
    assert post(kim, "/desk/api/status", {"status": "break", "reason": "nap"}).status_code == 400
    post(kim, "/desk/api/status", {"status": "available"})
    desk.offered(*desk.korean_order_to_billing())
    ringing = post(kim, "/desk/api/status", {"status": "offline"})
    assert ringing.status_code == 409 and "reserved" in ringing.get_json()["error"]
    agent = kim.get("/desk/api/state").get_json()["agent"]
    assert agent["may_change"] is False and agent["why_not"]["en"].startswith("a call is ringing")
    rows = desk_app.extensions["ivr"].audit.recent(10, "presence.changed")
    assert [(r["actor"], r["target"], r["detail"]) for r in reversed(rows)] == [
        ("kim", "kim", {"status": "break", "reason": "lunch"}), ("kim", "kim", {"status": "available", "reason": None})]


def test_a_wrap_up_from_the_page_is_stored_and_shown_on_the_next_call(desk, desk_app, users, clock):
    kim = signed_in(desk_app, "kim")
    post(kim, "/desk/api/status", {"status": "available"})
    sid, entry = desk.korean_order_to_billing()
    desk.offered(sid, entry)
    desk.talk(sid, entry, 40)
    state = kim.get("/desk/api/state").get_json()
    assert state["agent"]["status"] == "wrap_up" and state["wrap_up"]["entry_id"] == entry
    assert post(kim, "/desk/api/wrapup", {"entry_id": entry, "disposition": "nope"}).status_code == 400
    assert post(kim, "/desk/api/wrapup", {"entry_id": str(entry), "disposition": "refund"}).status_code == 400
    done = post(kim, "/desk/api/wrapup", {"entry_id": entry, "disposition": "refund", "notes": "환불 요청 <b>",
                                          "follow_up": True, "ready": True})
    assert done.status_code == 200 and done.get_json()["status"] == "available"
    desk.hang_up(sid)
    desk.offered(*desk.korean_order_to_billing())
    history = kim.get("/desk/api/state").get_json()["offer"]["card"]["history"]
    assert [(h["disposition"], h["notes"], h["follow_up"]) for h in history] == [("refund", "환불 요청 <b>", True)]
    assert [r["detail"]["disposition"] for r in desk_app.extensions["ivr"].audit.recent(5, "wrap_up.stored")] == ["refund"]


def test_background_refreshes_do_not_keep_an_idle_session_alive(desk_app, users, clock):
    idle = desk_app.extensions["ivr"].settings.session_idle_s
    kim = signed_in(desk_app, "kim")
    clock.advance(idle - 5)
    assert kim.get("/desk/api/state", headers={"X-Background": "1"}).status_code == 200  # still signed in...
    clock.advance(10)
    assert kim.get("/desk/api/state", headers={"X-Background": "1"}).status_code == 401  # ...but it did not count
    used = signed_in(desk_app, "kim")
    clock.advance(idle - 5)
    assert used.get("/desk/api/state").status_code == 200  # the person's own request counts
    clock.advance(10)
    assert used.get("/desk/api/state").status_code == 200


def test_the_token_says_why_browser_calling_is_off(desk_app, users):
    token = signed_in(desk_app, "kim").get("/desk/token").get_json()
    assert token["enabled"] is False and token["code"] == "settings" and "TWILIO_API_KEY" in token["reason"]["en"]

"""The supervisor's board in Debian's chromium against the production server (gunicorn, 2 workers): the wallboard
moves live when a caller enqueues, the caller who hangs up is listed, "call back" places a call through Twilio's
REST API (a local stand-in records it), the CSV download has the call, an agent may not open the board.
With IVR_SCREENSHOTS=docs/img the tests write the screenshots docs/board.md shows."""
from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from board_calls import ACCOUNT, CALLS_PATH, PLACED_SID, Phone, add_user, always_open_flows, fake_rest, sign_in
from browser_settings import API_TOKEN
from helpers import new_call_sid, twilio_params

NUMBER = "+821055501111"
WAITING = '[data-testid="queue-billing"] [data-testid="waiting"]'


def screenshot(page, name: str) -> None:
    folder = os.environ.get("IVR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.fixture
def rest():
    server = fake_rest()
    yield server
    server.close()


@pytest.fixture
def board_server(live_server, rest, tmp_path):
    base = live_server({"FLOWS_DIR": str(always_open_flows(tmp_path)), "TWILIO_ACCOUNT_SID": ACCOUNT,
                        "TWILIO_API_BASE_URL": rest.base_url})
    add_user(base, API_TOKEN, "sue", "supervisor")
    add_user(base, API_TOKEN, "kim", "agent", agent="kim")
    return base


def test_the_board_follows_a_caller_live_lists_them_when_they_hang_up_and_calls_them_back(board_server, page, rest):
    base, phone = board_server, Phone(board_server)
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base, "sue")
    page.goto(f"{base}/board?lang=en")
    page.wait_for_selector('[data-testid="live-state"].live')
    expect(page.locator(WAITING)).to_have_text("0")

    sid = phone.reach_billing(NUMBER)  # nobody is available: every agent starts offline
    asked = time.monotonic()
    expect(page.locator(WAITING)).to_have_text("1", timeout=2000)
    shown_after_s = time.monotonic() - asked
    assert page.url == f"{base}/board?lang=en"  # no reload: the same page, moved by its event stream
    print(f"waiting caller shown on the board {shown_after_s:.2f} s after the enqueue webhook answered")
    page.wait_for_timeout(300)  # let the charts draw before the picture
    screenshot(page, "board.png")

    phone.hang_up(sid, NUMBER)
    expect(page.locator(WAITING)).to_have_text("0", timeout=2000)
    assert page.text_content('[data-testid="queue-billing"] [data-testid="abandoned"]') == "1"

    page.goto(f"{base}/board/abandoned?lang=en")
    row = page.locator('[data-testid="abandoned-row"]', has_text=NUMBER)
    assert row.count() == 1 and row.locator('[data-testid="number"]').text_content() == NUMBER
    row.locator('[data-testid="callback"]').click()
    status = row.locator('[data-testid="callback-status"]')
    status.filter(has_text=PLACED_SID).wait_for(timeout=5000)
    [placed] = [r for r in rest.requests if urlsplit(r.path).path == CALLS_PATH]
    assert placed.method == "POST" and placed.credentials.startswith(f"{ACCOUNT}:")
    assert placed.form["To"] == NUMBER and urlsplit(placed.form["Url"]).path == "/voice/callback"
    assert "callback" in parse_qs(urlsplit(placed.form["Url"]).query)
    screenshot(page, "board-abandoned.png")

    page.reload()  # the call-back is recorded: the row shows it after a reload too
    assert "queued" in page.locator('[data-testid="abandoned-row"]', has_text=NUMBER).locator(
        '[data-testid="callback-status"]').text_content()

    page.goto(f"{base}/board/queues/billing?lang=en")
    assert page.text_content('[data-testid="report-abandoned"]') == "1"
    href = page.get_attribute('[data-testid="download-queue_entries.csv"]', "href")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    download = requests.get(f"{base}{href}", cookies=cookies, timeout=30)
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [(r["call_sid"], r["status"], r["queue"]) for r in rows] == [(sid, "abandoned", "billing")]
    calls = requests.get(f"{base}{href.replace('queue_entries.csv', 'calls.csv')}", cookies=cookies, timeout=30)
    assert sid in {r["call_sid"] for r in csv.DictReader(io.StringIO(calls.content.decode("utf-8-sig")))}


def api(base: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{base}{path}", headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=30,
                            **kwargs)


def test_the_board_switched_to_korean_shows_the_korean_words(board_server, page):
    base = board_server
    sign_in(page, base, "sue")
    page.goto(f"{base}/board?lang=en")
    page.wait_for_selector('[data-testid="live-state"].live')
    page.click('[data-testid="lang-ko"]')
    page.wait_for_selector('[data-testid="live-state"].live')
    assert page.get_attribute("html", "lang") == "ko" and "/board" in page.url
    tile = page.locator('[data-testid="queue-billing"]')
    for word in ("대기 중", "서비스 레벨", "현재 근무 상담원", "얼랑 C 목표 달성 필요 인원", "인입", "포기"):
        expect(tile).to_contain_text(word)
    expect(page.locator('[data-testid="live-state"]')).to_have_text("실시간")
    # drawn by board.js from the snapshot, in the page's language: every agent starts offline
    expect(page.locator('[data-testid="agent-kim"] [data-testid="agent-state"]')).to_have_text("오프라인")
    assert "Supervisor board" not in page.content()


def test_a_supervisor_forces_an_agent_offline_from_the_page_and_the_row_updates_live_audited(board_server, page):
    base = board_server
    sign_in(page, base, "sue")
    page.goto(f"{base}/board?lang=en")
    page.wait_for_selector('[data-testid="live-state"].live')
    state = page.locator('[data-testid="agent-kim"] [data-testid="agent-state"]')
    expect(state).to_have_text("Offline")
    assert api(base, "POST", "/api/agents/kim/status", json={"status": "available"}).status_code == 200
    expect(state).to_have_text("Available", timeout=2000)  # live: the event stream nudged the page
    page.click('[data-testid="agent-kim"] [data-testid="force-offline"]')
    expect(state).to_have_text("Offline", timeout=2000)
    assert api(base, "GET", "/api/agents/kim").json()["status"] == "offline"
    audit = api(base, "GET", "/api/audit?action=force_offline").json()["audit"]
    assert [(r["actor"], r["target"]) for r in audit] == [("sue", "kim")]


def test_an_agent_may_not_open_the_board(board_server, page):
    sign_in(page, board_server, "kim")
    page.expect_console_errors(r"403")
    answer = page.goto(f"{board_server}/board")
    assert answer.status == 403
    assert requests.get(f"{board_server}/board/api/state", timeout=30).status_code == 401


# The scripted calls for the funnel: (how many, the main menu key pressed or None for a hang-up at the menu).
SCRIPT = [(3, "2"), (2, "3"), (2, None)]


def test_the_funnel_page_for_main_shows_the_counts_of_a_scripted_set_of_calls(board_server, page):
    base, phone = board_server, Phone(board_server)
    for count, key in SCRIPT:
        for _ in range(count):
            sid = new_call_sid()
            phone.post("/voice", twilio_params(sid, CallStatus="ringing", From=NUMBER))
            phone.step(sid, "choose_language/choose", "2", From=NUMBER)
            if key is not None:
                phone.step(sid, "main_menu", key, From=NUMBER)
            phone.hang_up(sid, NUMBER)
    expected_entries = sum(count for count, _ in SCRIPT)
    expected_exits = {}
    for count, key in SCRIPT:
        reason = key if key is not None else "hangup"
        expected_exits[reason] = expected_exits.get(reason, 0) + count

    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base, "sue")
    page.goto(f"{base}/board/flows/main?lang=en")
    row = page.locator('[data-testid="node-main_menu"]')
    assert row.locator('[data-testid="entries"]').text_content() == str(expected_entries)
    shown = {tag.get_attribute("data-testid").removeprefix("exit-"): tag.text_content().split(": ")[1]
             for tag in row.locator('[data-testid^="exit-"]').all()}
    assert shown == {reason: str(n) for reason, n in expected_exits.items()}
    language = page.locator('[data-testid="node-choose_language/choose"] [data-testid="entries"]')
    assert language.text_content() == str(expected_entries)
    diagram = page.locator('[data-testid="funnel-diagram"]')
    diagram.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelector('[data-testid=funnel-diagram]').naturalWidth") > 0
    answer = requests.get(f"{base}{diagram.get_attribute('src')}", timeout=30,
                          cookies={c["name"]: c["value"] for c in page.context.cookies()})
    assert answer.headers["Content-Type"].startswith("image/svg+xml") and "<script" not in answer.text
    screenshot(page, "board-funnel.png")

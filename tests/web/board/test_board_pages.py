"""The board's pages through the app (SQLite and PostgreSQL): who may open them, the snapshot and the actions under
/board/api (CSRF, audit, the presence rules), the abandoned list, a queue's reports and what-if, CSV downloads."""
from __future__ import annotations

import csv
import io
import re

import pytest
from argon2 import PasswordHasher

from callqueue.tables import QueueEntryRow
from ivr.accounts.passwords import Passwords
from ivr.web import create_app

PASSWORD = "Morning-Tea-2026"
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
NUMBER = "+821099990000"


@pytest.fixture
def pages_app(board_settings, clock, fake_twilio):
    app = create_app(board_settings, clock, twilio=fake_twilio, passwords=CHEAP)
    services = app.extensions["ivr"]
    services.accounts.add("kim", PASSWORD, "agent", "kim")
    services.accounts.add("sue", PASSWORD, "supervisor")
    yield app
    services.engine.dispose()


@pytest.fixture
def day(pages_app, clock, fake_twilio):
    from board_day import BoardDay
    from helpers import TwilioClient

    return BoardDay(pages_app, TwilioClient(pages_app.test_client()), clock, fake_twilio)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def signed_in(app, username: str):
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def page_token(client, path: str = "/board") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def test_only_supervisors_and_admins_open_the_board(pages_app):
    assert pages_app.test_client().get("/board").status_code == 303
    assert pages_app.test_client().get("/board/api/state").status_code == 401
    agent = signed_in(pages_app, "kim")
    for path in ("/board", "/board/abandoned", "/board/queues/billing", "/board/reports/calls.csv", "/board/api/state"):
        assert agent.get(path).status_code == 403, path
    sue = signed_in(pages_app, "sue")
    page = sue.get("/board?lang=en").get_data(as_text=True)
    assert 'data-testid="queue-billing"' in page and 'data-testid="waiting"' in page and "Supervisor board" in page
    assert "관리자 보드" in sue.get("/board?lang=ko").get_data(as_text=True)


def test_the_snapshot_shows_a_waiting_caller_and_the_abandoned_list_shows_them_once_gone(day, pages_app):
    sue = signed_in(pages_app, "sue")
    sid = day.reach_billing(NUMBER)
    tile = next(q for q in sue.get("/board/api/state").get_json()["queues"] if q["name"] == "billing")
    assert tile["waiting"] == 1
    day.clock.advance(25)
    day.hang_up(sid)
    page = sue.get("/board/abandoned").get_data(as_text=True)
    assert NUMBER in page and 'data-testid="abandoned-row"' in page and "25.0" in page


def test_a_call_back_from_the_page_needs_the_csrf_token_and_is_placed_and_audited(day, pages_app):
    sid = day.reach_billing(NUMBER)
    day.hang_up(sid)
    sue = signed_in(pages_app, "sue")
    entry = day.api.get("/api/abandoned").get_json()["abandoned"][0]["entry_id"]
    url = f"/board/api/abandoned/{entry}/callback"
    assert sue.post(url, json={"target": "queue"}).status_code == 400  # no CSRF header
    token = page_token(sue, "/board/abandoned")
    answer = sue.post(url, json={"target": "queue"}, headers={"X-CSRFToken": token})
    assert answer.status_code == 201, answer.get_json()
    placed_sid, call = day.fake.placed[-1]
    assert call.to == NUMBER and answer.get_json()["call_sid"] == placed_sid and answer.get_json()["requested_by"] == "sue"
    assert [r["actor"] for r in pages_app.extensions["ivr"].audit.recent(10, "callback")] == ["sue"]
    again = sue.post(url, json={"target": "queue"}, headers={"X-CSRFToken": token})
    assert again.status_code == 409 and "error" in again.get_json()


def test_a_call_back_without_rest_says_so(board_settings, clock):
    app = create_app(board_settings, clock, passwords=CHEAP)  # no outbound adapter: REST is not configured
    try:
        from board_day import BoardDay
        from helpers import TwilioClient

        app.extensions["ivr"].accounts.add("sue", PASSWORD, "supervisor")
        d = BoardDay(app, TwilioClient(app.test_client()), clock, None)
        d.hang_up(d.reach_billing(NUMBER))
        entry = d.api.get("/api/abandoned").get_json()["abandoned"][0]["entry_id"]
        sue = signed_in(app, "sue")
        answer = sue.post(f"/board/api/abandoned/{entry}/callback", json={"target": "queue"},
                          headers={"X-CSRFToken": page_token(sue)})
        assert answer.status_code == 503 and "TWILIO_ACCOUNT_SID" in answer.get_json()["error"]
    finally:
        app.extensions["ivr"].engine.dispose()


def test_a_supervisor_forces_an_agent_offline_with_the_api_rules_and_it_is_audited(day, pages_app):
    sue = signed_in(pages_app, "sue")
    token = page_token(sue)
    presence = pages_app.extensions["ivr"].presence
    presence.set_status("kim", "available")
    answer = sue.post("/board/api/agents/kim/status", json={"status": "offline"}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and presence.agent("kim")["status"] == "offline"
    [row] = pages_app.extensions["ivr"].audit.recent(10, "force_offline")
    assert (row["actor"], row["target"]) == ("sue", "kim")
    assert sue.post("/board/api/agents/kim/status", json={"status": "busy"}, headers={"X-CSRFToken": token}).status_code == 400
    assert sue.post("/board/api/agents/nobody/status", json={"status": "offline"}, headers={"X-CSRFToken": token}).status_code == 404
    presence.set_status("kim", "available")
    sid = day.reach_billing(NUMBER)  # kim is offered the call: a ringing agent cannot be forced off (409, as the API)
    with pages_app.extensions["ivr"].uow() as uow:
        entry = uow.session.query(QueueEntryRow).filter_by(call_sid=sid).one().id
    day.post(f"/voice/queue/wait?entry={entry}", sid, QueuePosition="1", QueueTime="0")
    assert presence.agent("kim")["status"] == "reserved"
    refused = sue.post("/board/api/agents/kim/status", json={"status": "offline"}, headers={"X-CSRFToken": token})
    assert refused.status_code == 409 and "reserved" in refused.get_json()["error"]


def test_a_queues_page_has_reports_what_if_and_csv_downloads_that_stream_the_api_generator(day, pages_app):
    sid = day.reach_billing(NUMBER)
    day.clock.advance(10)
    day.hang_up(sid)
    sue = signed_in(pages_app, "sue")
    page = sue.get("/board/queues/billing?lang=en").get_data(as_text=True)
    assert 'data-testid="report-offered">1<' in page and 'data-testid="report-abandoned">1<' in page
    assert 'data-testid="whatif"' in page and "/board/reports/calls.csv?from=" in page
    for period in ("week", "range"):
        assert sue.get(f"/board/queues/billing?period={period}").status_code == 200
    assert sue.get("/board/queues/billing?period=year").status_code == 400
    assert sue.get("/board/queues/billing?agents=many").status_code == 400
    assert sue.get("/board/queues/nope").status_code == 404
    answer = sue.get("/board/reports/queue_entries.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["call_sid"] for r in rows] == [sid] and rows[0]["status"] == "abandoned"
    assert sue.get("/board/reports/secrets.csv").status_code == 404


def test_each_tile_figure_is_what_its_label_says_staffed_now_apart_from_erlang_c_needed(pages_app):
    sue = signed_in(pages_app, "sue")
    for lang, staffed, needed in (("en", "Agents staffed now", "Erlang C: agents needed for the target"),
                                  ("ko", "현재 근무 상담원", "얼랑 C 목표 달성 필요 인원")):
        page = sue.get(f"/board?lang={lang}").get_data(as_text=True)
        tile = page[page.index('data-testid="queue-billing"'):page.index("</article>")]
        compare = tile[tile.index('class="compare"'):tile.index("</table>")]
        assert "agents_staffed" not in compare and "agents_needed" not in compare  # the measured-vs-model table
        staffing = tile[tile.index('class="figures staffing"'):]
        assert f"<dt>{staffed}</dt>" in staffing and needed in staffing
        assert 'data-f="agents_staffed" data-testid="staffed-now"' in staffing
        assert 'data-f="erlang.agents_needed" data-testid="agents-needed"' in staffing

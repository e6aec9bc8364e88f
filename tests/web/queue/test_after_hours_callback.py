"""After-hours callbacks (enqueue with callback_at_opening) through signed webhooks, on SQLite and PostgreSQL: the
closed message offers a callback, the caller confirms a number and is called in turn once the center opens."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fakes import FakeTwilio
from helpers import TwilioClient, new_call_sid, said, twiml, verbs

from ivr.web import create_app

from queue_calls import QueueCalls
from test_queue_callbacks import CALLER, _settings, leg, menu

EVENING = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)  # Monday 20:00 in Seoul: closed until Tuesday 09:00
OPENING = datetime(2026, 3, 3, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def fake_twilio():
    return FakeTwilio(base_url="https://ivr.example")


@pytest.fixture
def night(database_url, tmp_path, clock, fake_twilio):
    clock.current = EVENING
    app = create_app(_settings(database_url, tmp_path), clock, twilio=fake_twilio)
    calls = QueueCalls(app, TwilioClient(app.test_client()), clock)
    yield calls
    calls.services.engine.dispose()


def closed_call(calls, number=CALLER):
    """A caller reaches the closed message and presses 1 (called back at opening); the entry and the menu's TwiML."""
    sid = new_call_sid()
    calls.twilio.start(sid, From=number)
    closed = twiml(calls.twilio.press(sid, "choose_language/choose", "1"))
    assert "상담 시간이 시작되면 전화를 받으시려면 1번, 음성 메시지를 남기시려면 2번을 누르세요." in said(closed)[-1]
    redirect = twiml(calls.twilio.press(sid, "after_hours", "1"))
    assert verbs(redirect) == ["Redirect"]
    url = redirect.find("Redirect").text
    entry = int(url.split("entry=")[1].split("&")[0])
    assert url.endswith(f"/voice/queue/callback?entry={entry}&step=opening")
    return sid, entry


def test_a_closed_caller_confirms_caller_id_and_hears_when_they_will_be_called(night):
    sid, entry = closed_call(night)
    row = night.entry(sid)
    assert (row.status, row.callback_number, row.callback_due_at) == ("callback", "", None)
    ask = menu(night, sid, entry, "opening", "")
    assert said(ask) == ["0 1 0 1 2 3 4 5 6 7 8 번호로 다시 전화드리겠습니다. 맞으면 1번, 다른 번호를 입력하시려면 2번을 누르세요."]
    done = menu(night, sid, entry, "number", "1", CALLER)
    assert verbs(done) == ["Say", "Hangup"]
    assert "03월 03일 09시부터" in said(done)[0]
    row = night.entry(sid)
    assert (row.status, row.callback_number, row.callback_due_at.astimezone(timezone.utc)) == ("callback", CALLER, OPENING)


def test_another_number_is_validated_like_the_queue_callback_menu(night):
    sid, entry = closed_call(night, number="anonymous")
    ask = menu(night, sid, entry, "opening", "")
    assert said(ask) == ["전화받으실 번호를 입력하신 후 우물정자를 눌러 주세요."]
    bad = menu(night, sid, entry, "entered", "123")
    assert said(bad) == ["올바른 전화번호가 아닙니다.", "전화받으실 번호를 입력하신 후 우물정자를 눌러 주세요."]
    confirm = menu(night, sid, entry, "entered", "01099998888")
    assert said(confirm)[0].startswith("0 1 0 9 9 9 9 8 8 8 8 번호로")
    menu(night, sid, entry, "number", "1", "+821099998888")
    assert night.entry(sid).callback_number == "+821099998888"


def test_a_caller_who_hangs_up_before_confirming_is_abandoned_and_never_called(night, clock, fake_twilio):
    sid, entry = closed_call(night)
    night.hang_up(sid)
    assert night.entry(sid).status == "abandoned"
    clock.current = OPENING + timedelta(minutes=1)
    night.status("kim", "available")
    assert fake_twilio.placed == []


def test_nothing_is_placed_before_opening_and_callbacks_come_in_the_order_asked_before_morning_callers(night, clock, fake_twilio):
    first, entry = closed_call(night)
    menu(night, first, entry, "number", "1", CALLER)
    night.hang_up(first)
    clock.advance(600)
    second, entry2 = closed_call(night, number="+821022223333")
    menu(night, second, entry2, "number", "1", "+821022223333")
    night.hang_up(second)
    night.status("kim", "available")
    assert fake_twilio.placed == []  # closed: the callbacks are not due yet
    night.status("kim", "offline")
    clock.current = OPENING + timedelta(seconds=30)
    morning = night.reach("0", language="1", number="+821044445555")[0]
    night.status("kim", "available")
    assert [placed.url for _, placed in fake_twilio.placed] == [f"/voice/queue/callback/agent?entry={entry}"]
    assert night.entry(morning).status == "waiting" and night.entry(second).status == "callback"
    out_sid, _ = fake_twilio.placed[0]
    agent_leg = leg(night, "agent", entry, out_sid)
    assert said(agent_leg)[0].startswith("콜백입니다.")
    assert agent_leg.find("Dial/Number").text == CALLER

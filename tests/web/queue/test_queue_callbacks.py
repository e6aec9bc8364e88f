"""Callbacks keeping the caller's place, and returning callers, through signed webhooks on SQLite and PostgreSQL."""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fakes import FakeTwilio
from helpers import TOKEN, TwilioClient, new_call_sid, said, twilio_params, twiml, verbs

from callqueue.tables import QueueEntryRow
from ivr.config import Settings
from ivr.web import create_app

from queue_calls import QueueCalls
from test_queue_calls import entry_of

FLOWS = Path(__file__).resolve().parents[3] / "flows"
CALLER = "+821012345678"


def _settings(database_url, tmp_path, flows=FLOWS):
    return Settings.from_env({}, database_url=database_url, flows_dir=flows, twilio_auth_token=TOKEN,
                             api_token="api-token", reload_interval_s=0, recordings_dir=tmp_path / "rec",
                             log_level="WARNING", speech="off", prompts="say", secret_key_file=tmp_path / "key")


@pytest.fixture
def fake_twilio():
    return FakeTwilio(base_url="https://ivr.example")


def _calls(settings, clock, twilio):
    app = create_app(settings, clock, twilio=twilio)
    return QueueCalls(app, TwilioClient(app.test_client()), clock)


@pytest.fixture
def floor(database_url, tmp_path, clock, fake_twilio):
    calls = _calls(_settings(database_url, tmp_path), clock, fake_twilio)
    yield calls
    calls.services.engine.dispose()


def menu(calls, sid, entry, step, digits, number=""):
    query = urlencode({"entry": entry, "step": step, **({"number": number} if number else {})})
    return twiml(calls.twilio.post(f"/voice/queue/callback?{query}", twilio_params(sid, Digits=digits)))


def take_callback(calls, number=CALLER):
    """A billing caller (from `number`) presses 1 in its first wait segment, confirms caller ID, as soon as possible."""
    sid, root = calls.reach("2", language="1", number=number)
    entry = entry_of(root)
    offer = calls.wait(sid, entry)
    assert offer.find("Gather").attrib["action"] == f"http://localhost/voice/queue/callback?entry={entry}&step=offer"
    assert said(menu(calls, sid, entry, "offer", "1")) == [
        "0 1 0 1 2 3 4 5 6 7 8 번호로 다시 전화드리겠습니다. 맞으면 1번, 다른 번호를 입력하시려면 2번을 누르세요."]
    menu(calls, sid, entry, "number", "1", number)
    done = menu(calls, sid, entry, "when", "1", number)
    assert verbs(done) == ["Say", "Hangup"]
    calls.left(sid, "billing", "hangup")
    calls.hang_up(sid)
    return sid, entry


def leg(calls, path, entry, call_sid, **extra):
    return twiml(calls.twilio.post(f"/voice/queue/callback/{path}?entry={entry}",
                                   twilio_params(call_sid, Direction="outbound-api", **extra)))


def test_a_callback_keeps_its_place_ahead_of_later_callers_and_agent_first_connects_with_context(floor, clock, fake_twilio):
    first, entry = take_callback(floor)
    row = floor.entry(first)
    assert (row.status, row.callback_number, row.callback_from) == ("callback", CALLER, "+18005550100")
    clock.advance(5)
    later = [floor.reach("2", language="1", number=n)[0] for n in ("+821022223333", "+821044445555")]
    floor.status("kim", "available")
    assert [placed.to for _, placed in fake_twilio.placed] == ["client:kim"]  # the callback, not the later callers
    out_sid, placed = fake_twilio.placed[0]
    assert placed.url == f"/voice/queue/callback/agent?entry={entry}"
    assert placed.status_callback == f"/voice/queue/callback/status?entry={entry}"
    assert all(floor.entry(s).status == "waiting" for s in later)
    agent_leg = leg(floor, "agent", entry, out_sid)
    assert said(agent_leg) == ["콜백입니다. 요금 문의"]
    number = agent_leg.find("Dial/Number")
    assert (number.text, number.attrib["url"]) == (CALLER, f"http://localhost/voice/queue/callback/joined?entry={entry}")
    clock.advance(8)
    assert verbs(leg(floor, "joined", entry, new_call_sid())) == []
    assert floor.agent("kim").status == "busy"
    clock.advance(60)
    leg(floor, "dialed", entry, out_sid, DialCallStatus="completed", DialCallSid=new_call_sid(), DialCallDuration="60")
    row = floor.entry(first)
    assert (row.status, row.outcome, row.agent_id) == ("completed", "callback-then-answered", "kim")
    assert row.enqueued_at < floor.entry(later[0]).enqueued_at
    stats = floor.api.get("/api/queues/billing/stats").get_json()
    assert stats["callbacks_answered"] == 1 and stats["callbacks_failed"] == 0


def test_caller_first_calls_the_caller_who_hears_connecting_then_the_agent(database_url, tmp_path, clock, fake_twilio):
    flows = tmp_path / "flows"
    shutil.copytree(FLOWS, flows)
    yaml = flows / "queues.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("mode: agent_first", "mode: caller_first"), encoding="utf-8")
    calls = _calls(_settings(database_url, tmp_path, flows), clock, fake_twilio)
    try:
        sid, entry = take_callback(calls)
        calls.status("kim", "available")
        out_sid, placed = fake_twilio.placed[0]
        assert (placed.to, placed.url) == (CALLER, f"/voice/queue/callback/caller?entry={entry}")
        caller_leg = leg(calls, "caller", entry, out_sid)
        assert said(caller_leg) == ["요청하신 콜백 전화입니다. billing 상담원을 연결해 드리겠습니다."]
        client = caller_leg.find("Dial/Client")
        assert (client.text, client.attrib["url"]) == ("kim", f"http://localhost/voice/whisper?entry={entry}")
        assert said(calls.whisper(entry)) == ["콜백입니다. 요금 문의"]
        assert calls.entry(sid).status == "answered"
    finally:
        calls.services.engine.dispose()


def test_an_unanswered_callback_is_retried_after_the_gap_then_fails(floor, clock, fake_twilio):
    sid, entry = take_callback(floor)
    floor.status("kim", "available")
    for attempt in range(3):
        out_sid, _ = fake_twilio.placed[-1]
        leg(floor, "agent", entry, out_sid)
        leg(floor, "dialed", entry, out_sid, DialCallStatus="no-answer", DialCallSid=new_call_sid(), DialCallDuration="0")
        assert floor.agent("kim").status == "available"
        if attempt < 2:
            row = floor.entry(sid)
            assert (row.status, row.callback_attempts) == ("callback", attempt + 1)
            floor.services.queues.tick()
            assert len(fake_twilio.placed) == attempt + 1  # not before the retry gap
            clock.advance(300)
            floor.services.queues.tick()
            assert len(fake_twilio.placed) == attempt + 2
    row = floor.entry(sid)
    assert (row.status, row.outcome, row.callback_attempts) == ("callback_failed", "callback_failed", 3)
    stats = floor.api.get("/api/queues/billing/stats").get_json()
    assert stats["callbacks_failed"] == 1 and stats["abandoned"] == 0


def test_an_agent_who_misses_the_callback_is_marked_missed_and_the_attempt_is_not_counted(floor, clock, fake_twilio):
    sid, entry = take_callback(floor)
    floor.status("kim", "available")
    out_sid, _ = fake_twilio.placed[0]
    floor.twilio.post(f"/voice/queue/callback/status?entry={entry}", twilio_params(out_sid, CallStatus="no-answer"))
    row = floor.entry(sid)
    assert (row.status, row.callback_attempts, row.missed) == ("callback", 0, 1)
    assert floor.agent("kim").status == "missed"


def test_a_slot_outside_hours_waits_for_the_next_opening(floor, clock, fake_twilio):
    clock.current = datetime(2026, 3, 6, 8, 30, tzinfo=timezone.utc)  # Friday 17:30 in Seoul; open until 18:00
    sid, root = floor.reach("2", language="1")
    entry = entry_of(root)
    floor.wait(sid, entry)
    slots = said(menu(floor, sid, entry, "when", "2", CALLER))
    assert slots[:2] == ["03월 07일 09시에 받으시려면 1번.", "03월 07일 10시에 받으시려면 2번."]  # Saturday morning
    menu(floor, sid, entry, "slot", "1", CALLER)
    row = floor.entry(sid)
    assert (row.status, row.callback_due_at) == ("callback", datetime(2026, 3, 7, 0, 0, tzinfo=timezone.utc))
    floor.status("kim", "available")
    assert fake_twilio.placed == []
    clock.current = datetime(2026, 3, 7, 0, 0, tzinfo=timezone.utc)
    floor.services.queues.tick()
    assert [placed.to for _, placed in fake_twilio.placed] == ["client:kim"]


def test_a_keyed_in_number_is_checked_and_asked_again_when_wrong(floor, clock):
    sid, root = floor.reach("2", language="1")
    entry = entry_of(root)
    floor.wait(sid, entry)
    assert said(menu(floor, sid, entry, "entered", "12345")) == [
        "올바른 전화번호가 아닙니다.", "전화받으실 번호를 입력하신 후 우물정자를 눌러 주세요."]
    confirm = menu(floor, sid, entry, "entered", "0223456789")
    assert confirm.find("Gather").attrib["action"].endswith("step=number&number=%2B82223456789")


def test_a_callback_survives_a_restart_between_request_and_callback(database_url, tmp_path, clock, fake_twilio):
    settings = _settings(database_url, tmp_path)
    before = _calls(settings, clock, fake_twilio)
    sid, entry = take_callback(before)
    before.services.engine.dispose()
    after = _calls(settings, clock, fake_twilio)
    try:
        after.status("kim", "available")
        assert [placed.url for _, placed in fake_twilio.placed] == [f"/voice/queue/callback/agent?entry={entry}"]
    finally:
        after.services.engine.dispose()


def test_two_workers_ticking_at_once_place_one_callback_call(database_url, tmp_path, clock, fake_twilio):
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) are PostgreSQL's; SQLite writers take turns")
    settings = _settings(database_url, tmp_path)
    first = _calls(settings, clock, fake_twilio)
    second = _calls(settings, clock, fake_twilio)
    try:
        take_callback(first)
        with first.services.uow() as uow:  # kim available without routing, so both workers race for her
            uow.session.execute(QueueEntryRow.__table__.update().values(callback_due_at=clock.now().replace(year=2030)))
            uow.commit()
        first.status("kim", "available")
        with first.services.uow() as uow:
            uow.session.execute(QueueEntryRow.__table__.update().values(callback_due_at=clock.now()))
            uow.commit()
        start = threading.Barrier(2)

        def tick(calls):
            start.wait()
            calls.services.queues.tick()

        workers = [threading.Thread(target=tick, args=(c,)) for c in (first, second)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        # never two calls; with SKIP LOCKED each may hold what the other needs (the entry, the agent) and both
        # pass this round, as two workers in production may: the next tick places it
        assert len(fake_twilio.placed) <= 1
        first.services.queues.tick()
        second.services.queues.tick()
        assert len(fake_twilio.placed) == 1
    finally:
        first.services.engine.dispose()
        second.services.engine.dispose()


def test_a_returning_caller_resumes_the_old_place_and_the_abandon_counts_as_resumed(floor, clock):
    sid, root = floor.reach("2", language="1", number="+821099998888")
    floor.wait(sid, entry_of(root))
    clock.advance(30)
    floor.left(sid, "billing", "hangup")
    floor.hang_up(sid)
    clock.advance(5)
    other, _ = floor.reach("2", language="1", number="+821077776666")
    clock.advance(120)
    again, root = floor.reach("2", language="1", number="+821099998888")
    heard = said(floor.wait(again, entry_of(root)))
    assert heard[0] == "이전 대기 순서로 연결해 드립니다."
    old, new = floor.entry(sid), floor.entry(again)
    assert (old.outcome, old.resumed_by, new.resumed_from) == ("resumed", new.id, old.id)
    assert new.enqueued_at == old.enqueued_at and new.enqueued_at < floor.entry(other).enqueued_at
    floor.status("kim", "available")
    assert floor.entry(again).status == "offered" and floor.entry(other).status == "waiting"
    stats = floor.api.get("/api/queues/billing/stats").get_json()
    assert stats["resumed"] == 1 and stats["abandoned"] == 0

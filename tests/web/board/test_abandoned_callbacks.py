"""Abandoned callers and call-backs through signed webhooks and the fake outbound adapter, SQLite and PostgreSQL."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from helpers import new_call_sid, twiml

from callqueue.tables import AgentStatusLogRow, QueueEntryRow

FIRST, SECOND = "+821011112222", "+821033334444"


def abandon_two(day):
    """FIRST hangs up in billing, later calls again; SECOND hangs up and does not call again."""
    first = day.reach_billing(FIRST)
    day.clock.advance(40)
    day.hang_up(first)
    second = day.reach_billing(SECOND)
    day.clock.advance(15)
    day.hang_up(second)
    day.clock.advance(60)
    again = day.reach_billing(FIRST)
    return first, second, again


def rows_by_sid(day) -> dict:
    return {r["call_sid"]: r for r in day.api.get("/api/abandoned").get_json()["abandoned"]}


def test_every_caller_who_hung_up_waiting_is_listed_with_wait_and_whether_they_called_again(day):
    first, second, again = abandon_two(day)
    rows = rows_by_sid(day)
    assert set(rows) == {first, second}  # the caller still waiting is not abandoned
    assert (rows[first]["number"], rows[first]["queue"], rows[first]["waited_s"]) == (FIRST, "billing", 40)
    assert rows[first]["called_again"] is True and rows[second]["called_again"] is False
    assert rows[second]["waited_s"] == 15 and rows[second]["callback"] is None
    assert day.api.get("/api/abandoned?queue=support").get_json()["abandoned"] == []
    assert day.api.get("/api/abandoned?queue=nope").status_code == 404


def test_sealed_values_a_caller_entered_are_masked(day):
    sid = day.reach_billing(FIRST)
    with day.services.uow() as uow:
        row = uow.session.query(QueueEntryRow).filter_by(call_sid=sid).one()
        row.variables = {"pin": "sealed:v1:gAAAA", "order_number": "12345"}
        uow.commit()
    day.hang_up(sid)
    entered = rows_by_sid(day)[sid]["entered"]
    assert entered == {"pin": "****", "order_number": "12345"}


def test_a_call_back_is_placed_through_the_outbound_adapter_and_answered_into_the_queue_first_in_line(day):
    first, second, again = abandon_two(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    reply = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "queue", "requested_by": "boss"})
    assert reply.status_code == 201, reply.get_json()
    placed_sid, call = day.fake.placed[-1]
    assert call.to == SECOND and reply.get_json()["call_sid"] == placed_sid
    assert urlsplit(call.url).path == "/voice/callback" and urlsplit(call.status_callback).path == "/voice/callback/status"
    callback_id = parse_qs(urlsplit(call.url).query)["callback"][0]
    assert reply.get_json()["requested_by"] == "boss" and reply.get_json()["status"] == "queued"

    again_reply = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "queue"})
    assert again_reply.status_code == 409 and "already queued" in again_reply.get_json()["error"]

    answered = twiml(day.post(f"/voice/callback?callback={callback_id}", placed_sid, Direction="outbound-api",
                              From="+18005550100", To=SECOND))
    enqueue = answered.find("Enqueue")
    assert enqueue is not None and enqueue.text == "billing"
    wait_entry = int(parse_qs(urlsplit(enqueue.get("waitUrl")).query)["entry"][0])
    with day.services.uow() as uow:
        entry = uow.session.get(QueueEntryRow, wait_entry)
        assert (entry.call_sid, entry.from_number, entry.priority, entry.status) == (placed_sid, SECOND, 100, "waiting")
        ahead = uow.session.query(QueueEntryRow).filter_by(call_sid=again).one()
    assert ahead.status == "waiting" and ahead.priority < entry.priority  # FIRST's new call waits behind it
    line = day.api.get("/api/abandoned").get_json()["abandoned"]
    assert next(r for r in line if r["entry_id"] == entry_id)["callback"]["status"] == "in-progress"

    assert day.post(f"/voice/callback/status?callback={callback_id}", placed_sid, CallStatus="completed").status_code == 204
    row = next(r for r in day.api.get("/api/abandoned").get_json()["abandoned"] if r["entry_id"] == entry_id)
    assert row["callback"]["status"] == "completed" and row["called_back"] is True


def agent_free(day, agent: str = "kim") -> None:
    """Nobody else waits (the returning caller hangs up) and `agent` is available."""
    day.hang_up(day_waiting(day))
    assert day.api.post(f"/api/agents/{agent}/status", json={"status": "available"}).status_code == 200


def day_waiting(day) -> str:
    with day.services.uow() as uow:
        return uow.session.query(QueueEntryRow).filter_by(status="waiting").one().call_sid


def statuses_logged(day, agent: str) -> list[str]:
    with day.services.uow() as uow:
        rows = uow.session.query(AgentStatusLogRow).filter_by(agent_id=agent).order_by(AgentStatusLogRow.id)
        return [r.status for r in rows]


def test_a_call_back_to_an_agent_who_is_not_available_is_refused_409(day):
    _, second, _ = abandon_two(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    reply = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "agent", "agent": "kim"})
    assert reply.status_code == 409 and "kim is offline, not available" in reply.get_json()["error"]
    assert day.fake.placed == []


def test_a_call_back_to_an_agent_reserves_them_then_busy_then_wrap_up_like_a_queue_call(day):
    _, second, _ = abandon_two(day)
    agent_free(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    reply = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "agent", "agent": "kim"})
    assert reply.status_code == 201 and reply.get_json()["agent"] == "kim"
    assert day.api.get("/api/agents/kim").get_json()["status"] == "reserved"  # the router offers kim nothing else
    again = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "agent", "agent": "kim"})
    assert again.status_code == 409
    placed_sid, call = day.fake.placed[-1]
    callback_id = parse_qs(urlsplit(call.url).query)["callback"][0]
    day.clock.advance(5)
    answered = twiml(day.post(f"/voice/callback?callback={callback_id}", placed_sid, Direction="outbound-api"))
    dialed = answered.find("Dial")
    assert dialed is not None and dialed.find("Client").text.strip() == "kim"
    assert "/voice/callback/dialed" in dialed.get("action")
    day.clock.advance(65)
    day.post(f"/voice/callback/dialed?callback={callback_id}", placed_sid, DialCallStatus="completed",
             DialCallDuration="60")
    kim = day.api.get("/api/agents/kim").get_json()
    assert kim["status"] == "wrap_up"  # billing's wrap_up_s is 30
    assert statuses_logged(day, "kim")[-3:] == ["reserved", "busy", "wrap_up"]
    with day.services.uow() as uow:
        stay = uow.session.query(QueueEntryRow).filter_by(call_sid=placed_sid).one()
        assert (stay.status, stay.agent_id, stay.handle_seconds) == ("completed", "kim", 60)


def test_a_call_back_to_an_agent_nobody_answers_frees_the_agent_and_fails_the_stay(day):
    _, second, _ = abandon_two(day)
    agent_free(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "agent", "agent": "kim"})
    placed_sid, call = day.fake.placed[-1]
    callback_id = parse_qs(urlsplit(call.url).query)["callback"][0]
    day.clock.advance(60)
    assert day.post(f"/voice/callback/status?callback={callback_id}", placed_sid, CallStatus="no-answer").status_code == 204
    assert day.api.get("/api/agents/kim").get_json()["status"] == "available"
    with day.services.uow() as uow:
        assert uow.session.query(QueueEntryRow).filter_by(call_sid=placed_sid).one().status == "callback_failed"


def test_a_call_back_webhook_must_be_signed_and_name_its_own_call(day):
    _, second, _ = abandon_two(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "queue"})
    placed_sid, call = day.fake.placed[-1]
    callback_id = parse_qs(urlsplit(call.url).query)["callback"][0]
    forged = day.twilio.post(f"/voice/callback?callback={callback_id}", {"CallSid": placed_sid}, sign=False)
    assert forged.status_code == 403
    stranger = twiml(day.post(f"/voice/callback?callback={callback_id}", new_call_sid()))
    assert [c.tag for c in stranger] == ["Hangup"]


def test_call_back_mistakes_are_clear_4xx(day):
    first, second, again = abandon_two(day)
    with day.services.uow() as uow:
        waiting_id = uow.session.query(QueueEntryRow).filter_by(call_sid=again).one().id
    entry_id = rows_by_sid(day)[second]["entry_id"]
    assert day.api.post(f"/api/abandoned/{waiting_id}/callback", json={"target": "queue"}).status_code == 404
    assert day.api.post("/api/abandoned/999999/callback", json={"target": "queue"}).status_code == 404
    bad = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "everyone"})
    assert bad.status_code == 400 and "queue or agent" in bad.get_json()["error"]
    assert day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "agent", "agent": "nobody"}).status_code == 404
    assert day.api.post(f"/api/abandoned/{entry_id}/callback", data="x").status_code == 400
    assert day.fake.placed == []


def test_without_rest_a_call_back_is_503_and_a_refused_call_is_recorded_failed(day):
    _, second, _ = abandon_two(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    day.fake.rest_ready = False
    reply = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "queue"})
    assert reply.status_code == 503 and "TWILIO_ACCOUNT_SID" in reply.get_json()["error"]
    day.fake.rest_ready, day.fake.failing = True, True
    refused = day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "queue"})
    assert refused.status_code == 503 and "did not take" in refused.get_json()["error"]
    assert rows_by_sid(day)[second]["callback"]["status"] == "failed"
    day.fake.failing = False
    assert day.api.post(f"/api/abandoned/{entry_id}/callback", json={"target": "queue"}).status_code == 201


class RecordingAudit:
    def __init__(self):
        self.records = []

    def record(self, actor, action, target="", **detail):
        self.records.append((actor, action, target, detail))


def test_a_placed_call_back_is_given_to_the_audit_log_when_one_is_wired(day):
    from ivr.board.callbacks import Callbacks

    _, second, _ = abandon_two(day)
    entry_id = rows_by_sid(day)[second]["entry_id"]
    audit = RecordingAudit()
    services = day.services
    callbacks = Callbacks(services.uow, services.queues, lambda: day.fake, day.clock, audit=lambda: audit)
    row = callbacks.place(entry_id, "queue", None, "supervisor:lee")
    assert audit.records == [("supervisor:lee", "callback", str(entry_id),
                              {"to": "queue", "agent": None, "queue": "billing", "call_sid": row.call_sid})]

"""Every change to agents, queue entries, offers and call statuses writes live events in its own transaction."""
from __future__ import annotations

from sqlalchemy import select

from callqueue.tables import AgentRow, QueueEntryRow
from ivr.live.tables import LIVE_EVENTS


def events(app, after: int = 0) -> set[tuple[str, str, str]]:
    with app.extensions["ivr"].engine.connect() as conn:
        rows = conn.execute(select(LIVE_EVENTS.c.audience, LIVE_EVENTS.c.kind, LIVE_EVENTS.c.ref)
                            .where(LIVE_EVENTS.c.id > after))
        return set(map(tuple, rows))


def newest(app) -> int:
    return app.extensions["ivr"].live.feed.newest()


def test_an_offer_to_kim_writes_events_for_kim_and_for_the_board(live_app, floor):
    floor.status("kim", "available")
    before = newest(live_app)
    floor.billing_caller()
    floor.route()
    with live_app.extensions["ivr"].uow() as uow:
        entry = uow.session.scalars(select(QueueEntryRow)).one()
    assert entry.agent_id == "kim" and entry.status == "offered"
    written = events(live_app, before)
    ref = str(entry.id)
    assert {("agent:kim", "offer", ref), ("board", "offer", ref), ("board", "entry", ref),
            ("agent:kim", "agent", "kim"), ("board", "agent", "kim")} <= written
    assert not [e for e in written if e[0].startswith("agent:") and e[0] != "agent:kim"]


def test_each_flush_writes_one_row_per_audience_kind_and_thing(live_app):
    before = newest(live_app)
    with live_app.extensions["ivr"].uow() as uow:
        row = uow.session.get(AgentRow, "lee")
        row.status = "available"
        uow.session.flush()
        row.status = "break"
        uow.session.flush()
        uow.commit()
    with live_app.extensions["ivr"].engine.connect() as conn:
        kinds = conn.execute(select(LIVE_EVENTS.c.audience).where(LIVE_EVENTS.c.id > before)).scalars().all()
    assert sorted(kinds) == ["agent:lee", "agent:lee", "board", "board"]  # one pair per flush


def test_the_events_are_in_the_changes_transaction_and_a_rollback_writes_none(live_app):
    before = newest(live_app)
    with live_app.extensions["ivr"].uow() as uow:
        uow.session.get(AgentRow, "park").status = "available"
        uow.session.flush()
        inside = uow.session.execute(select(LIVE_EVENTS.c.audience).where(LIVE_EVENTS.c.id > before)).scalars().all()
        # leaving without commit rolls back
    assert sorted(inside) == ["agent:park", "board"]
    assert events(live_app, before) == set()


def test_an_unchanged_save_writes_nothing(live_app):
    before = newest(live_app)
    with live_app.extensions["ivr"].uow() as uow:
        row = uow.session.get(AgentRow, "choi")
        row.status = row.status
        uow.commit()
    assert events(live_app, before) == set()


def test_a_call_hanging_up_tells_the_board(live_app, floor):
    sid = floor.billing_caller()
    before = newest(live_app)
    floor.twilio.post("/voice/status", {**_status_params(sid), "CallStatus": "completed", "CallDuration": "30"})
    written = events(live_app, before)
    assert ("board", "call", sid) in written
    assert any(kind == "entry" for _a, kind, _r in written)  # the waiting entry ended: abandoned


def _status_params(sid: str) -> dict:
    from helpers import twilio_params

    return twilio_params(sid)

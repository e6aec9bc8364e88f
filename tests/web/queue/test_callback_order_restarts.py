"""Callback order across restarts, on SQLite and PostgreSQL: billing callers take callbacks (some wait on the line),
after-hours callers ask for one at opening, and the app is replaced by a new one on the same database between
every request and every callback served. The order they are served in must be the order they called in."""
from __future__ import annotations

from datetime import timedelta

from fakes import FakeTwilio
from helpers import TwilioClient, new_call_sid

from ivr.web import create_app

from queue_calls import QueueCalls
from test_after_hours_callback import EVENING, OPENING, closed_call
from test_queue_callbacks import _settings, leg, menu
from test_queue_calls import entry_of

CALLERS = 6


class Restarts:
    """A new app (new engine, new services) on the same database each time `again()` is called."""

    def __init__(self, database_url, tmp_path, clock, twilio):
        self.settings, self.clock, self.twilio, self.count, self.calls = _settings(database_url, tmp_path), clock, twilio, 0, None
        self.again()

    def again(self) -> QueueCalls:
        if self.calls is not None:
            self.calls.services.engine.dispose()
            self.count += 1
        app = create_app(self.settings, self.clock, twilio=self.twilio)
        self.calls = QueueCalls(app, TwilioClient(app.test_client()), self.clock)
        return self.calls

    def serve_one(self) -> int:
        """Kim takes the next callback placed: the agent leg, the caller joins, a minute's talk, wrap-up over."""
        calls = self.again()
        out_sid, placed = self.twilio.placed[-1]
        entry = int(placed.url.split("entry=")[1])
        leg(calls, "agent", entry, out_sid)
        calls = self.again()
        leg(calls, "joined", entry, new_call_sid())
        self.clock.advance(60)
        leg(calls, "dialed", entry, out_sid, DialCallStatus="completed", DialCallSid=new_call_sid(), DialCallDuration="60")
        self.clock.advance(31)  # billing's wrap-up is 30 s
        self.again().services.queues.tick()
        return entry


def test_callbacks_are_served_in_the_order_asked_across_restarts(database_url, tmp_path, clock):
    twilio = FakeTwilio(base_url="https://ivr.example")
    clock.current = EVENING
    run = Restarts(database_url, tmp_path, clock, twilio)
    expected = []
    for i in range(CALLERS // 2):  # closed: callbacks at opening, each asked after a restart
        number = f"+8210555500{i:02d}"
        sid, entry = closed_call(run.again(), number=number)
        menu(run.again(), sid, entry, "number", "1", number)
        run.calls.hang_up(sid)
        expected.append(entry)
        clock.advance(120)
    clock.current = OPENING + timedelta(seconds=10)
    run.again().status("kim", "offline")
    for i in range(CALLERS - CALLERS // 2):  # open: billing callers keep their place by callback
        number = f"+8210666600{i:02d}"
        calls = run.again()
        sid, root = calls.reach("2", language="1", number=number)
        entry = entry_of(root)
        calls.wait(sid, entry)
        menu(run.again(), sid, entry, "offer", "1")
        menu(run.again(), sid, entry, "number", "1", number)
        menu(run.again(), sid, entry, "when", "1", number)
        run.calls.hang_up(sid)
        expected.append(entry)
        clock.advance(20)
    run.again().status("kim", "available")
    served = []
    while len(served) < CALLERS:
        served.append(run.serve_one())
    inversions = sum(1 for a in range(CALLERS) for b in range(a + 1, CALLERS)
                     if expected.index(served[a]) > expected.index(served[b]))
    print(f"\ncallback order: {CALLERS} callbacks, {run.count} restarts, served {served}, expected {expected}, "
          f"{inversions} inversions, {len(twilio.placed)} calls placed")
    assert served == expected and len(twilio.placed) == CALLERS

"""Callers who hung up while the database was unreachable are closed as abandoned once it is back, and an offer
to a caller who is gone frees the agent instead of marking them missed (SQLite and PostgreSQL, fake clock)."""
from __future__ import annotations

import pytest
from fakes import FakeTwilio
from helpers import verbs
from sqlalchemy.exc import OperationalError

from callqueue.service import QueueService
from ivr.bootstrap import queue_exit

WAIT_PATH = "/voice/queue/wait?entry="


class Outage:
    """The database as one worker sees it: reachable, or not (every unit of work fails to open)."""

    def __init__(self, uow):
        self.uow, self.down = uow, False

    def __call__(self):
        if self.down:
            raise OperationalError("BEGIN", {}, ConnectionRefusedError("the database is unreachable"))
        return self.uow()


def entry_of(root) -> int:
    wait_url = root.find("Enqueue").attrib["waitUrl"]
    return int(wait_url[wait_url.index(WAIT_PATH) + len(WAIT_PATH):])


def worker(calls, twilio=None) -> tuple[QueueService, Outage]:
    """A second process running `ivr worker` on the same database (with Twilio's REST API when `twilio` is given)."""
    outage = Outage(calls.services.uow)
    return QueueService(outage, calls.services.queues.config, calls.clock, queue_exit(twilio), worker="w1"), outage


def through_an_outage(calls, clock, queues: QueueService, outage: Outage, seconds: float) -> None:
    queues.tick()
    outage.down = True
    clock.advance(seconds)
    with pytest.raises(OperationalError):
        queues.tick()  # meanwhile a hang-up's status callback fails, and Twilio never retries it
    outage.down = False
    queues.tick()  # the first pass that gets through: the database is back


def test_a_caller_who_hung_up_during_an_outage_is_closed_as_abandoned_and_never_offered(calls, clock):
    queues, outage = worker(calls)
    gone, gone_root = calls.reach("3")
    live, live_root = calls.reach("3", language="1")
    calls.wait(gone, entry_of(gone_root))
    calls.wait(live, entry_of(live_root))
    through_an_outage(calls, clock, queues, outage, 90)
    clock.advance(10)
    calls.wait(live, entry_of(live_root))  # the caller still on the line asks again within a segment
    clock.advance(49)
    queues.tick()
    assert calls.entry(gone).status == "waiting"  # a wait segment and the margin have not passed yet
    clock.advance(2)
    queues.tick()
    assert (calls.entry(gone).status, calls.entry(gone).outcome) == ("abandoned", "abandoned")
    assert calls.entry(live).status == "waiting"
    calls.status("park", "available")
    assert (calls.entry(live).status, calls.entry(live).agent_id) == ("offered", "park")
    assert calls.agent("park").status == "reserved"


def test_with_rest_credentials_twilio_decides_who_is_gone(calls, clock):
    gone, gone_root = calls.reach("3")
    silent, silent_root = calls.reach("3")
    twilio = FakeTwilio(statuses={gone: "completed", silent: "in-progress"})
    queues, outage = worker(calls, twilio)
    calls.wait(gone, entry_of(gone_root))
    calls.wait(silent, entry_of(silent_root))
    through_an_outage(calls, clock, queues, outage, 30)
    clock.advance(61)
    queues.tick()
    assert calls.entry(gone).status == "abandoned"
    assert calls.entry(silent).status == "waiting"  # unheard, but Twilio says the call is up (long hold music?)
    assert sorted(set(twilio.status_lookups)) == sorted({gone, silent})


def test_with_rest_credentials_a_connected_call_that_ended_during_an_outage_frees_its_agent(calls, clock):
    calls.status("smith", "available")
    sid, root = calls.reach("2")
    calls.wait(sid, entry_of(root))
    calls.left(sid, "billing")
    calls.whisper(entry_of(root))
    talking, talking_root = calls.reach("3")
    calls.status("park", "available")
    calls.wait(talking, entry_of(talking_root))
    calls.left(talking, "support")
    calls.whisper(entry_of(talking_root))
    twilio = FakeTwilio(statuses={sid: "completed", talking: "in-progress"})
    queues, outage = worker(calls, twilio)
    through_an_outage(calls, clock, queues, outage, 120)  # both hung up or ended meanwhile? Twilio knows
    clock.advance(61)
    queues.tick()
    assert (calls.entry(sid).status, calls.agent("smith").status) == ("completed", "wrap_up")
    assert (calls.entry(talking).status, calls.agent("park").status) == ("answered", "busy")


@pytest.mark.parametrize("came, twilio_says, entry_status, agent_status", [
    (False, None, "abandoned", "available"),    # never came for the offer: gone; the agent is not to blame
    (True, None, "waiting", "missed"),          # came and rang the agent, who did not answer
    (True, "completed", "abandoned", "available"),  # came, then hung up while it rang (the callbacks were lost)
    (False, "in-progress", "waiting", "missed"),    # Twilio says the caller is there
])
def test_an_offer_that_runs_out_blames_the_agent_only_when_the_caller_is_there(calls, clock, came, twilio_says,
                                                                               entry_status, agent_status):
    sid, root = calls.reach("2")
    calls.wait(sid, entry_of(root))
    clock.advance(3)
    calls.status("smith", "available")
    assert calls.entry(sid).status == "offered"
    if came:
        assert verbs(calls.wait(sid, entry_of(root))) == ["Leave"]
        calls.left(sid, "billing")
    queues, _ = worker(calls, FakeTwilio(statuses={sid: twilio_says}) if twilio_says else None)
    clock.advance(20 + 25 + 1)
    queues.tick()
    entry, smith = calls.entry(sid), calls.agent("smith")
    assert (entry.status, smith.status) == (entry_status, agent_status)
    assert smith.missed_calls == (1 if agent_status == "missed" else 0)
    assert calls.assignments()[0].outcome == ("missed" if agent_status == "missed" else "withdrawn")

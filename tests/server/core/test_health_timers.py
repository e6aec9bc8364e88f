"""/api/health says when no timer loop has run for over a minute (read from the database, so any worker can tell);
it stays 200 then, because the lease is shared by every server and a 503 would take them all out of service."""
from __future__ import annotations

from callqueue.timer_lease import TimerLease
from callqueue.worker import run_forever


def test_health_says_the_timers_never_ran(app):
    response = app.test_client().get("/api/health")
    body = response.get_json()
    assert response.status_code == 200
    assert (body["status"], body["timers"], body["timers_last_pass"]) == ("ok", "stale: no timer loop has ever run", None)


def test_health_is_ok_after_a_pass_and_stale_with_the_age_a_minute_later(app, clock):
    services = app.extensions["ivr"]
    run_forever(services.queues, interval_s=0, passes=1, lease=TimerLease(services.uow, clock, "host:7"))
    body = app.test_client().get("/api/health").get_json()
    assert body["timers"] == "ok"
    assert body["timers_last_pass"] == {"at": clock.now().isoformat(), "age_s": 0.0, "by": "host:7"}
    clock.advance(61)
    response = app.test_client().get("/api/health")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["timers"] == "stale: no timer pass for 61 s"
    assert body["timers_last_pass"]["age_s"] == 61.0

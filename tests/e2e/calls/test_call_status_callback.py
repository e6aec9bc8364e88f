"""The status callback the simulator sends at the end of a call closes the call on the server."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from fakes import response, twiml_app
from sample import IN_TRANSIT

from ivr.clock import FakeClock
from ivr.sim import FlaskTransport, run_call

STARTED = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_status_callback_marks_the_call_completed_with_its_duration(transport, signed, call_record):
    result = run_call(transport, ["2", "1", f"{IN_TRANSIT}#", "2"], options=signed)
    call = call_record(result.call_sid)
    assert (call["status"], call["duration_seconds"], call["flow_ended"]) == ("completed", result.duration_s, True)
    assert call["events"][-1]["kind"] == "status"
    assert call["events"][-1]["detail"] == {"status": "completed", "CallDuration": str(result.duration_s),
                                            "SequenceNumber": "0"}
    assert call["variables"]["order_number"] == IN_TRANSIT


def test_status_callback_carries_twilios_call_progress_parameters(transport, signed):
    result = run_call(transport, ["2", "1", f"{IN_TRANSIT}#", "2"], options=signed, clock=FakeClock(STARTED))
    status = result.requests[-1]
    assert (status.method, status.url, status.status) == ("POST", "http://localhost/voice/status", 204)
    assert {k: status.params[k] for k in ("CallStatus", "CallbackSource", "SequenceNumber", "Duration")} == {
        "CallStatus": "completed", "CallbackSource": "call-progress-events", "SequenceNumber": "0", "Duration": "1"}
    assert 20 <= int(status.params["CallDuration"]) <= 60  # simulated: speech, keys, no wall time
    assert re.fullmatch(r"Mon, 05 Jan 2026 09:00:\d\d \+0000", status.params["Timestamp"])


def test_answered_transfer_adds_a_minute_of_talk_time_to_the_call_duration(signed):
    documents = {"/voice": response('<Dial action="/dialed">+15551230000</Dial>'), "/dialed": response("<Hangup/>")}
    busy = run_call(FlaskTransport(twiml_app(documents)), [], options=replace(signed, dial_status="busy"))
    talked = run_call(FlaskTransport(twiml_app(documents)), [], options=signed)
    assert (busy.duration_s, talked.duration_s) == (0, 60)

"""The JSON API: bearer token, health, calls with their event logs."""
from __future__ import annotations

from dataclasses import replace

from helpers import TwilioClient, new_call_sid, twilio_params

from ivr.web import create_app


def walk_to_order(twilio, sid):
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    twilio.press(sid, "main_menu", "1")
    twilio.press(sid, "order_number", "12345")
    twilio.press(sid, "anything_else", "1")


def test_health_is_open_and_lists_flows_with_versions(app):
    response = app.test_client().get("/api/health")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok" and body["database"] == "ok"
    assert sorted(f["name"] for f in body["flows"]) == ["choose_language", "main"]
    assert all(len(f["version"]) == 16 for f in body["flows"])


def test_health_reports_an_unreachable_database_with_503(settings, clock):
    app = create_app(replace(settings, database_url="postgresql://nobody@127.0.0.1:1/none"), clock)
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"  # the class and the reason go to the log only


def test_health_reports_flow_errors_with_file_and_line(settings, clock, tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "broken.yaml").write_text("name: b\nstart: a\nnodes:\n  a: {kind: nope}\n")
    response = create_app(replace(settings, flows_dir=flows), clock).test_client().get("/api/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["flow_errors"] == ["broken.yaml:4:6: nodes.a: unknown node kind 'nope'"]
    assert str(tmp_path) not in response.get_data(as_text=True)  # the open health check shows no server paths


def test_calls_need_the_bearer_token(app):
    client = app.test_client()
    assert client.get("/api/calls").status_code == 401
    wrong = client.get("/api/calls", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.get_json() == {"error": "missing or wrong bearer token"}


def test_without_api_token_the_api_is_closed_even_to_loopback_but_health_answers(settings, clock):
    client = create_app(replace(settings, api_token=""), clock).test_client()
    refused = client.get("/api/calls")  # a reverse proxy on this host makes every request look local
    assert refused.status_code == 401 and "IVR_DEV_OPEN_API" in refused.get_json()["error"]
    assert client.get("/api/agents").status_code == 401
    assert client.get("/api/health").status_code == 200


def test_dev_open_api_serves_local_requests_without_a_token_and_never_remote_ones(settings, clock):
    client = create_app(replace(settings, api_token="", dev_open_api=True), clock).test_client()
    assert client.get("/api/calls").status_code == 200
    remote = client.get("/api/calls", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 401


def test_dev_open_api_is_read_from_the_environment_only_when_set_to_one():
    from ivr.config import Settings

    assert Settings.from_env({"IVR_DEV_OPEN_API": "1"}).dev_open_api is True
    assert Settings.from_env({}).dev_open_api is False and Settings.from_env({"IVR_DEV_OPEN_API": "0"}).dev_open_api is False


def test_call_detail_has_variables_and_the_event_log(twilio, api):
    sid = new_call_sid()
    walk_to_order(twilio, sid)
    body = api.get(f"/api/calls/{sid}").get_json()
    assert body["node"] == "main_menu" and body["language"] == "en"
    assert body["variables"]["order_number"] == "12345" and body["from"] == "+821012345678"
    assert body["variables"]["order_status"] == "preparing" and body["variables"]["eta"] == "2026-03-04"
    kinds = [(e["kind"], e["node"]) for e in body["events"]]
    assert kinds[:4] == [("call_started", ""), ("node_entered", "welcome"), ("node_entered", "language"),
                         ("subflow_called", "language")]
    assert kinds.index(("returned", "choose_language/done")) < kinds.index(("hours_checked", "office_hours"))
    assert ("language_chosen", "choose_language/choose") in kinds and ("returned", "choose_language/done") in kinds
    assert ("digits_entered", "order_number") in kinds and ("http_fetched", "order_lookup") in kinds
    assert {e["flow_version"] for e in body["events"]} == {body["flow_version"]}


def test_call_list_newest_first_with_paging(twilio, api, clock):
    sids = [new_call_sid() for _ in range(3)]
    for sid in sids:
        twilio.start(sid)
        clock.advance(1)
    body = api.get("/api/calls?limit=2").get_json()
    assert [c["call_sid"] for c in body["calls"]] == [sids[2], sids[1]]
    assert api.get("/api/calls?limit=abc").status_code == 400


def test_unknown_call_is_404_json(api):
    response = api.get("/api/calls/CA" + "f" * 32)
    assert response.status_code == 404 and response.get_json() == {"error": f"no call CA{'f' * 32}"}


def test_status_callbacks_are_recorded_on_the_call(twilio, api, clock):
    sid = new_call_sid()
    twilio.start(sid)
    clock.advance(42)
    response = twilio.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration="42",
                                                          Duration="1", SequenceNumber="0",
                                                          CallbackSource="call-progress-events"))
    assert response.status_code == 204
    body = api.get(f"/api/calls/{sid}").get_json()
    assert body["status"] == "completed" and body["duration_seconds"] == 42
    assert body["ended_at"] == clock.now().isoformat()
    assert body["events"][-1]["detail"] == {"status": "completed", "CallDuration": "42", "SequenceNumber": "0"}


def test_every_twilio_status_is_accepted(twilio, api):
    sid = new_call_sid()
    twilio.start(sid)
    for status in ["queued", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled"]:
        assert twilio.post("/voice/status", twilio_params(sid, CallStatus=status)).status_code == 204
    body = api.get(f"/api/calls/{sid}").get_json()
    assert body["status"] == "completed"  # the first end stands; later callbacks are logged, not applied
    assert [e["detail"]["status"] for e in body["events"] if e["kind"] == "status"][-1] == "canceled"


def test_unknown_status_value_is_a_bad_request(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    assert twilio.post("/voice/status", twilio_params(sid, CallStatus="exploded")).status_code == 400


def test_status_for_an_unknown_call_is_acknowledged_and_logged(twilio, caplog):
    response = twilio.post("/voice/status", twilio_params(new_call_sid(), CallStatus="completed"))
    assert response.status_code == 204 and "for unknown call" in caplog.text


def test_sensitive_variables_are_masked_in_the_api(settings, clock, tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "pin.yaml").write_text(
        "name: pin\nstart: p\nnodes:\n  p: {kind: gather, prompt: PIN, variable: pin, sensitive: true, next: e}\n"
        "  e: {kind: hangup}\n"
    )
    app = create_app(replace(settings, flows_dir=flows), clock)
    twilio = TwilioClient(app.test_client())
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "p", "4321")
    api = app.test_client()
    body = api.get(f"/api/calls/{sid}", headers={"Authorization": "Bearer api-token"}).get_json()
    assert body["variables"]["pin"] == "****"
    assert "4321" not in str(body["events"])

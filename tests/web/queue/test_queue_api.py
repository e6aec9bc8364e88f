"""The queue's JSON API: agents created and updated, statuses set, and every mistake a clear 4xx."""
from __future__ import annotations

import pytest


@pytest.fixture
def api(calls):
    return calls.api


def test_agents_from_agents_yaml_are_listed_offline_with_id_and_status(api):
    agents = {a["id"]: a for a in api.get("/api/agents").get_json()["agents"]}
    assert set(agents) == {"kim", "lee", "park", "smith", "choi"}
    assert agents["kim"]["status"] == "offline" and agents["kim"]["skills"] == {"billing": 8, "ko": 10, "en": 6}


def test_an_agent_is_created_then_updated_keeping_its_status(api):
    body = {"id": "alice", "name": "Alice", "skills": {"billing": 8, "ko": 10}, "contact": "client:alice"}
    assert api.post("/api/agents", json=body).status_code == 201
    assert api.post("/api/agents/alice/status", json={"status": "break"}).get_json()["status"] == "break"
    updated = api.post("/api/agents", json={**body, "skills": {"billing": 9, "en": 7}})
    assert updated.status_code == 200
    assert (updated.get_json()["status"], updated.get_json()["skills"]) == ("break", {"billing": 9, "en": 7})


@pytest.mark.parametrize("path, body, status, message", [
    ("/api/agents/nobody/status", {"status": "available"}, 404, "no agent 'nobody'"),
    ("/api/agents/kim/status", {"status": "lunch"}, 400, "unknown status 'lunch'"),
    ("/api/agents/kim/status", {"status": "busy"}, 400, "a person can set offline, available or break"),
    ("/api/agents/kim/status", {}, 400, "status is required"),
    ("/api/agents", {"name": "No id"}, 400, "id is required"),
    ("/api/agents", {"id": "x", "name": "X", "contact": "alice"}, 400, "is neither client:<identity> nor an E.164 number"),
    ("/api/agents", {"id": "x", "name": "X", "contact": "client:x", "skills": {"billing": 0}}, 400, "level 0 is out of range"),
    ("/api/agents", {"id": "x", "name": "X", "contact": "client:x", "colour": "red"}, 400, "colour"),
])
def test_bad_input_gets_a_clear_4xx(api, path, body, status, message):
    reply = api.post(path, json=body)
    assert reply.status_code == status and message in reply.get_json()["error"], reply.get_json()


def test_a_body_that_is_not_json_is_400(api):
    reply = api.post("/api/agents/kim/status", data="status=available")
    assert reply.status_code == 400 and "JSON object" in reply.get_json()["error"]


def test_a_person_cannot_move_an_agent_whose_phone_rings_409(calls, api):
    api.post("/api/agents/smith/status", json={"status": "available"})
    calls.reach("2")
    calls.services.queues.route_now()
    reply = api.post("/api/agents/smith/status", json={"status": "break"})
    assert reply.status_code == 409 and "smith is reserved" in reply.get_json()["error"]


def test_unknown_queue_is_404_and_bad_figures_400(api):
    assert api.get("/api/queues/nope/stats").status_code == 404
    assert "no queue 'nope'" in api.get("/api/queues/nope/abandoned").get_json()["error"]
    assert api.get("/api/queues/billing/stats?hours=x").status_code == 400
    queues = api.get("/api/queues").get_json()["queues"]
    assert [q["name"] for q in queues] == ["billing", "support", "general"]


def test_the_api_needs_the_token(calls):
    client = calls.app.test_client()
    assert client.get("/api/agents", headers={"Authorization": "Bearer wrong"}).status_code == 401

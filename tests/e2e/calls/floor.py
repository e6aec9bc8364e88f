"""The agents of flows/agents.yaml set available through the API, for calls that reach a queue."""
from __future__ import annotations

import pytest
from fakes import API_TOKEN


@pytest.fixture
def staffed(ivr_app) -> list[str]:
    """Every agent available; the simulator answers their <Dial>s as its dial_status says."""
    client = ivr_app.test_client()
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    agents = [a["id"] for a in client.get("/api/agents", headers=headers).get_json()["agents"]]
    for agent in agents:
        assert client.post(f"/api/agents/{agent}/status", json={"status": "available"}, headers=headers).status_code == 200
    return agents

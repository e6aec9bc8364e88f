"""What the speech-call tests share: the tokens, the flows folder, one signed simulated call, the server's events."""
from __future__ import annotations

from pathlib import Path

from ivr.sim import CallOptions, FlaskTransport, ScriptedCaller, run_call

FLOWS = Path(__file__).resolve().parents[3] / "flows"
TOKEN = "speech-calls-token"
API_TOKEN = "speech-calls-api"


def agents_available(app) -> None:
    """Every agent of flows/agents.yaml at work, so a caller sent to a queue is answered."""
    client = app.test_client()
    for agent in ("kim", "lee", "park", "smith"):
        reply = client.post(f"/api/agents/{agent}/status", json={"status": "available"},
                            headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert reply.status_code == 200, reply.get_data(as_text=True)


def call(app, *script: str):
    """One signed simulated call with `script` (one item per question)."""
    options = CallOptions(auth_token=TOKEN)
    return run_call(FlaskTransport(app), caller=ScriptedCaller(list(script)), options=options)


def events(app, call_sid: str) -> list[dict]:
    reply = app.test_client().get(f"/api/calls/{call_sid}", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()["events"]


def heard_events(app, call_sid: str) -> list[dict]:
    return [e["detail"] for e in events(app, call_sid) if e["kind"] == "speech_heard"]

"""Callers and users for the board's browser tests, over real HTTP against the live server: signed Twilio webhooks,
the API with its token, the sample flows made open around the clock, and Twilio's REST API stood in for."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from urllib.parse import urlencode

import requests
import yaml
from twilio.request_validator import RequestValidator

from gunicorn_server import FLOWS
from helpers import TOKEN, new_call_sid, twilio_params

ACCOUNT = "AC" + "b" * 32
CALLS_PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
PLACED_SID = "CA" + "e" * 32
PASSWORD = "Evening-Walk-2026"
_STANDIN = Path(__file__).resolve().parents[1] / "integration" / "outbound" / "standin.py"


def standin_module():
    """tests/integration/outbound/standin.py (the REST stand-in the outbound tests use), loaded by path."""
    if "outbound_standin" in sys.modules:
        return sys.modules["outbound_standin"]
    spec = importlib.util.spec_from_file_location("outbound_standin", _STANDIN)
    module = importlib.util.module_from_spec(spec)
    sys.modules["outbound_standin"] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def fake_rest():
    """A stand-in of Twilio's REST API that takes a placed call (answers with PLACED_SID) and records it."""
    standin = standin_module()
    server = standin.StandIn()
    server.routes[("POST", CALLS_PATH)] = standin.Answer(
        201, json.dumps({"sid": PLACED_SID, "account_sid": ACCOUNT, "status": "queued"}).encode(),
        {"Content-Type": "application/json"})
    return server


def always_open_flows(folder: Path) -> Path:
    """The sample flows with the main flow's office hours open all week, all day (the test runs any time)."""
    target = folder / "flows"
    shutil.copytree(FLOWS, target)
    main = yaml.safe_load((target / "main.yaml").read_text(encoding="utf-8"))
    hours = main["nodes"]["office_hours"]
    hours.update(weekly={"mon-sun": "00:00-24:00"}, holidays=[], closures=[])
    (target / "main.yaml").write_text(yaml.safe_dump(main, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


class Phone:
    """Posts to the live server as Twilio does (form-encoded, signed against the server's public URL)."""

    def __init__(self, base: str):
        self.base = base

    def post(self, path: str, params: dict) -> requests.Response:
        signature = RequestValidator(TOKEN).compute_signature(f"{self.base}{path}", params)
        answer = requests.post(f"{self.base}{path}", data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
        assert answer.status_code < 300, (path, answer.status_code, answer.text[:300])
        return answer

    def step(self, sid: str, node: str, digits: str | None = None, **extra) -> str:
        params = twilio_params(sid, **extra)
        if digits is not None:
            params["Digits"] = digits
        return self.post(f"/voice/step?{urlencode({'node': node})}", params).text

    def reach_billing(self, number: str) -> str:
        """A call from `number`: English, then the main menu's 2 (billing); its CallSid. The answer enqueues it."""
        sid = new_call_sid()
        self.post("/voice", twilio_params(sid, CallStatus="ringing", From=number))
        self.step(sid, "choose_language/choose", "2", From=number)
        answer = self.step(sid, "main_menu", "2", From=number)
        assert "<Enqueue" in answer, answer
        return sid

    def hang_up(self, sid: str, number: str, seconds: int = 30) -> None:
        self.post("/voice/status", twilio_params(sid, From=number, CallStatus="completed", CallDuration=str(seconds)))


def add_user(base: str, token: str, username: str, role: str, agent: str | None = None) -> None:
    body = {"username": username, "password": PASSWORD, "role": role, "language": "en"}
    if agent:
        body["agent"] = agent
    answer = requests.post(f"{base}/api/users", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 201, answer.text


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click('[data-testid="sign-in"]')
    page.wait_for_load_state()

"""Steps of the desk's browser tests: a caller walking the sample flow by signed webhooks against the live server
(as Twilio would post them), the agent user made through /api/users, and signing in through the page."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from urllib.parse import urlencode

import requests
from helpers import TOKEN, new_call_sid, twilio_params
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from gunicorn_server import FLOWS

from ivr.tables import CallEventRow, CallRow

PASSWORD = "Desk-Browser-2026"
NUMBER = "+821055501234"
WAIT_URL = re.compile(r'waitUrl="[^"]*entry=([0-9]+)"')


def open_all_day(folder) -> str:
    """The sample flows with the center open at any hour (the test may run on a Sunday night): FLOWS_DIR."""
    copy = shutil.copytree(FLOWS, folder / "flows")
    main = copy / "main.yaml"
    text = main.read_text(encoding="utf-8")
    assert "    closed: after_hours\n" in text, "the sample flow's office_hours node changed: update open_all_day"
    main.write_text(text.replace("    closed: after_hours\n", "    closed: vip_check\n"), encoding="utf-8")
    return str(copy)


def add_agent(base: str, api_token: str, username: str = "kim", agent: str = "kim") -> None:
    answer = requests.post(f"{base}/api/users", json={"username": username, "password": PASSWORD, "role": "agent",
                                                      "agent": agent}, headers={"Authorization": f"Bearer {api_token}"},
                           timeout=10)
    assert answer.status_code == 201, answer.text


def sign_in(page, base: str, username: str = "kim", password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')


class Caller:
    """Posts Twilio's webhooks to the live server, signed for its URL."""

    def __init__(self, base: str, number: str = NUMBER):
        self.base, self.number = base, number
        self.validator = RequestValidator(TOKEN)

    def post(self, path: str, **params) -> str:
        body = {**twilio_params(params.pop("sid"), From=self.number, Caller=self.number), **params}
        url = f"{self.base}{path}"
        answer = requests.post(url, data=body, timeout=10,
                               headers={"X-Twilio-Signature": self.validator.compute_signature(url, body)})
        assert 200 <= answer.status_code < 300, answer.text
        return answer.text

    def press(self, sid: str, node: str, digits: str, **extra) -> str:
        return self.post(f"/voice/step?{urlencode({'node': node})}", sid=sid, Digits=digits, **extra)

    def korean_order_to_billing(self) -> tuple[str, int]:
        """Korean -> delivery status -> order 12345# -> main menu -> billing: the call and its queue entry."""
        sid = new_call_sid()
        self.post("/voice", sid=sid, CallStatus="ringing")
        self.press(sid, "choose_language/choose", "1")
        self.press(sid, "main_menu", "1")
        self.press(sid, "order_number", "12345", FinishedOnKey="#")
        self.press(sid, "anything_else", "1")
        enqueued = self.press(sid, "main_menu", "2")
        return sid, int(WAIT_URL.search(enqueued).group(1))

    def wait(self, sid: str, entry: int) -> str:
        """Twilio's wait-URL request: the router offers the caller to an available agent."""
        return self.post(f"/voice/queue/wait?entry={entry}", sid=sid, QueuePosition="1", QueueTime="0")

    def talk_and_end(self, sid: str, entry: int, seconds: int = 30) -> None:
        """The caller leaves the queue for the agent, the agent answers (whisper), the agent's leg ends."""
        self.post(f"/voice/queue/left?{urlencode({'node': 'billing'})}", sid=sid, QueueResult="leave",
                  QueueSid="QU" + "1" * 32, QueueTime="4")
        self.post(f"/voice/whisper?entry={entry}", sid=new_call_sid(), Direction="outbound-dial")
        self.post(f"/voice/queue/dialed?{urlencode({'node': 'billing'})}", sid=sid, DialCallStatus="completed",
                  DialCallSid=new_call_sid(), DialCallDuration=str(seconds))

    def hang_up(self, sid: str) -> None:
        self.post("/voice/status", sid=sid, CallStatus="completed", CallDuration="60")


def hostile_story(database_url: str, sid: str, transcript: str, value: str) -> None:
    """What the caller said (a transcript) and a value they entered, written into the call's log as the flow
    writes them (the live server has no recogniser to hear a recording with)."""
    engine = create_engine(database_url)
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        call = session.scalars(select(CallRow).where(CallRow.call_sid == sid)).one()
        session.add(CallEventRow(call_id=call.id, at=now, kind="speech_heard", node="main_menu", flow_version=call.flow_version,
                                 detail={"transcript": transcript, "confidence": 0.42}))
        session.add(CallEventRow(call_id=call.id, at=now, kind="digits_entered", node="order_number", flow_version=call.flow_version,
                                 detail={"variable": "memo", "digits": "1", "valid": True}))
        call.variables = {**(call.variables or {}), "memo": value}
        session.commit()
    engine.dispose()

"""A day on the floor for the board's tests: queue entry rows written as a script says (times, outcomes, waits),
and callers driven through signed webhooks."""
from __future__ import annotations

from datetime import datetime, timedelta

from helpers import new_call_sid, twilio_params, twiml

from callqueue.tables import AgentStatusLogRow, QueueEntryRow
from ivr.tables import CallRow, SurveyAnswerRow


class BoardDay:
    def __init__(self, app, twilio, clock, fake_twilio):
        self.app, self.twilio, self.clock, self.fake = app, twilio, clock, fake_twilio
        self.api = app.test_client()
        self.api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"

    @property
    def services(self):
        return self.app.extensions["ivr"]

    def entry(self, queue: str, enqueued_at: datetime, status: str, wait_s: float | None = None,
              handle_s: float | None = None, agent: str | None = None, number: str = "+821055500000",
              estimate_s: float | None = None, call_sid: str | None = None) -> str:
        """One queue entry row as the queue service leaves it (answered_at/ended_at from the waits given)."""
        sid = call_sid or new_call_sid()
        answered_at = enqueued_at + timedelta(seconds=wait_s) if status in ("answered", "completed") else None
        ended_at = (answered_at + timedelta(seconds=handle_s) if answered_at and handle_s is not None
                    else enqueued_at + timedelta(seconds=wait_s) if status in ("abandoned", "overflowed") else None)
        with self.services.uow() as uow:
            uow.session.add(QueueEntryRow(
                call_sid=sid, from_number=number, node="to_agent", queue=queue, first_queue=queue, priority=0,
                skills={}, variables={}, language="ko", whisper="", status=status, agent_id=agent,
                enqueued_at=enqueued_at, queue_entered_at=enqueued_at,
                offered_at=enqueued_at + timedelta(seconds=wait_s) if agent else None, answered_at=answered_at,
                ended_at=ended_at, wait_seconds=wait_s, handle_seconds=handle_s if answered_at and ended_at else None,
                estimate_announced_s=estimate_s, wait_requests=0, offers=1 if agent else 0, missed=0))
            uow.commit()
        return sid

    def statuses(self, agent: str, changes: list[tuple[datetime, str]]) -> None:
        """Rows of the agent's status log, as the queue's repository writes them."""
        with self.services.uow() as uow:
            uow.session.add_all([AgentStatusLogRow(agent_id=agent, status=status, at=at) for at, status in changes])
            uow.commit()

    def call(self, call_sid: str, started_at: datetime, number: str = "+821055500000", variables: dict | None = None) -> None:
        with self.services.uow() as uow:
            uow.session.add(CallRow(call_sid=call_sid, from_number=number, to_number="+18005550100", direction="inbound",
                                    flow_name="main", flow_version="v", node="main_menu", language="ko",
                                    variables=variables or {}, status="completed", started_at=started_at,
                                    updated_at=started_at, ended_at=started_at + timedelta(seconds=60),
                                    duration_seconds=60))
            uow.commit()

    def survey(self, call_sid: str, question: str, answer: str | None, at: datetime) -> None:
        with self.services.uow() as uow:
            uow.session.add(SurveyAnswerRow(call_sid=call_sid, survey="satisfaction", question=question, kind="scale",
                                            answer=answer, answered_at=at))
            uow.commit()

    # -- callers through webhooks -----------------------------------------------------
    def reach_billing(self, number: str) -> str:
        """A call from `number` through the language menu (Korean) to billing (main menu key 2); its CallSid."""
        sid = new_call_sid()
        self.twilio.start(sid, From=number)
        self.twilio.press(sid, "choose_language/choose", "2")
        twiml(self.twilio.press(sid, "main_menu", "2"))
        return sid

    def hang_up(self, sid: str, duration: int = 30):
        return self.twilio.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration=str(duration)))

    def post(self, path: str, sid: str, **extra):
        return self.twilio.post(path, twilio_params(sid, **extra))

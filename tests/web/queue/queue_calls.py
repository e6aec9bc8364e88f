"""A caller and the floor driven by signed webhooks and the API: small steps the queue tests are written in."""
from __future__ import annotations

from urllib.parse import urlencode

from helpers import new_call_sid, twilio_params, twiml

from callqueue.tables import AgentRow, AssignmentRow, QueueEntryRow


class QueueCalls:
    def __init__(self, app, twilio, clock):
        self.app, self.twilio, self.clock = app, twilio, clock
        self.api = app.test_client()
        self.api.environ_base["HTTP_AUTHORIZATION"] = "Bearer api-token"

    @property
    def services(self):
        return self.app.extensions["ivr"]

    # -- agents ---------------------------------------------------------------
    def status(self, agent_id: str, status: str):
        return self.api.post(f"/api/agents/{agent_id}/status", json={"status": status})

    def agent(self, agent_id: str) -> AgentRow:
        with self.services.uow() as uow:
            return uow.session.get(AgentRow, agent_id)

    # -- callers ----------------------------------------------------------------
    def reach(self, queue_key: str, language: str = "2", order: str | None = None,
              number: str | None = None) -> tuple[str, object]:
        """A new call (from `number`) through the language menu to a main-menu key (2 billing, 3 support, 0 agent); its TwiML."""
        sid = new_call_sid()
        self.twilio.start(sid, **({"From": number} if number else {}))
        self.twilio.press(sid, "choose_language/choose", language)
        if order:
            self.twilio.press(sid, "main_menu", "1")
            self.twilio.press(sid, "order_number", order, FinishedOnKey="#")
            self.twilio.press(sid, "anything_else", "1")
        return sid, twiml(self.twilio.press(sid, "main_menu", queue_key))

    def wait(self, sid: str, entry: int):
        return twiml(self.twilio.post(f"/voice/queue/wait?entry={entry}", twilio_params(sid, QueuePosition="1", QueueTime="0")))

    def left(self, sid: str, node: str, result: str = "leave"):
        return twiml(self.twilio.post(f"/voice/queue/left?{urlencode({'node': node})}",
                                      twilio_params(sid, QueueResult=result, QueueSid="QU" + "1" * 32, QueueTime="10")))

    def whisper(self, entry: int):
        return twiml(self.twilio.post(f"/voice/whisper?entry={entry}", twilio_params(new_call_sid(), Direction="outbound-dial")))

    def dialed(self, sid: str, node: str, status: str, duration: int = 0):
        params = twilio_params(sid, DialCallStatus=status, DialCallSid=new_call_sid(), DialCallDuration=str(duration))
        return twiml(self.twilio.post(f"/voice/queue/dialed?{urlencode({'node': node})}", params))

    def hang_up(self, sid: str, duration: int = 30):
        return self.twilio.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration=str(duration)))

    # -- rows ---------------------------------------------------------------------
    def entry(self, sid: str) -> QueueEntryRow:
        with self.services.uow() as uow:
            return uow.session.query(QueueEntryRow).filter_by(call_sid=sid).order_by(QueueEntryRow.id.desc()).first()

    def assignments(self) -> list[AssignmentRow]:
        with self.services.uow() as uow:
            return uow.session.query(AssignmentRow).order_by(AssignmentRow.id).all()

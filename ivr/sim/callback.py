"""Twilio's part in a callback: the in-process app places its outbound calls on the simulator (loopback.py
SimTwilio); once the caller who asked for a callback has hung up, the simulator moves the clock and runs the
queue's timers until the server places a call, then answers it as Twilio would (the answered leg's TwiML, the <Dial> to the
other side with its whisper or join URL, the talk, the Dial's action and the placed call's status callback).

agent_first: the agent's phone rings, the agent hears the caller's context, then the caller's leg joins.
caller_first: the caller's phone rings, the caller hears "connecting you", then the agent answers and hears the
whisper. A leg nobody answers (`dial_status`, or a simulated agent slower than the ring timeout) ends with
CallStatus no-answer and the simulator waits for the server's retry.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import twiml_verbs as v
from .loopback import SimTwilio
from .queueing import _spoken
from .steps import check_status, check_twiml
from .wire import new_sid

STEP_S = 5             # the clock moves this far between two runs of the queue's timers
PATIENCE_S = 4 * 3600  # the simulator stops waiting for a callback after this long
MAX_LEGS = 10          # placed calls answered (or not) for one callback, retries included
ANSWER_S = 4.0         # a leg that is not a simulated agent picks up after this long
TALK_S = 60.0


@dataclass
class CallbackPlayer:
    """Waits for the server's callback calls and answers them; `free_agents(seconds since the caller hung up)` lets
    agents become available while the simulator waits (they were busy while the caller held)."""

    phone: SimTwilio
    services: object
    free_agents: object = None
    patience_s: float = PATIENCE_S

    @classmethod
    def for_transport(cls, transport, free_agents=None) -> "CallbackPlayer | None":
        """The player for an in-process app built with a SimTwilio; None for a server over HTTP."""
        app = getattr(transport, "app", None)
        services = app.extensions["ivr"] if app is not None else None
        phone = getattr(services, "twilio", None)
        return cls(phone, services, free_agents) if isinstance(phone, SimTwilio) else None

    def play(self, call) -> None:
        call.transcript.add("callback", "⏳ the caller waits to be called back; the queue's timers run")
        hung_up_at, answered, legs = call.elapsed_s, False, 0
        seen = len(self.phone.placed)
        while not answered and legs < MAX_LEGS:
            waited = call.elapsed_s - hung_up_at
            if len(self.phone.placed) == seen:
                if waited >= self.patience_s:
                    call.transcript.add("callback", f"✖ no callback within {waited:.0f} s")
                    call.result.error = call.result.error or f"no callback placed within {waited:.0f} s"
                    return
                call.pass_time(STEP_S)
                if self.free_agents is not None:
                    self.free_agents(call.elapsed_s - hung_up_at)
                self.services.queues.tick()
                continue
            call_sid, placed = self.phone.placed[seen]
            seen, legs = seen + 1, legs + 1
            answered = _Leg(call, self, call_sid, placed, hung_up_at).play()
        if not answered:
            call.transcript.add("callback", f"✖ the callback was not connected after {legs} placed call(s)")


class _Leg:
    """One placed call: rings `placed.to`, answered or not, its TwiML carried out."""

    def __init__(self, call, player: CallbackPlayer, call_sid: str, placed, hung_up_at: float):
        self.call, self.player, self.call_sid, self.placed, self.hung_up_at = call, player, call_sid, placed, hung_up_at
        self.url = call.addressing.start(placed.url)
        self.is_caller = placed.to == call.identity.from_number or "/caller?" in placed.url

    def _who(self, contact: str, is_caller: bool) -> str:
        return f"the caller ({contact})" if is_caller else contact

    def play(self) -> bool:
        call, placed = self.call, self.placed
        who = self._who(placed.to, self.is_caller)
        call.transcript.add("callback", f"☎ the server calls {who} ({placed.timeout_s} s)")
        answered, ring_s, talk_s = self._answer(placed.to, self.is_caller, placed.timeout_s)
        call.pass_time(ring_s)
        if not answered:
            call.transcript.add("callback", f"☎ {who} does not answer")
            self._status("no-answer", 0)
            return False
        self.player.phone.statuses[self.call_sid] = "in-progress"
        document = self._request("POST", self.url, self._params(self.call_sid, placed.to, "outbound-api"))
        connected = False
        for verb in document.verbs:
            if self._heard(verb, who, self.is_caller):
                continue
            if isinstance(verb, v.DialVerb):
                connected = self._dial(verb, document.url, who, talk_s)
                break
            if isinstance(verb, v.HangupVerb):
                call.transcript.add("callback", f"☎ the server hangs up on {who}")
                break
        self._status("completed", round(talk_s) if connected else 0)
        return connected

    def _answer(self, contact: str, is_caller: bool, timeout_s: int) -> tuple[bool, float, float]:
        agent = None if is_caller else next((a for a in self.call.options.agents if a.contact == contact), None)
        if agent is not None:
            return (True, agent.answer_s, agent.handle_s) if agent.answer_s < timeout_s else (False, timeout_s, 0)
        if is_caller or self.call.options.dial_status in ("completed", "answered"):
            return True, ANSWER_S, TALK_S
        return False, timeout_s, 0

    def _heard(self, verb, who: str, is_caller: bool) -> bool:
        words = _spoken(self.call, verb, "")
        if words is None:
            return isinstance(verb, v.PauseVerb)
        language, text = words
        if is_caller:
            self.call.transcript.add("say", f"🔊 [{language}] {text}", said=text)
        else:
            self.call.transcript.add("whisper", f"🎧 {who} hears: {text}", said=text)
        return True

    def _dial(self, dial: v.DialVerb, document_url: str, who: str, talk_s: float) -> bool:
        """The answered side dials the other: its noun's URL (whisper or join) is requested on the new leg."""
        call = self.call
        noun, address = dial.targets[0]
        contact = f"client:{address}" if noun == "Client" else address
        other_is_caller = not self.is_caller
        other = self._who(contact, other_is_caller)
        answered, ring_s, other_talk_s = self._answer(contact, other_is_caller, dial.timeout_s)
        call.transcript.add("callback", f"☎ {who}'s leg dials {other} ({dial.timeout_s} s) -> "
                                        f"{'answered' if answered else 'no-answer'}")
        call.pass_time(ring_s)
        connected = answered
        if answered and dial.target_urls and dial.target_urls[0]:
            url = call.addressing.resolve(dial.target_urls[0], document_url)
            joined = self._request("POST", url, {**self._params(new_sid("CA"), contact, "outbound-dial"),
                                                 "ParentCallSid": self.call_sid})
            for verb in joined.verbs:
                if isinstance(verb, v.HangupVerb):
                    connected = False
                    call.transcript.add("callback", f"☎ the server hangs up on {other}")
                    break
                self._heard(verb, other, other_is_caller)
        talk = min(talk_s, other_talk_s) if connected else 0
        if connected:
            agent = other if self.is_caller else who
            after = call.elapsed_s - self.hung_up_at
            call.transcript.add("callback", f"☎ called back by {agent} after {after:.0f} s; talking {talk:g} s")
            call.pass_time(talk)
        if dial.action:
            status = "completed" if connected else "no-answer"
            params = {**self._params(self.call_sid, self.placed.to, "outbound-api"), "DialCallStatus": status,
                      "DialCallSid": new_sid("CA"), "DialCallDuration": str(round(talk)),
                      "DialBridged": "true" if connected else "false"}
            self._request(dial.method, call.addressing.resolve(dial.action, document_url), params)
        return connected

    def _status(self, status: str, duration_s: int) -> None:
        self.player.phone.statuses[self.call_sid] = status
        if not self.placed.status_callback:
            return
        url = self.call.addressing.start(self.placed.status_callback)
        params = {**self._params(self.call_sid, self.placed.to, "outbound-api"), "CallStatus": status,
                  "CallDuration": str(duration_s)}
        answer = self.call._send("POST", url, params, None)
        check_status(answer, url)

    def _params(self, call_sid: str, to: str, direction: str) -> dict:
        identity = self.call.identity
        return {"CallSid": call_sid, "AccountSid": identity.account_sid, "From": self.placed.from_, "To": to,
                "CallStatus": "in-progress", "Direction": direction, "ApiVersion": "2010-04-01"}

    def _request(self, method: str, url: str, params: dict) -> v.Document:
        answer = self.call._send(method, url, params, None)
        check_twiml(answer, method, url)
        return v.parse(answer.body, url)

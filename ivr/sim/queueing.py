"""Twilio's part in a call queue: wait-URL segments until <Leave>, and simulated agents who answer a <Dial>.

A waiting caller requests the wait URL, hears its verbs and waits out its pauses (the clock moves),
again and again until the server answers <Leave> (an agent was assigned, or the caller overflowed);
then the Enqueue action is requested with QueueResult=leave. A <Dial> whose noun has a `url` is a
call to an agent: a simulated agent (``--agent alice=billing:8,ko``) answers after its delay, hears the
whisper (the noun's URL, requested on the agent's leg) and hangs up after its handle time.

At a wait document's <Gather> (the callback offer) a scripted caller presses a key only when its next script
item is `cb:KEY` (`cb:1`); the menu that follows is played inside the queue (its Gathers take the next script
items) until it sends the caller back to holding, or the caller hangs up, waiting to be called back.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import listening
from . import twiml_verbs as v
from .errors import ProtocolError
from .steps import End, Next, check_twiml
from .wire import new_sid

AGENT = re.compile(r"^([A-Za-z0-9_.@-]+)=(.*)$")
SKILL_LEVEL = 10      # a skill written without a level
PLAY_SECONDS = 5
CHARACTERS_PER_SECOND = 12


@dataclass(frozen=True)
class SimAgent:
    """An agent the simulator plays: registered through the API, answers after `answer_s`, talks `handle_s`."""

    id: str
    skills: dict = field(default_factory=dict)
    answer_s: float = 4.0
    handle_s: float = 60.0
    phone: str = ""  # the contact the server dials (default client:<id>)

    @property
    def contact(self) -> str:
        return self.phone or f"client:{self.id}"


def parse_agent(text: str, answer_s: float = 4.0, handle_s: float = 60.0) -> SimAgent:
    """`alice=billing:8,ko` -> agent alice with billing 8 and ko 10 (a skill without a level is 10)."""
    match = AGENT.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an agent like alice=billing:8,ko")
    skills = {}
    for part in filter(None, (p.strip() for p in match.group(2).split(","))):
        name, _, level = part.partition(":")
        if level and not level.isdigit():
            raise ValueError(f"{part!r}: a skill level is a whole number from 1 to 10, like billing:8")
        skills[name] = int(level) if level else SKILL_LEVEL
    return SimAgent(match.group(1), skills, answer_s, handle_s)


def wait_in_queue(call, enqueue: v.EnqueueVerb, url: str) -> Next | End:
    """Request the wait URL segment after segment until <Leave>, a hang-up, or the caller's patience runs out."""
    wait_url, action = call.addressing.resolve(enqueue.wait_url, url), call.addressing.resolve(enqueue.action or url, url)
    queue_sid, started = new_sid("QU"), call.elapsed_s
    call.transcript.add("queue", f"⏳ enqueue {enqueue.queue}")
    while True:
        waited = round(call.elapsed_s - started)
        document = call._fetch(Next("POST", wait_url, _wait_params(queue_sid, waited)))
        outcome = _segment(call, document)
        while isinstance(outcome, Next):  # the callback menu, played while the caller is still in the queue
            step = call._play(call._fetch(outcome))
            if isinstance(step, End):
                waited = round(call.elapsed_s - started)
                gone = "the caller hangs up to be called back" if call.asked_callback else "the caller hangs up"
                call.transcript.add("queue", f"⇠ {gone} after {waited} s in the queue")
                return Next(enqueue.method, action, {"QueueResult": "hangup", "QueueSid": queue_sid,
                                                     "QueueTime": str(waited)}, then=End(gone))
            outcome = "again" if _path(step.url) == _path(wait_url) else step
        waited = round(call.elapsed_s - started)
        if outcome == "leave":
            call.transcript.add("queue", f"⇠ leave the queue after {waited} s")
            return Next(enqueue.method, action, {"QueueResult": "leave", "QueueSid": queue_sid, "QueueTime": str(waited)})
        if outcome == "hangup":
            return End("hangup")
        patience = call.options.queue_patience_s
        if patience is not None and waited >= patience:
            call.transcript.add("hangup", f"☎ caller hangs up after waiting {waited} s")
            return Next(enqueue.method, action, {"QueueResult": "hangup", "QueueSid": queue_sid, "QueueTime": str(waited)},
                        then=End("caller hung up in the queue"))


def _path(url: str) -> str:
    return url.split("?", 1)[0]


def _wait_params(queue_sid: str, waited: int) -> dict:
    return {"QueuePosition": "1", "QueueSid": queue_sid, "QueueTime": str(waited), "AvgQueueTime": "0",
            "CurrentQueueSize": "1", "MaxQueueSize": "1000"}


def _spoken(call, verb, url: str) -> tuple[str, str] | None:
    """(language, text) the caller hears from a <Say>, or from a <Play> of a prompt our server synthesised."""
    if isinstance(verb, v.SayVerb):
        return verb.language, verb.text
    if isinstance(verb, v.PlayVerb) and not verb.digits:
        return listening.prompt_words(verb)
    return None


def _segment(call, document: v.Document) -> str | Next:
    """Carry out one wait document: says, plays and pauses take time; <Leave> or <Hangup> end the wait. A
    <Gather> (the callback offer) plays its prompts; a caller whose script says `cb:KEY` presses KEY (the Gather's
    action comes next); else it waits the timeout and the document goes on with the next verb, as Twilio does on
    no input without actionOnEmptyResult."""
    for verb in document.verbs:
        if _heard(call, verb, document.url):
            continue
        if isinstance(verb, v.GatherVerb):
            for prompt in verb.prompts:
                if not _heard(call, prompt, document.url):
                    raise ProtocolError(f"<{type(prompt).__name__.removesuffix('Verb')}> is not allowed in a <Gather>")
            keys = call.caller.hold_keys() if hasattr(call.caller, "hold_keys") else None
            if keys:
                call.asked_callback = True
                call.transcript.add("keys", f"⌨ caller presses {keys} while waiting")
                call.pass_time(0.5 * len(keys))
                return Next(verb.method, call.addressing.resolve(verb.action or document.url, document.url),
                            {"Digits": keys, "FinishedOnKey": ""})
            call.transcript.add("pause", f"⌨ no key pressed in {verb.timeout_s} s")
            call.pass_time(verb.timeout_s)
        elif isinstance(verb, v.LeaveVerb):
            return "leave"
        elif isinstance(verb, v.HangupVerb):
            call.transcript.add("hangup", "☎ hangup")
            return "hangup"
        else:
            raise ProtocolError(f"<{type(verb).__name__.removesuffix('Verb')}> is not allowed in a wait document")
    return "again"


def _heard(call, verb, url: str) -> bool:
    """A <Say>, <Play> or <Pause> of a wait document: the caller hears it (time passes); False for other verbs."""
    words = _spoken(call, verb, url)
    if words is not None:
        language, text = words
        shown = f"  ▶ {listening.shown_prompt(verb.url)}" if isinstance(verb, v.PlayVerb) else ""
        call.transcript.add("say", f"🔊 [{language}] {text}{shown}", said=text)
        call.pass_time(max(1.0, len(text) / CHARACTERS_PER_SECOND))
        return True
    if isinstance(verb, (v.PlayVerb, v.PauseVerb)):
        seconds = verb.length_s if isinstance(verb, v.PauseVerb) else PLAY_SECONDS
        call.transcript.add("pause", f"♫ hold {seconds} s")
        call.pass_time(seconds)
        return True
    return False


def dial_agent(call, dial: v.DialVerb, url: str) -> Next | None:
    """A <Dial> to an agent: rings, the agent answers (hears the whisper) and talks, or does not answer."""
    noun, address = dial.targets[0]
    contact = f"client:{address}" if noun == "Client" else address
    agent = next((a for a in call.options.agents if a.contact == contact), None)
    status, ring_s, talk_s = _agent_answer(call, agent, dial.timeout_s)
    call.transcript.add("dial", f"☎ dial {contact} ({dial.timeout_s} s) -> {status}")
    call.pass_time(ring_s)
    if status == "completed" and dial.target_urls and dial.target_urls[0]:
        _whisper(call, call.addressing.resolve(dial.target_urls[0], url), contact)
    if status == "completed":
        call.transcript.add("dial", f"☎ talking with {contact} for {talk_s:g} s; the agent hangs up")
        call.pass_time(talk_s)
    if not dial.action:
        return None
    params = {"DialCallStatus": status, "DialCallSid": new_sid("CA"), "DialCallDuration": str(round(talk_s)),
              "DialBridged": "true" if status == "completed" else "false"}
    return Next(dial.method, call.addressing.resolve(dial.action, url), params)


def _agent_answer(call, agent: SimAgent | None, timeout_s: int) -> tuple[str, float, float]:
    if agent is not None:
        answers = agent.answer_s < timeout_s
        return ("completed", agent.answer_s, agent.handle_s) if answers else ("no-answer", timeout_s, 0)
    status = call.options.dial_status
    return status, (3 if status == "completed" else timeout_s if status == "no-answer" else 0), (60 if status == "completed" else 0)


def _whisper(call, url: str, contact: str) -> None:
    """Twilio requests the noun's URL on the agent's leg once the agent answers, before bridging the caller."""
    params = {"CallSid": new_sid("CA"), "AccountSid": call.identity.account_sid, "From": call.identity.from_number,
              "To": contact, "CallStatus": "in-progress", "Direction": "outbound-dial",
              "ParentCallSid": call.identity.call_sid, "ApiVersion": "2010-04-01"}
    answer = call._send("POST", url, params, None)
    check_twiml(answer, "POST", url)
    document = v.parse(answer.body, url)
    spoken = (_spoken(call, verb, url) for verb in document.verbs)
    heard = " ".join(words[1] for words in spoken if words is not None)
    call.transcript.add("whisper", f"🎧 {contact} hears: {heard}" if heard else f"🎧 {contact}: the caller is gone",
                        said=heard)


def register_agents(transport, agents: tuple[SimAgent, ...], api_token: str = "") -> list[str]:
    """Create or update each simulated agent through the JSON API and make it available; the lines to show."""
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
    shown = []
    for agent in agents:
        body = {"id": agent.id, "name": agent.id, "contact": agent.contact, "skills": agent.skills}
        for method, path, data in (("POST", "/api/agents", body), ("POST", f"/api/agents/{agent.id}/status", {"status": "available"})):
            answer = transport.send_json(method, path, data, headers)
            if answer.status >= 300:
                raise ProtocolError(f"{method} {path} answered HTTP {answer.status}: {answer.body.strip()[:200]}")
        skills = ", ".join(f"{k}:{v}" for k, v in agent.skills.items())
        shown.append(f"👤 agent {agent.id} ({skills}) available; answers after {agent.answer_s:g} s, talks {agent.handle_s:g} s")
    return shown


def staff_known_agents(transport, answer_s: float, handle_s: float, api_token: str = "") -> tuple[tuple[SimAgent, ...], list[str]]:
    """Every agent the server knows (agents.yaml), made available and played by the simulator."""
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
    listed = transport.send_json("GET", "/api/agents", None, headers)
    if listed.status != 200:
        raise ProtocolError(f"GET /api/agents answered HTTP {listed.status}")
    agents = tuple(SimAgent(a["id"], a["skills"], answer_s, handle_s, a["contact"]) for a in json.loads(listed.body)["agents"])
    shown = []
    for agent in agents:
        answer = transport.send_json("POST", f"/api/agents/{agent.id}/status", {"status": "available"}, headers)
        if answer.status != 200:
            raise ProtocolError(f"agent {agent.id} cannot be made available: {answer.body.strip()[:200]}")
        shown.append(f"👤 agent {agent.id} ({agent.contact}) available")
    return agents, shown

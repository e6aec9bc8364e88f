"""One simulated caller of the load benchmark: a signed Twilio call that follows the TwiML it is given.

The caller plays Twilio's part as ivr/sim does, but asynchronously and in real time: it posts the signed webhook,
reads the answer with ivr.sim.twiml_verbs, waits a person's think time (2-4 s) and requests what the TwiML names
next — a <Gather>'s action with the next keys of its script, a <Redirect>, the <Enqueue> wait URL again and again
until <Leave>, the <Dial> to an agent (whisper on the agent's leg, talk, the dial action), and the status callback
when the call ends. Every request is timed and judged: non-2xx, TwiML that does not parse, and the server's
fallback apology are errors. A script that runs out of keys on a <Gather> (the flow went somewhere unexpected,
say the center was closed) is an error too, so a wrong flow never passes for a fast one.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator
from yarl import URL

from ivr.config import APOLOGY
from ivr.sim import twiml_verbs as v
from ivr.sim.errors import ProtocolError
from ivr.sim.wire import Addressing, CallIdentity, new_sid

APOLOGIES = {text for _, text in APOLOGY}
TWIML_TYPES = ("text/xml", "application/xml")
MAX_REQUESTS = 60  # one call never makes more: a loop in the flow is an error, not a hang
MAX_QUEUE_WAIT_S = 400  # the sample queues overflow after 300 s; a caller still waiting after this is an error

# The sample flow (flows/main.yaml): English, delivery status, order 12345, end the call.
MENU_SCRIPT = ("2", "1", "12345#", "2")
# English, billing (an enqueue node), then the survey after the agent: resolved (1), satisfied 5.
QUEUE_SCRIPT = ("2", "2", "1", "5")


@dataclass
class Sample:
    """One answered (or failed) request: when it finished, how long it took, what was wrong (None: nothing)."""

    done_at: float
    seconds: float
    error: str | None


@dataclass
class Tally:
    """Everything the callers report, read by the ramp."""

    samples: list[Sample] = field(default_factory=list)
    calls_started: list[str] = field(default_factory=list)
    calls_completed: list[str] = field(default_factory=list)
    error_examples: dict[str, str] = field(default_factory=dict)

    def record(self, started: float, error: str | None, detail: str = "") -> None:
        now = time.monotonic()
        self.samples.append(Sample(now, now - started, error))
        if error and error not in self.error_examples:
            self.error_examples[error] = detail[:300]


@dataclass(frozen=True)
class Target:
    """Where requests go (base_url) and the URL the server believes it is called at (public_url, signed)."""

    base_url: str
    public_url: str
    auth_token: str

    def addressing(self) -> Addressing:
        return Addressing(self.base_url, self.public_url)


@dataclass(frozen=True)
class Agent:
    """A simulated agent: answers a <Dial> to its contact after answer_s and talks handle_s."""

    id: str
    contact: str
    answer_s: float = 2.0
    handle_s: float = 5.0


class CallFailed(Exception):
    """The call cannot go on (an error answer); it was counted, the caller hangs up."""


class Caller:
    """Makes calls one after another until told to stop; each call walks its script."""

    def __init__(self, session, target: Target, tally: Tally, script: tuple[str, ...], think_s: tuple[float, float],
                 agents: dict[str, Agent], rng: random.Random):
        self.session, self.target, self.tally, self.script = session, target, tally, script
        self.think_s, self.agents, self.rng = think_s, agents, rng
        self.validator = RequestValidator(target.auth_token) if target.auth_token else None
        self.addressing = target.addressing()

    async def run(self, stop: asyncio.Event, first_delay_s: float) -> None:
        await asyncio.sleep(first_delay_s)
        while not stop.is_set():
            await self.call()

    async def call(self) -> None:
        identity = CallIdentity.new(from_number=f"+8210{self.rng.randrange(10**8):08d}")
        self.tally.calls_started.append(identity.call_sid)
        keys = list(self.script)
        status = "completed"
        try:
            url, params = self.addressing.start("/voice"), {}
            call_status = "ringing"
            for _ in range(MAX_REQUESTS):
                document = await self.twiml(url, {**identity.params(call_status), **params})
                call_status = "in-progress"
                step = await self.follow(document, identity, keys)
                if step is None:
                    break
                url, params = step
                await self.think()
            else:
                self.tally.record(time.monotonic(), "too many requests", url)
        except CallFailed:
            status = "failed"
        await self.status_callback(identity, status)

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think_s))

    async def follow(self, document: v.Document, identity: CallIdentity, keys: list[str]):
        """Carry out one TwiML document: the next (url, params) to request, or None when the call is over."""
        for verb in document.verbs:
            if isinstance(verb, v.GatherVerb):
                if not keys:
                    self.tally.record(time.monotonic(), "script ran out", document.url)
                    raise CallFailed()
                action = self.addressing.resolve(verb.action or document.url, document.url)
                key = keys.pop(0)  # a key ending in the finishOnKey: Twilio sends the digits before it
                finished = verb.finish_on_key if verb.finish_on_key and key.endswith(verb.finish_on_key) else ""
                return action, {"Digits": key.removesuffix(finished) if finished else key, "FinishedOnKey": finished}
            if isinstance(verb, v.RedirectVerb):
                return self.addressing.resolve(verb.url, document.url), {}
            if isinstance(verb, (v.HangupVerb, v.RejectVerb)):
                return None
            if isinstance(verb, v.EnqueueVerb):
                return await self.wait_in_queue(verb, document.url, identity)
            if isinstance(verb, v.DialVerb):
                return await self.dial(verb, document.url, identity)
            if isinstance(verb, (v.RecordVerb, v.ConnectVerb)):
                self.tally.record(time.monotonic(), "unexpected verb", f"<{type(verb).__name__}> at {document.url}")
                raise CallFailed()
        return None  # the end of the TwiML: Twilio hangs up

    async def wait_in_queue(self, enqueue: v.EnqueueVerb, url: str, identity: CallIdentity):
        """Request the wait URL after each segment until <Leave>; then the Enqueue action with QueueResult."""
        wait_url = self.addressing.resolve(enqueue.wait_url, url)
        action = self.addressing.resolve(enqueue.action or url, url)
        queue_sid, started = new_sid("QU"), time.monotonic()
        while time.monotonic() - started < MAX_QUEUE_WAIT_S:
            await self.think()
            waited = str(round(time.monotonic() - started))
            params = {"QueuePosition": "1", "QueueSid": queue_sid, "QueueTime": waited, "AvgQueueTime": "0",
                      "CurrentQueueSize": "1", "MaxQueueSize": "1000"}
            document = await self.twiml(wait_url, {**identity.params("in-progress"), **params})
            if any(isinstance(verb, v.LeaveVerb) for verb in document.verbs):
                return action, {"QueueResult": "leave", "QueueSid": queue_sid, "QueueTime": waited}
            if any(isinstance(verb, v.HangupVerb) for verb in document.verbs):
                return None
        self.tally.record(time.monotonic(), "endless queue wait", wait_url)
        raise CallFailed()

    async def dial(self, dial: v.DialVerb, url: str, identity: CallIdentity):
        """A <Dial> to a simulated agent: it answers, hears the whisper (its own leg), talks; the dial action."""
        noun, address = dial.targets[0]
        contact = f"client:{address}" if noun == "Client" else address
        agent = self.agents.get(contact)
        answered = agent is not None
        await asyncio.sleep(agent.answer_s if answered else min(dial.timeout_s, 5))
        if answered and dial.target_urls and dial.target_urls[0]:
            leg = {"CallSid": new_sid("CA"), "AccountSid": identity.account_sid, "From": identity.from_number,
                   "To": contact, "CallStatus": "in-progress", "Direction": "outbound-dial",
                   "ParentCallSid": identity.call_sid, "ApiVersion": "2010-04-01"}
            await self.twiml(self.addressing.resolve(dial.target_urls[0], url), leg)
        if answered:
            await asyncio.sleep(agent.handle_s)
        if not dial.action:
            return None
        params = {"DialCallStatus": "completed" if answered else "no-answer", "DialCallSid": new_sid("CA"),
                  "DialCallDuration": str(round(agent.handle_s)) if answered else "0",
                  "DialBridged": "true" if answered else "false"}
        return self.addressing.resolve(dial.action, url), params

    async def twiml(self, public_url: str, params: dict) -> v.Document:
        """POST a signed webhook and read its TwiML; errors are counted and end the call."""
        started = time.monotonic()
        try:
            status, content_type, body = await self.post(public_url, params)
        except Exception as exc:  # noqa: BLE001 - a refused or reset connection is one error of the count
            self.tally.record(started, "connection", f"{public_url}: {type(exc).__name__} {exc}")
            raise CallFailed() from exc
        error = None
        if status != 200:
            error, detail = f"HTTP {status}", f"{public_url}: {body[:200]}"
        elif not content_type.startswith(TWIML_TYPES):
            error, detail = "invalid TwiML", f"{public_url}: content type {content_type}"
        else:
            try:
                document = v.parse(body, public_url)
            except ProtocolError as exc:
                error, detail = "invalid TwiML", str(exc)
            else:
                if any(isinstance(verb, v.SayVerb) and verb.text in APOLOGIES for verb in document.verbs):
                    error, detail = "fallback apology", public_url
        self.tally.record(started, error, detail if error else "")
        if error:
            raise CallFailed()
        return document

    async def status_callback(self, identity: CallIdentity, status: str) -> None:
        started = time.monotonic()
        url = self.addressing.start("/voice/status")
        params = {**identity.params(status), "CallDuration": "30", "CallbackSource": "call-progress-events",
                  "SequenceNumber": "0"}
        try:
            code, _, body = await self.post(url, params)
        except Exception as exc:  # noqa: BLE001
            self.tally.record(started, "connection", f"{url}: {type(exc).__name__} {exc}")
            return
        ok = 200 <= code < 300
        self.tally.record(started, None if ok else f"HTTP {code}", f"{url}: {body[:200]}")
        if ok and status == "completed":
            self.tally.calls_completed.append(identity.call_sid)

    async def post(self, public_url: str, params: dict) -> tuple[int, str, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.validator is not None:
            headers["X-Twilio-Signature"] = self.validator.compute_signature(public_url, params)
        # encoded=True: sent as signed (yarl would otherwise unquote %2F in the query and break the signature)
        async with self.session.post(URL(self.addressing.local(public_url), encoded=True), data=urlencode(params),
                                     headers=headers) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), await answer.text()

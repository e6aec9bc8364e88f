"""The flow engine: step(flow, state, event, now) -> (instructions, state), a pure function."""
from __future__ import annotations

import re
from datetime import datetime

from .errors import FlowRuntimeError
from .events import CallResumed, CallStarted, DialEnded, DigitsEntered, Event, NoInput
from .instructions import Dial, Gather, Hangup, Instruction, Play, Say
from .model import Flow, GatherNode, GotoNode, HangupNode, MenuNode, Prompt, SayNode, TransferNode
from .prompts import fill, pick
from .state import CallState, JournalEntry

MAX_HOPS = 100  # nodes entered in one step before we call it a loop
ANSWERED = {"completed", "answered"}
MASK = "****"


def start(flow: Flow, caller: str, called: str) -> CallState:
    """The state of a new call before its first step."""
    variables = {**flow.variables, "caller": caller, "called": called}
    return CallState(node=flow.start, language=flow.default_language, variables=variables)


def step(flow: Flow, state: CallState | None, event: Event, now: datetime) -> tuple[list[Instruction], CallState]:
    """React to one event; return what to do now and the call's new state.

    `state` is None only for CallStarted. The returned state's journal lists the nodes
    entered and the inputs taken on this step, stamped with `now`.
    """
    if isinstance(event, CallStarted):
        return _Stepper(flow, start(flow, event.caller, event.called), now).enter(flow.start)
    if state is None:
        raise FlowRuntimeError(f"{type(event).__name__} for a call that has not started")
    stepper = _Stepper(flow, state.but(journal=()), now)
    if state.ended:
        return [Hangup()], stepper.state
    return stepper.react(event)


class _Stepper:
    """One step's work: the state so far and the instructions gathered."""

    def __init__(self, flow: Flow, state: CallState, now: datetime):
        self.flow, self.state, self.now = flow, state, now
        self.out: list[Instruction] = []

    # -- bookkeeping -------------------------------------------------------
    def note(self, kind: str, **detail) -> None:
        entry = JournalEntry(self.now, kind, self.state.node, detail)
        self.state = self.state.but(journal=self.state.journal + (entry,))

    def say(self, prompt: Prompt | None) -> None:
        if prompt is not None:
            self.out.append(self.spoken(prompt))

    def spoken(self, prompt: Prompt) -> Say:
        text = pick(prompt, self.state.language, self.flow.default_language)
        return Say(fill(text, self.state.variables), self.state.language)

    def done(self) -> tuple[list[Instruction], CallState]:
        return self.out, self.state

    def end(self) -> tuple[list[Instruction], CallState]:
        self.out.append(Hangup())
        self.state = self.state.but(ended=True)
        self.note("call_ended")
        return self.done()

    # -- entering nodes ----------------------------------------------------
    def enter(self, name: str | None) -> tuple[list[Instruction], CallState]:
        for _ in range(MAX_HOPS):
            if name is None:
                return self.end()
            self.state = self.state.but(node=name, invalid_count=0, no_input_count=0)
            self.note("node_entered", node_kind=self.flow.node(name).kind)
            name = self.pass_through(self.flow.node(name))
            if name is _WAIT:
                return self.done()
        raise FlowRuntimeError(f"flow {self.flow.name!r} went through {MAX_HOPS} nodes without waiting for the caller")

    def pass_through(self, node):
        """Run a node; the next node's name, None to end the call, or _WAIT for input."""
        if isinstance(node, SayNode):
            self.say(node.text)
            if node.play is not None:
                self.out.append(Play(pick(node.play, self.state.language, self.flow.default_language)))
            return node.next
        if isinstance(node, GotoNode):
            return node.to
        if isinstance(node, HangupNode):
            self.say(node.prompt)
            self.end()
            return _WAIT
        self.ask(node)
        return _WAIT

    def ask(self, node, retry_prompt: Prompt | None = None) -> None:
        """Emit what a waiting node needs: a Gather for menu and gather, a Dial for transfer."""
        if isinstance(node, TransferNode):
            self.say(node.prompt)
            number = fill(node.number, self.state.variables)
            self.out.append(Dial(number, node.timeout_s, node.caller_id))
            return
        prompts = tuple(self.spoken(p) for p in (retry_prompt, node.prompt) if p is not None)
        if isinstance(node, MenuNode):
            self.out.append(Gather(prompts, node.timeout_s, max(map(len, node.options)), ""))
        else:
            self.out.append(Gather(prompts, node.timeout_s, node.num_digits, node.finish_on_key))

    # -- reacting to input -------------------------------------------------
    def react(self, event: Event) -> tuple[list[Instruction], CallState]:
        node = self.flow.node(self.state.node)
        if isinstance(event, CallResumed):
            self.ask(node)
            return self.done()
        if isinstance(node, MenuNode) and isinstance(event, (DigitsEntered, NoInput)):
            return self.menu(node, event)
        if isinstance(node, GatherNode) and isinstance(event, (DigitsEntered, NoInput)):
            return self.gather(node, event)
        if isinstance(node, TransferNode) and isinstance(event, DialEnded):
            return self.dial_ended(node, event)
        # An event the current node does not wait for (late or duplicated): ask again.
        self.note("event_ignored", event=type(event).__name__)
        self.ask(node)
        return self.done()

    def menu(self, node: MenuNode, event: DigitsEntered | NoInput):
        if isinstance(event, NoInput):
            return self.retry(node, "no_input", node.no_input_prompt, node.max_no_input, node.fallback)
        option = node.target(event.digits)
        self.note("digits_entered", digits=event.digits, valid=option is not None)
        if option is None:
            return self.retry(node, "invalid", node.invalid_prompt, node.max_invalid, node.fallback)
        if option.language:
            self.state = self.state.but(language=option.language)
            self.note("language_chosen", language=option.language)
        return self.enter(option.to)

    def gather(self, node: GatherNode, event: DigitsEntered | NoInput):
        if isinstance(event, NoInput):
            return self.retry(node, "no_input", node.no_input_prompt, node.max_tries, node.fallback)
        digits = event.digits
        valid = _digits_ok(node, digits)
        self.note("digits_entered", digits=MASK if node.sensitive else digits, valid=valid, variable=node.variable)
        if not valid:
            return self.retry(node, "invalid", node.invalid_prompt, node.max_tries, node.fallback)
        self.state = self.state.but(variables={**self.state.variables, node.variable: digits})
        return self.enter(node.next)

    def retry(self, node, why: str, prompt: Prompt | None, limit: int, fallback: str | None):
        """Count a failed try; ask again with `prompt`, or go to `fallback` once `limit` is reached."""
        counter = f"{why}_count"
        count = getattr(self.state, counter) + 1
        self.state = self.state.but(**{counter: count})
        self.note(why, count=count, limit=limit)
        if count >= limit:
            self.note("tries_exhausted", reason=why)
            self.say(prompt if fallback is None else None)
            return self.enter(fallback)
        self.ask(node, retry_prompt=prompt)
        return self.done()

    def dial_ended(self, node: TransferNode, event: DialEnded):
        self.note("dial_ended", status=event.status, duration_s=event.duration_s)
        if event.status in ANSWERED:
            return self.enter(node.next)
        return self.enter(node.on_failure)


_WAIT = object()


def _digits_ok(node: GatherNode, digits: str) -> bool:
    if not digits or not digits.isdigit() or len(digits) > node.max_digits:
        return False
    if node.num_digits is not None and len(digits) != node.num_digits:
        return False
    return node.pattern is None or re.fullmatch(node.pattern, digits) is not None

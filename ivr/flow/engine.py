"""The flow engine: step(flow, state, event, now) -> (instructions, state), a pure function."""
from __future__ import annotations

from datetime import datetime

from . import kinds
from .errors import FlowRuntimeError
from .events import CallResumed, CallStarted, Event
from .instructions import Hangup, Instruction, Say
from .base import Prompt
from .model import Flow
from .prompts import Speech, fill, pick
from .state import CallState, JournalEntry

MAX_HOPS = 100  # nodes entered in one step before we call it a loop


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
        return Stepper(flow, start(flow, event.caller, event.called), now).enter(flow.start)
    if state is None:
        raise FlowRuntimeError(f"{type(event).__name__} for a call that has not started")
    stepper = Stepper(flow, state.but(journal=()), now)
    if state.ended:
        return [Hangup()], stepper.state
    return stepper.react(event)


class Stepper:
    """One step's work: the state so far and the instructions gathered. Node kinds live in `kinds`."""

    def __init__(self, flow: Flow, state: CallState, now: datetime):
        self.flow, self.state, self.now = flow, state, now
        self.out: list[Instruction] = []

    # -- bookkeeping -------------------------------------------------------
    def note(self, kind: str, **detail) -> None:
        entry = JournalEntry(self.now, kind, self.state.node, detail)
        self.state = self.state.but(journal=self.state.journal + (entry,))

    def update(self, **changes) -> None:
        self.state = self.state.but(**changes)

    def set_variables(self, values: dict) -> None:
        self.update(variables={**self.state.variables, **values})

    def text(self, template: str) -> str:
        return fill(template, self.state.variables, Speech(self.state.language, self.flow.currency))

    def spoken(self, prompt: Prompt) -> Say:
        return Say(self.text(pick(prompt, self.state.language, self.flow.default_language)), self.state.language)

    def say(self, prompt: Prompt | None) -> None:
        if prompt is not None:
            self.out.append(self.spoken(prompt))

    def done(self) -> tuple[list[Instruction], CallState]:
        return self.out, self.state

    def end(self) -> None:
        self.out.append(Hangup())
        self.update(ended=True)
        self.note("call_ended")

    # -- moving through nodes ---------------------------------------------
    def enter(self, name: str | None) -> tuple[list[Instruction], CallState]:
        """Enter `name` and pass through nodes until one waits for the caller (or the call ends)."""
        for _ in range(MAX_HOPS):
            if name is None:
                self.end()
                return self.done()
            node = self.flow.node(name)
            self.update(node=name, invalid_count=0, no_input_count=0, cursor=0)
            self.note("node_entered", node_kind=node.kind)
            name = kinds.ENTER[node.kind](self, node)
            if name is kinds.WAIT:
                return self.done()
        raise FlowRuntimeError(f"flow {self.flow.name!r} went through {MAX_HOPS} nodes without waiting for the caller")

    def react(self, event: Event) -> tuple[list[Instruction], CallState]:
        node = self.flow.node(self.state.node)
        handler = kinds.REACT.get((node.kind, type(event)))
        if handler is not None:
            return handler(self, node, event)
        if not isinstance(event, CallResumed):
            # An event the current node does not wait for (late or duplicated): ask again.
            self.note("event_ignored", event=type(event).__name__)
        kinds.ask(self, node)
        return self.done()

    def retry(self, node, why: str, prompt: Prompt | None, limit: int, fallback: str | None):
        """Count a failed try; ask again with `prompt`, or go to `fallback` once `limit` is reached."""
        counter = f"{why}_count"
        count = getattr(self.state, counter) + 1
        self.update(**{counter: count})
        self.note(why, count=count, limit=limit)
        if count >= limit:
            self.note("tries_exhausted", reason=why)
            self.say(prompt if fallback is None else None)
            return self.enter(fallback)
        kinds.ask(self, node, retry_prompt=prompt)
        return self.done()

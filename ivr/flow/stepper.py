"""One step's work through a flow: the state so far, the instructions gathered, and the node handlers it calls.

The handlers themselves (what each node kind does) live in `handlers` and the modules it names; they get a
`Stepper` and reach the engine only through it, so no handler module imports another's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Union

from .base import Prompt
from .errors import FlowRuntimeError
from .events import CallResumed, Event
from .instructions import Hangup, Instruction, Say
from .model import Flow
from .prompts import Speech, fill, pick, spoken_text
from .state import CallState, JournalEntry

MAX_HOPS = 100  # nodes entered in one step before we call it a loop
ANSWERED = frozenset({"completed", "answered"})  # DialCallStatus values that mean the other side picked up


class Wait:
    """What an enter handler returns when its node now waits for the caller (or the shell)."""

    def __repr__(self) -> str:
        return "WAIT"


WAIT = Wait()
Next = Union[str, None, Wait]  # an enter handler's answer: the node to go on to, None to end the call, or WAIT
Outcome = tuple[list[Instruction], CallState]
EnterHandler = Callable[["Stepper", Any], Next]
AskHandler = Callable[["Stepper", Any, Union[Prompt, None]], None]
ReactHandler = Callable[["Stepper", Any, Any], Outcome]


@dataclass(frozen=True)
class Handlers:
    """What each node kind does: when entered, when asked (again), and when an event it waits for comes back."""

    enter: dict[str, EnterHandler]
    ask: dict[str, AskHandler]
    react: dict[tuple[str, type], ReactHandler]


class Stepper:
    """One step's work: the state so far and the instructions gathered; node kinds act through `handlers`."""

    def __init__(self, flow: Flow, state: CallState, now: datetime, handlers: Handlers):
        self.flow, self.state, self.now, self.handlers = flow, state, now, handlers
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
        """A template (a URL, a number, a variable's value) with every variable filled in, empty ones too."""
        return fill(template, self.state.variables, self._speech())

    def spoken(self, prompt: Prompt, variables: dict | None = None) -> Say:
        """A prompt in the caller's language; the parts whose variables are empty are left out."""
        text = pick(prompt, self.state.language, self.flow.default_language)
        values = self.state.variables if variables is None else variables
        return Say(spoken_text(text, values, self._speech()), self.state.language)

    def prompts(self, *prompts: Prompt | None) -> tuple[Say, ...]:
        """The prompts given, spoken, without those left with nothing to say."""
        spoken = (self.spoken(p) for p in prompts if p is not None)
        return tuple(say for say in spoken if say.text)

    def say(self, prompt: Prompt | None) -> None:
        self.out.extend(self.prompts(prompt))

    def _speech(self) -> Speech:
        return Speech(self.state.language, self.flow.currency)

    def done(self) -> Outcome:
        return self.out, self.state

    def end(self) -> None:
        self.out.append(Hangup())
        self.update(ended=True)
        self.note("call_ended")

    # -- moving through nodes ---------------------------------------------
    def enter(self, name: str | None) -> Outcome:
        """Enter `name` and pass through nodes until one waits for the caller (or the call ends)."""
        for _ in range(MAX_HOPS):
            if name is None:
                self.end()
                return self.done()
            node = self.flow.node(name)
            self.update(node=name, invalid_count=0, no_input_count=0, cursor=0)
            self.note("node_entered", node_kind=node.kind)
            name = self.handlers.enter[node.kind](self, node)
            if name is WAIT:
                return self.done()
        raise FlowRuntimeError(f"flow {self.flow.name!r} went through {MAX_HOPS} nodes without waiting for the caller")

    def ask(self, node, retry_prompt: Prompt | None = None) -> None:
        """Emit what a waiting node needs from the caller (or from the shell, for http and enqueue)."""
        asking = self.handlers.ask.get(node.kind)
        if asking is not None:  # a node that never waits (say, goto...) has nothing to ask
            asking(self, node, retry_prompt)

    def react(self, event: Event) -> Outcome:
        node = self.flow.node(self.state.node)
        handler = self.handlers.react.get((node.kind, type(event)))
        if handler is not None:
            return handler(self, node, event)
        if not isinstance(event, CallResumed):
            # An event the current node does not wait for (late or duplicated): ask again.
            self.note("event_ignored", event=type(event).__name__)
        self.ask(node)
        return self.done()

    def retry(self, node, why: str, prompt: Prompt | None, limit: int, fallback: str | None) -> Outcome:
        """Count a failed try; ask again with `prompt`, or go to `fallback` once `limit` is reached."""
        counter = f"{why}_count"
        count = getattr(self.state, counter) + 1
        self.update(**{counter: count})
        self.note(why, count=count, limit=limit)
        if count >= limit:
            self.note("tries_exhausted", reason=why)
            self.say(prompt if fallback is None else None)
            return self.enter(fallback)
        self.ask(node, retry_prompt=prompt)
        return self.done()

"""The flow engine: step(flow, state, event, now) -> (instructions, state), a pure function."""
from __future__ import annotations

from datetime import datetime

from .errors import FlowRuntimeError
from .events import CallStarted, Event
from .handlers import HANDLERS
from .instructions import Hangup, Instruction
from .model import Flow
from .state import CallState
from .stepper import MAX_HOPS, Stepper

__all__ = ["MAX_HOPS", "start", "step"]


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
        return Stepper(flow, start(flow, event.caller, event.called), now, HANDLERS).enter(flow.start)
    if state is None:
        raise FlowRuntimeError(f"{type(event).__name__} for a call that has not started")
    stepper = Stepper(flow, state.but(journal=()), now, HANDLERS)
    if state.ended:
        return [Hangup()], stepper.state
    return stepper.react(event)

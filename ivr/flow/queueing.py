"""The enqueue node: file the caller in a call queue, dial the agent the shell assigns, go on after the call.

The node does no I/O. It asks the shell to file a queue entry (Enqueue) and waits there. The shell
reports how the caller left the queue (QueueLeft): assigned to an agent (the node dials the agent's
contact with the queue's ring timeout), overflowed (go to `on_overflow`) or hung up (the call ends).
The agent's dial ends (DialEnded): answered goes on to `next`; anything else files the caller again
(the shell keeps the entry, puts it back at the head of the line and marks the agent missed).
The caller's language is always a required skill: a caller who chose English waits for an English speaker.
"""
from __future__ import annotations

from .base import Prompt
from .events import DialEnded, QueueLeft
from .instructions import DialAgent, Enqueue
from .nodes import EnqueueNode
from .stepper import ANSWERED, WAIT, Next, Outcome, Stepper

MASK = "****"  # how a sensitive value shows wherever a person could read it

__all__ = ["EnqueueNode", "agent_dial_ended", "ask_enqueue", "enter_enqueue", "queue_left"]


def enter_enqueue(st: Stepper, node: EnqueueNode) -> Next:
    st.say(node.prompt)
    st.note("enqueued", queue=node.queue, priority=node.priority)
    st.out.append(_enqueue(st, node))
    return WAIT


def _enqueue(st: Stepper, node: EnqueueNode) -> Enqueue:
    language = st.state.language
    skills = {**node.skills, language: max(1, node.skills.get(language, 1))}
    hidden = st.flow.sensitive_variables  # a caller's PIN is not the agent's to hear, nor the queue's to keep
    carried = tuple((name, MASK if name in hidden else str(st.state.variables.get(name, ""))) for name in node.carry)
    return Enqueue(node.queue, tuple(sorted(skills.items())), node.priority, carried, _whisper(st, node, carried), language,
                   callback_at_opening=node.callback_at_opening)


def _whisper(st: Stepper, node: EnqueueNode, carried: tuple) -> str:
    """What the agent hears before the caller is bridged: the node's template, else the queue and carried values."""
    if node.whisper is not None:
        shown = {**st.state.variables, **{name: MASK for name in st.flow.sensitive_variables if name in st.state.variables}}
        return st.spoken(node.whisper, shown).text  # parts naming a value the caller did not give are left out
    told = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in carried if value)
    return ", ".join(part for part in (node.queue, told) if part)


def queue_left(st: Stepper, node: EnqueueNode, event: QueueLeft) -> Outcome:
    st.note("queue_left", outcome=event.outcome, entry=event.entry)
    if event.outcome == "assigned":
        st.out.append(DialAgent(event.contact, event.ring_timeout_s, event.entry))
        return st.done()
    if event.outcome == "hangup":
        st.end()
        return st.done()
    return st.enter(node.on_overflow)


def agent_dial_ended(st: Stepper, node: EnqueueNode, event: DialEnded) -> Outcome:
    answered = event.status in ANSWERED
    st.note("agent_dial_ended", status=event.status, duration_s=event.duration_s)
    if answered:
        return st.enter(node.next)
    st.ask(node)
    return st.done()


def ask_enqueue(st: Stepper, node: EnqueueNode, retry_prompt: Prompt | None = None) -> None:
    """A repeated request or an event the node does not wait for: file again (the shell keeps the entry)."""
    st.out.append(_enqueue(st, node))

"""The enqueue node: file the caller in a call queue, dial the agent the shell assigns, go on after the call.

The node does no I/O. It asks the shell to file a queue entry (Enqueue) and waits there. The shell
reports how the caller left the queue (QueueLeft): assigned to an agent (the node dials the agent's
contact with the queue's ring timeout), overflowed (go to `on_overflow`) or hung up (the call ends).
The agent's dial ends (DialEnded): answered goes on to `next`; anything else files the caller again
(the shell keeps the entry, puts it back at the head of the line and marks the agent missed).
The caller's language is always a required skill: a caller who chose English waits for an English speaker.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import Prompt, Strict, check_variable_name
from .events import DialEnded, QueueLeft
from .instructions import DialAgent, Enqueue
from .prompts import Speech, fill, pick

MASK = "****"

ANSWERED = {"completed", "answered"}


class EnqueueNode(Strict):
    """Wait in a call queue for an agent with the skills; `next` after the agent's call, `on_overflow` when none came."""

    kind: Literal["enqueue"]
    queue: str
    skills: dict[str, int] = Field(default_factory=dict)
    priority: int = Field(0, ge=0, le=100)
    carry: list[str] = Field(default_factory=list)
    prompt: Prompt | None = None
    whisper: Prompt | None = None
    next: str | None = None
    on_overflow: str | None = None

    @field_validator("skills")
    @classmethod
    def levels_in_range(cls, skills: dict) -> dict:
        for skill, level in skills.items():
            if not 1 <= level <= 10:
                raise ValueError(f"skill {skill!r}: level {level} is out of range (1 to 10)")
        return skills

    @field_validator("carry")
    @classmethod
    def names_ok(cls, names: list) -> list:
        for name in names:
            check_variable_name(name)
        return names


def enter_enqueue(st, node: EnqueueNode):
    from .kinds import WAIT  # kinds imports the node models, which import this module

    st.say(node.prompt)
    st.note("enqueued", queue=node.queue, priority=node.priority)
    st.out.append(_enqueue(st, node))
    return WAIT


def _enqueue(st, node: EnqueueNode) -> Enqueue:
    language = st.state.language
    skills = {**node.skills, language: max(1, node.skills.get(language, 1))}
    hidden = st.flow.sensitive_variables  # a caller's PIN is not the agent's to hear, nor the queue's to keep
    carried = tuple((name, MASK if name in hidden else str(st.state.variables.get(name, ""))) for name in node.carry)
    return Enqueue(node.queue, tuple(sorted(skills.items())), node.priority, carried, _whisper(st, node, carried), language)


def _whisper(st, node: EnqueueNode, carried: tuple) -> str:
    """What the agent hears before the caller is bridged: the node's template, else the queue and carried values."""
    if node.whisper is not None:
        shown = {**st.state.variables, **{name: MASK for name in st.flow.sensitive_variables}}
        template = pick(node.whisper, st.state.language, st.flow.default_language)
        return fill(template, shown, Speech(st.state.language, st.flow.currency))
    told = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in carried if value)
    return ", ".join(part for part in (node.queue, told) if part)


def queue_left(st, node: EnqueueNode, event: QueueLeft):
    st.note("queue_left", outcome=event.outcome, entry=event.entry)
    if event.outcome == "assigned":
        st.out.append(DialAgent(event.contact, event.ring_timeout_s, event.entry))
        return st.done()
    if event.outcome == "hangup":
        st.end()
        return st.done()
    return st.enter(node.on_overflow)


def agent_dial_ended(st, node: EnqueueNode, event: DialEnded):
    answered = event.status in ANSWERED
    st.note("agent_dial_ended", status=event.status, duration_s=event.duration_s)
    if answered:
        return st.enter(node.next)
    ask(st, node)
    return st.done()


def ask(st, node: EnqueueNode) -> None:
    """A repeated request or an event the node does not wait for: file again (the shell keeps the entry)."""
    st.out.append(_enqueue(st, node))


REACT = {("enqueue", QueueLeft): queue_left, ("enqueue", DialEnded): agent_dial_ended}

"""The caller's story read from a call's event log: the path menu by menu with what they pressed or said, what they
entered, and what they said with the recogniser's confidence. Pure: events in, plain dicts out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MASK = "****"
# Nodes where the caller is asked something or handed on: each is a stop on the path.
STOPS = frozenset({"menu", "gather", "enqueue", "transfer", "voicemail", "survey", "hangup"})


@dataclass(frozen=True)
class Event:
    """One row of the call's event log, as the path reads it."""

    at: datetime
    kind: str
    node: str
    detail: dict


def _keys(d: dict) -> dict:
    return {"type": "keys", "digits": d.get("digits", ""), "valid": d.get("valid")}


def _speech(d: dict) -> dict:
    return {"type": "speech", "transcript": d.get("transcript", ""), "confidence": d.get("confidence"),
            "option": d.get("option"), "confident": d.get("confident")}


# What each kind of note the flow handlers write says about the caller (ivr/flow/handlers.py, menus.py,
# stepper.py, queueing.py, survey.py); kinds not listed (node_entered aside) say nothing the agent needs.
INPUTS = {
    "digits_entered": _keys,
    "speech_heard": _speech,
    "speech_confirmed": lambda d: {"type": "confirmed", "option": d.get("option"), "answer": d.get("answer")},
    "language_chosen": lambda d: {"type": "language", "language": d.get("language", "")},
    "menu_back": lambda d: {"type": "back", "to": d.get("to")},
    "menu_repeated": lambda d: {"type": "repeat"},
    "invalid": lambda d: {"type": "invalid", "count": d.get("count"), "limit": d.get("limit")},
    "no_input": lambda d: {"type": "no_input", "count": d.get("count"), "limit": d.get("limit")},
    "tries_exhausted": lambda d: {"type": "gave_up", "reason": d.get("reason")},
    "survey_answer": lambda d: {"type": "survey", "question": d.get("question"), "answer": d.get("answer")},
    "enqueued": lambda d: {"type": "queued", "queue": d.get("queue"), "priority": d.get("priority")},
    "queue_left": lambda d: {"type": "queue_left", "outcome": d.get("outcome")},
    "dial_ended": lambda d: {"type": "dial", "status": d.get("status"), "duration_s": d.get("duration_s")},
    "agent_dial_ended": lambda d: {"type": "agent_dial", "status": d.get("status"), "duration_s": d.get("duration_s")},
    "voicemail_recorded": lambda d: {"type": "voicemail", "duration_s": d.get("duration_s")},
}


def walk(events: list[Event]) -> list[dict]:
    """The stops of the path in order: `{"node", "kind", "at", "inputs": [...]}`; an input that moved the caller on
    carries `"to"`, the next node entered."""
    stops: list[dict] = []
    waiting: list[dict] = []  # inputs whose destination is the next node entered
    for event in events:
        if event.kind == "node_entered":
            for item in waiting:
                item["to"] = event.node
            waiting = []
            kind = event.detail.get("node_kind", "")
            if kind in STOPS:
                stops.append({"node": event.node, "kind": kind, "at": event.at.isoformat(), "inputs": []})
        elif event.kind in INPUTS and stops:
            item = INPUTS[event.kind](event.detail)
            stops[-1]["inputs"].append(item)
            waiting.append(item)
    return stops


def speech(events: list[Event]) -> list[dict]:
    """What the caller said, where, and how sure the recogniser was (0..1)."""
    return [{"node": e.node, "at": e.at.isoformat(), "transcript": e.detail.get("transcript", ""),
             "confidence": e.detail.get("confidence"), "option": e.detail.get("option")}
            for e in events if e.kind == "speech_heard"]


def entered(events: list[Event], variables: dict, sealed_prefix: str) -> list[dict]:
    """The values the caller typed into gathers, in order, from the call's variables; a sealed (sensitive) value
    shows as ****, never opened."""
    seen, values = set(), []
    for e in events:
        name = e.detail.get("variable")
        if e.kind != "digits_entered" or not name or not e.detail.get("valid") or name in seen:
            continue
        seen.add(name)
        value = variables.get(name, e.detail.get("digits", ""))
        hidden = _hidden(value, sealed_prefix) or e.detail.get("digits") == MASK
        values.append({"name": name, "value": MASK if hidden else value, "sensitive": hidden})
    return values


def masked(variables: dict, sealed_prefix: str, sensitive: frozenset[str] = frozenset()) -> dict:
    """Every variable of the call, with sealed or sensitive ones as ****."""
    return {k: MASK if k in sensitive or _hidden(v, sealed_prefix) else v for k, v in (variables or {}).items()}


def _hidden(value, sealed_prefix: str) -> bool:
    return isinstance(value, str) and (value.startswith(sealed_prefix) or value == MASK)

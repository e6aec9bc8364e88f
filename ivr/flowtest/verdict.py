"""Compare what a case expects with what its call did: a list of failures, empty when it passed (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .hearing import first_missing, heard_anywhere
from .model import Case


@dataclass(frozen=True)
class Observed:
    """One scripted call as the caller heard it (`said`) and as the server kept it (flow, node, variables, events)."""

    said: list[str]
    flow: str = ""
    node: str = ""
    variables: dict = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    error: str | None = None
    script_problem: str | None = None
    unused: list[str] = field(default_factory=list)
    agent_heard: list[str] = field(default_factory=list)  # whispers an agent heard (a callback's context)


def judge(case: Case, flow: str | None, seen: Observed) -> list[str]:
    """Every way the call differs from the case, in the order a reader checks them."""
    return [*_call(seen), *_flow(flow, seen), *_hears(case, seen), *_not_hears(case, seen), *_ends_at(case, seen),
            *_agent_hears(case, seen), *_variables(case, seen), *_voicemail(case, seen), *_survey(case, seen)]


def _call(seen: Observed) -> list[str]:
    failures = [f"the call failed: {seen.error}"] if seen.error else []
    if seen.script_problem:
        failures.append(f"`press` does not fit the call: {seen.script_problem}")
    if seen.unused:
        failures.append(f"the call ended with {len(seen.unused)} `press` item(s) unused: {_items(seen.unused)}")
    return failures


def _flow(flow: str | None, seen: Observed) -> list[str]:
    if flow is None or not seen.flow or seen.flow == flow:
        return []
    return [f"the call was answered by flow {seen.flow!r}, not {flow!r}"]


def _hears(case: Case, seen: Observed) -> list[str]:
    missing = first_missing(case.hears, seen.said)
    if missing is None:
        return []
    where = "at all" if missing.after is None else f"after {missing.after!r}"
    note = " (it was heard, but before that)" if missing.heard_earlier else ""
    return [f"never heard {missing.phrase!r} {where}{note}"]


def _agent_hears(case: Case, seen: Observed) -> list[str]:
    missing = first_missing(case.agent_hears, seen.agent_heard)
    if missing is None:
        return []
    heard = "; ".join(seen.agent_heard) or "nothing"
    return [f"the agent never heard {missing.phrase!r} (the agent heard: {heard})"]


def _not_hears(case: Case, seen: Observed) -> list[str]:
    return [f"heard {phrase!r}, which must not be said, in: {text!r}"
            for phrase, text in heard_anywhere(case.not_hears, seen.said)]


def _ends_at(case: Case, seen: Observed) -> list[str]:
    if case.ends_at is None or seen.node == case.ends_at:
        return []
    return [f"ended at node {seen.node!r}, expected {case.ends_at!r}"]


def _variables(case: Case, seen: Observed) -> list[str]:
    failures = []
    for name, expected in case.variables.items():
        actual = seen.variables.get(name)
        if actual is None:
            failures.append(f"variable {name} is not set, expected {_text(expected)!r}")
        elif str(actual) != _text(expected):
            failures.append(f"variable {name} is {actual!r}, expected {_text(expected)!r}")
    return failures


def _voicemail(case: Case, seen: Observed) -> list[str]:
    if case.voicemail_s is None:
        return []
    kept = [e["detail"].get("duration_s", 0) for e in seen.events if e["kind"] == "voicemail_recorded"]
    actual = sum(kept)
    if actual == case.voicemail_s:
        return []
    told = f"a voicemail of {actual} s was kept" if kept else "no voicemail was kept"
    wanted = f"one of {case.voicemail_s} s" if case.voicemail_s else "none"
    return [f"{told}, expected {wanted}"]


def _survey(case: Case, seen: Observed) -> list[str]:
    if case.survey is None:
        return []
    answers = {e["detail"]["question"]: e["detail"].get("answer") for e in seen.events if e["kind"] == "survey_answer"}
    failures = []
    for question, expected in case.survey.items():
        if question not in answers:
            failures.append(f"survey question {question} was not asked, expected answer {_answer(expected)}")
        elif _answer(answers[question]) != _answer(expected):
            failures.append(f"survey question {question} was answered {_answer(answers[question])}, "
                            f"expected {_answer(expected)}")
    return failures


def _text(value) -> str:
    """How a YAML value compares with a call variable (variables are text; true/false as the engine writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _answer(value) -> str:
    return "(skipped)" if value is None else repr(_text(value))


def _items(items: list[str]) -> str:
    return ", ".join(repr(item) for item in items)

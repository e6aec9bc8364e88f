"""The dispatch of node kinds to their handlers: what each kind does when entered, when asked (again), and when
its answer comes back. The simple kinds are handled here; menus, surveys and queues in their own modules."""
from __future__ import annotations

import re

from . import queueing
from .base import Prompt
from .conditions import holds
from .events import DialEnded, DigitsEntered, HttpFetched, NoInput, QueueLeft, RecordingMade, SpeechHeard
from .instructions import Dial, FetchJson, Gather, Play, Record
from .menus import ask_menu, menu_digits, menu_silence, menu_speech
from .nodes import (GatherNode, GotoNode, HangupNode, HoursNode, HttpNode, MenuNode, ReturnNode, SayNode, SetNode,
                    SubflowNode, SurveyNode, SwitchNode, TransferNode, VoicemailNode)
from .pathvalue import lookup
from .prompts import pick
from .schedule import is_open
from .stepper import ANSWERED, WAIT, Handlers, Next, Outcome, Stepper
from .survey import ask_question, survey_answered, survey_no_input

MASK = queueing.MASK  # how a sensitive value shows wherever a person could read it


# -- entering ---------------------------------------------------------------
def enter_say(st: Stepper, node: SayNode) -> Next:
    st.say(node.text)
    if node.play is not None:
        st.out.append(Play(st.text(pick(node.play, st.state.language, st.flow.default_language))))
    return node.next


def enter_hangup(st: Stepper, node: HangupNode) -> Next:
    st.say(node.prompt)
    st.end()
    return WAIT


def enter_menu(st: Stepper, node: MenuNode) -> Next:
    here = (st.state.node, st.state.stack)  # the subflow stack too: going back into a part must return again
    if st.state.history[-1:] != (here,):
        st.update(history=(*st.state.history, here)[-20:])
    st.ask(node)
    return WAIT


def enter_waiting(st: Stepper, node: GatherNode | TransferNode | VoicemailNode) -> Next:
    st.ask(node)
    return WAIT


def enter_hours(st: Stepper, node: HoursNode) -> Next:
    tz = node.timezone or st.flow.timezone
    opened = is_open(node.weekly, node.holidays, node.closures, tz, st.now)
    st.note("hours_checked", open=opened, timezone=tz)
    return node.open if opened else node.closed


def enter_switch(st: Stepper, node: SwitchNode) -> Next:
    for index, case in enumerate(node.cases):
        if holds(case.when, st.state, st.flow, st.now):
            st.note("switch_matched", case=index)
            return case.to
    st.note("switch_matched", case="default")
    return node.default


def enter_set(st: Stepper, node: SetNode) -> Next:
    st.set_variables({name: st.text(template) for name, template in node.values.items()})
    st.note("variables_set", names=sorted(node.values))
    return node.next


def enter_subflow(st: Stepper, node: SubflowNode) -> Next:
    st.update(stack=(*st.state.stack, node.next or ""))
    st.note("subflow_called", flow=node.flow)
    return st.flow.parts[node.flow]


def enter_return(st: Stepper, node: ReturnNode) -> Next:
    if not st.state.stack:
        st.note("returned", to=None)
        return None
    target = st.state.stack[-1]
    st.update(stack=st.state.stack[:-1])
    st.note("returned", to=target or None)
    return target or None


def enter_survey(st: Stepper, node: SurveyNode) -> Next:
    st.say(node.intro)
    st.ask(node)
    return WAIT


def enter_http(st: Stepper, node: HttpNode) -> Next:
    st.say(node.prompt)
    st.ask(node)
    return WAIT


def enter_goto(st: Stepper, node: GotoNode) -> Next:
    return node.to


ENTER = {
    "say": enter_say, "hangup": enter_hangup, "goto": enter_goto, "menu": enter_menu,
    "gather": enter_waiting, "transfer": enter_waiting, "voicemail": enter_waiting, "hours": enter_hours,
    "switch": enter_switch, "set": enter_set, "subflow": enter_subflow, "return": enter_return,
    "survey": enter_survey, "http": enter_http, "enqueue": queueing.enter_enqueue,
}


# -- asking (again) ---------------------------------------------------------
def ask_gather(st: Stepper, node: GatherNode, retry_prompt: Prompt | None) -> None:
    st.out.append(Gather(st.prompts(retry_prompt, node.prompt), node.timeout_s, node.num_digits, node.finish_on_key))


def ask_transfer(st: Stepper, node: TransferNode, retry_prompt: Prompt | None) -> None:
    st.say(node.prompt)
    st.out.append(Dial(st.text(node.number), node.timeout_s, node.caller_id))


def ask_voicemail(st: Stepper, node: VoicemailNode, retry_prompt: Prompt | None) -> None:
    st.say(node.prompt)
    st.out.append(Record(node.max_length_s, node.silence_timeout_s, node.finish_on_key, node.beep))


def ask_http(st: Stepper, node: HttpNode, retry_prompt: Prompt | None) -> None:
    st.out.append(_fetch(st, node))


ASK = {
    "menu": ask_menu, "gather": ask_gather, "transfer": ask_transfer, "voicemail": ask_voicemail, "http": ask_http,
    "survey": ask_question, "enqueue": queueing.ask_enqueue,
}


def _fetch(st: Stepper, node: HttpNode) -> FetchJson:
    headers = tuple((k, st.text(v)) for k, v in node.headers.items())
    body = None if node.body is None else tuple((k, st.text(v)) for k, v in node.body.items())
    return FetchJson(node.method, st.text(node.url), headers, body, node.timeout_s)


# -- answers ----------------------------------------------------------------
def gather_digits(st: Stepper, node: GatherNode, event: DigitsEntered) -> Outcome:
    digits = event.digits
    valid = _digits_ok(node, digits)
    st.note("digits_entered", digits=MASK if node.sensitive else digits, valid=valid, variable=node.variable)
    if not valid:
        return st.retry(node, "invalid", node.invalid_prompt, node.max_tries, node.fallback)
    st.set_variables({node.variable: digits})
    return st.enter(node.next)


def gather_silence(st: Stepper, node: GatherNode, event: NoInput) -> Outcome:
    return st.retry(node, "no_input", node.no_input_prompt, node.max_tries, node.fallback)


def dial_ended(st: Stepper, node: TransferNode, event: DialEnded) -> Outcome:
    st.note("dial_ended", status=event.status, duration_s=event.duration_s)
    return st.enter(node.next if event.status in ANSWERED else node.on_failure)


def http_fetched(st: Stepper, node: HttpNode, event: HttpFetched) -> Outcome:
    st.note("http_fetched", ok=event.ok, status=event.status, reason=event.reason)
    if not event.ok:
        return st.enter(node.on_failure)
    st.set_variables({name: _text(lookup(event.data, path)) for name, path in node.map.items()})
    return st.enter(node.next)


def recording_made(st: Stepper, node: VoicemailNode, event: RecordingMade) -> Outcome:
    if event.url and event.duration_s > 0:
        st.note("voicemail_recorded", url=event.url, duration_s=event.duration_s, sid=event.sid)
        return st.enter(node.next)
    st.note("voicemail_empty")
    return st.enter(node.on_empty or node.next)


REACT = {
    ("menu", DigitsEntered): menu_digits, ("menu", NoInput): menu_silence, ("menu", SpeechHeard): menu_speech,
    ("gather", DigitsEntered): gather_digits, ("gather", NoInput): gather_silence,
    ("transfer", DialEnded): dial_ended, ("http", HttpFetched): http_fetched,
    ("voicemail", RecordingMade): recording_made,
    ("survey", DigitsEntered): survey_answered, ("survey", NoInput): survey_no_input,
    ("enqueue", QueueLeft): queueing.queue_left, ("enqueue", DialEnded): queueing.agent_dial_ended,
}

HANDLERS = Handlers(ENTER, ASK, REACT)


def _digits_ok(node: GatherNode, digits: str) -> bool:
    if not digits or not digits.isdigit() or len(digits) > node.max_digits:
        return False
    if node.num_digits is not None and len(digits) != node.num_digits:
        return False
    return node.pattern is None or re.fullmatch(node.pattern, digits) is not None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

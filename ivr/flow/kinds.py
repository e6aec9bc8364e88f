"""What each node kind does when entered, when asked again, and when its answer comes back."""
from __future__ import annotations

import re

from . import queueing
from .conditions import holds
from .events import DialEnded, DigitsEntered, HttpFetched, NoInput, RecordingMade, SpeechHeard
from .menus import ask_menu, menu_digits, menu_silence, menu_speech
from .instructions import Dial, FetchJson, Gather, Play, Record
from .nodes import (GatherNode, HangupNode, HoursNode, HttpNode, MenuNode, ReturnNode, SayNode, SetNode,
                    SubflowNode, SurveyNode, SwitchNode, TransferNode, VoicemailNode)
from .pathvalue import lookup
from .prompts import pick
from .schedule import is_open
from .survey import ask_question, survey_answered, survey_no_input

WAIT = object()  # returned by an enter function when the node waits for the caller
ANSWERED = {"completed", "answered"}
MASK = queueing.MASK  # how a sensitive value shows wherever a person could read it


# -- entering ---------------------------------------------------------------
def enter_say(st, node: SayNode):
    st.say(node.text)
    if node.play is not None:
        st.out.append(Play(st.text(pick(node.play, st.state.language, st.flow.default_language))))
    return node.next


def enter_hangup(st, node: HangupNode):
    st.say(node.prompt)
    st.end()
    return WAIT


def enter_menu(st, node: MenuNode):
    here = (st.state.node, st.state.stack)  # the subflow stack too: going back into a part must return again
    if st.state.history[-1:] != (here,):
        st.update(history=(*st.state.history, here)[-20:])
    ask(st, node)
    return WAIT


def enter_waiting(st, node):
    ask(st, node)
    return WAIT


def enter_hours(st, node: HoursNode):
    tz = node.timezone or st.flow.timezone
    opened = is_open(node.weekly, node.holidays, node.closures, tz, st.now)
    st.note("hours_checked", open=opened, timezone=tz)
    return node.open if opened else node.closed


def enter_switch(st, node: SwitchNode):
    for index, case in enumerate(node.cases):
        if holds(case.when, st.state, st.flow, st.now):
            st.note("switch_matched", case=index)
            return case.to
    st.note("switch_matched", case="default")
    return node.default


def enter_set(st, node: SetNode):
    st.set_variables({name: st.text(template) for name, template in node.values.items()})
    st.note("variables_set", names=sorted(node.values))
    return node.next


def enter_subflow(st, node: SubflowNode):
    st.update(stack=(*st.state.stack, node.next or ""))
    st.note("subflow_called", flow=node.flow)
    return st.flow.parts[node.flow]


def enter_return(st, node: ReturnNode):
    if not st.state.stack:
        st.note("returned", to=None)
        return None
    target = st.state.stack[-1]
    st.update(stack=st.state.stack[:-1])
    st.note("returned", to=target or None)
    return target or None


def enter_survey(st, node: SurveyNode):
    st.say(node.intro)
    ask(st, node)
    return WAIT


def enter_http(st, node: HttpNode):
    st.say(node.prompt)
    ask(st, node)
    return WAIT


ENTER = {
    "say": enter_say, "hangup": enter_hangup, "goto": lambda st, node: node.to, "menu": enter_menu,
    "gather": enter_waiting, "transfer": enter_waiting, "voicemail": enter_waiting, "hours": enter_hours,
    "switch": enter_switch, "set": enter_set, "subflow": enter_subflow, "return": enter_return,
    "survey": enter_survey, "http": enter_http, "enqueue": queueing.enter_enqueue,
}


# -- asking (again) ---------------------------------------------------------
def ask(st, node, retry_prompt=None) -> None:
    """Emit what a waiting node needs from the caller (or from the shell, for http)."""
    if isinstance(node, MenuNode):
        return ask_menu(st, node, retry_prompt)
    if isinstance(node, GatherNode):
        prompts = tuple(st.spoken(p) for p in (retry_prompt, node.prompt) if p is not None)
        st.out.append(Gather(prompts, node.timeout_s, node.num_digits, node.finish_on_key))
    elif isinstance(node, TransferNode):
        st.say(node.prompt)
        st.out.append(Dial(st.text(node.number), node.timeout_s, node.caller_id))
    elif isinstance(node, VoicemailNode):
        st.say(node.prompt)
        st.out.append(Record(node.max_length_s, node.silence_timeout_s, node.finish_on_key, node.beep))
    elif isinstance(node, HttpNode):
        st.out.append(_fetch(st, node))
    elif isinstance(node, SurveyNode):
        ask_question(st, node, retry_prompt)
    elif isinstance(node, queueing.EnqueueNode):
        queueing.ask(st, node)
    return None


def _fetch(st, node: HttpNode) -> FetchJson:
    headers = tuple((k, st.text(v)) for k, v in node.headers.items())
    body = None if node.body is None else tuple((k, st.text(v)) for k, v in node.body.items())
    return FetchJson(node.method, st.text(node.url), headers, body, node.timeout_s)


# -- answers ----------------------------------------------------------------
def gather_digits(st, node: GatherNode, event: DigitsEntered):
    digits = event.digits
    valid = _digits_ok(node, digits)
    st.note("digits_entered", digits=MASK if node.sensitive else digits, valid=valid, variable=node.variable)
    if not valid:
        return st.retry(node, "invalid", node.invalid_prompt, node.max_tries, node.fallback)
    st.set_variables({node.variable: digits})
    return st.enter(node.next)


def gather_silence(st, node: GatherNode, event: NoInput):
    return st.retry(node, "no_input", node.no_input_prompt, node.max_tries, node.fallback)


def dial_ended(st, node: TransferNode, event: DialEnded):
    st.note("dial_ended", status=event.status, duration_s=event.duration_s)
    return st.enter(node.next if event.status in ANSWERED else node.on_failure)


def http_fetched(st, node: HttpNode, event: HttpFetched):
    st.note("http_fetched", ok=event.ok, status=event.status, reason=event.reason)
    if not event.ok:
        return st.enter(node.on_failure)
    st.set_variables({name: _text(lookup(event.data, path)) for name, path in node.map.items()})
    return st.enter(node.next)


def recording_made(st, node: VoicemailNode, event: RecordingMade):
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
    **queueing.REACT,
}


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

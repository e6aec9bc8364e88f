"""Menus: asking with keys and phrases, branching on a key or a spoken choice, confirming an unsure one."""
from __future__ import annotations

from .base import Prompt
from .events import DigitsEntered, NoInput, SpeechHeard
from .instructions import Gather, Listen, Say
from .model import Flow
from .nodes import MenuNode
from .prompts import pick
from .state import CallState
from .stepper import Outcome, Stepper

YES, NO = "1", "2"


def listen_for(node: MenuNode, language: str) -> Listen | None:
    """The phrases `node` accepts in `language`, or None when it takes keys only."""
    phrases = node.phrases(language)
    if not phrases:
        return None
    return Listen(language, tuple((key, tuple(words)) for key, words in sorted(phrases.items())))


def listening(flow: Flow, state: CallState) -> Listen | None:
    """What the call's current node listens for now (a pending confirmation listens for yes and no)."""
    node = flow.nodes.get(state.node)
    if not isinstance(node, MenuNode):
        return None
    if state.confirming:
        return _yes_no(flow, state.language)
    return listen_for(node, state.language)


def _yes_no(flow: Flow, language: str) -> Listen:
    speech = flow.speech
    return Listen(language, ((YES, tuple(speech.yes.get(language, ()))), (NO, tuple(speech.no.get(language, ())))))


def menu_speech(st: Stepper, node: MenuNode, event: SpeechHeard) -> Outcome:
    """A confident match acts like its key; an unsure one is confirmed; no match is a wrong answer."""
    if st.state.confirming:
        # An unsure "yes" would be a silent wrong turn one step later: it counts as not understood
        # (the caller can press 1). An unsure "no" only asks the menu again, so it is taken.
        answer = event.option if event.confident or event.option == NO else None
        return confirmation_answered(st, node, answer)
    st.note("speech_heard", transcript=event.transcript, confidence=round(event.confidence, 3),
            option=event.option, phrase=event.phrase, score=event.score, confident=event.confident,
            sure=event.confident)
    if event.option is None or node.target(event.option) is None:
        return st.retry(node, "invalid", node.invalid_prompt, node.max_invalid, node.fallback)
    if event.confident:
        return choose(st, event.option)
    st.update(confirming=event.option)
    _ask_confirmation(st, event.phrase or event.transcript)
    return st.done()


def _ask_confirmation(st: Stepper, phrase: str) -> None:
    speech = st.flow.speech
    language = st.state.language
    text = pick(speech.confirm_prompt, language, st.flow.default_language).replace("{phrase}", phrase)
    st.out.append(Gather((Say(text, language),), 5, 1, "", _yes_no(st.flow, language)))


def confirmation_answered(st: Stepper, node: MenuNode, answer: str | None) -> Outcome:
    """1 / yes takes the choice waiting for confirmation; 2 / no asks the menu again; anything else is a wrong answer."""
    waiting = st.state.confirming
    st.update(confirming="")
    st.note("speech_confirmed", option=waiting, answer=answer)
    if answer == YES:
        return choose(st, waiting)
    if answer == NO:
        ask_menu(st, node, None)
        return st.done()
    return st.retry(node, "invalid", node.invalid_prompt, node.max_invalid, node.fallback)


def ask_menu(st: Stepper, node: MenuNode, retry_prompt: Prompt | None) -> None:
    seen = st.state.node in st.state.visited
    main = node.short_prompt if seen and node.short_prompt is not None else node.prompt
    prompts = st.prompts(retry_prompt, main)
    timeout = node.timeout_s if node.longest_key == 1 else node.digit_timeout_s
    st.out.append(Gather(prompts, timeout, node.longest_key, "", listen_for(node, st.state.language)))
    if not seen:
        st.update(visited=(*st.state.visited, st.state.node))


def menu_digits(st: Stepper, node: MenuNode, event: DigitsEntered) -> Outcome:
    if st.state.confirming:
        return confirmation_answered(st, node, event.digits)
    option = node.target(event.digits)
    st.note("digits_entered", digits=event.digits, valid=option is not None)
    if option is not None:
        return choose(st, event.digits)
    keys = st.flow.menu_keys
    if node.repeat and event.digits == keys.repeat:
        st.note("menu_repeated")
        ask_menu(st, node, None)
        return st.done()
    if node.back and event.digits == keys.back and len(st.state.history) > 1:
        previous, stack = st.state.history[-2]
        st.update(history=st.state.history[:-2], stack=stack)
        st.note("menu_back", to=previous)
        return st.enter(previous)
    return st.retry(node, "invalid", node.invalid_prompt, node.max_invalid, node.fallback)


def choose(st: Stepper, key: str) -> Outcome:
    """Go where a menu option leads (switching language when it says so)."""
    option = st.flow.node(st.state.node).target(key)
    if option.language:
        st.update(language=option.language)
        st.note("language_chosen", language=option.language)
    return st.enter(option.to)


def menu_silence(st: Stepper, node: MenuNode, event: NoInput) -> Outcome:
    if st.state.confirming:
        return confirmation_answered(st, node, None)
    return st.retry(node, "no_input", node.no_input_prompt, node.max_no_input, node.fallback)

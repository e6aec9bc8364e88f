"""Survey nodes: one keypad question after another, each answer noted for satisfaction reports."""
from __future__ import annotations

from .base import Prompt
from .events import DigitsEntered, NoInput
from .instructions import Gather
from .nodes import Question, SurveyNode
from .stepper import Outcome, Stepper

VALID = {"scale": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}, "yes_no": {"1": "yes", "2": "no"}}


def ask_question(st: Stepper, node: SurveyNode, retry_prompt: Prompt | None = None) -> None:
    question = node.questions[st.state.cursor]
    st.out.append(Gather(st.prompts(retry_prompt, question.prompt), node.timeout_s, 1, ""))


def survey_answered(st: Stepper, node: SurveyNode, event: DigitsEntered) -> Outcome:
    question = node.questions[st.state.cursor]
    answer = VALID[question.type].get(event.digits)
    if answer is None and st.state.invalid_count == 0:
        st.update(invalid_count=1)
        st.note("invalid", count=1, limit=2)
        ask_question(st, node, node.invalid_prompt)
        return st.done()
    return _record(st, node, question, answer)


def survey_no_input(st: Stepper, node: SurveyNode, event: NoInput) -> Outcome:
    return _record(st, node, node.questions[st.state.cursor], None)


def _record(st: Stepper, node: SurveyNode, question: Question, answer) -> Outcome:
    """Note one answer (None: skipped) and ask the next question, or leave the survey."""
    st.note("survey_answer", survey=node.name, question=question.id, type=question.type, answer=answer)
    cursor = st.state.cursor + 1
    if cursor < len(node.questions):
        st.update(cursor=cursor, invalid_count=0)
        ask_question(st, node)
        return st.done()
    st.note("survey_finished", survey=node.name)
    return st.enter(node.next)

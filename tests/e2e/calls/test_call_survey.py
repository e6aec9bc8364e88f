"""The survey after a call answered by an agent from the queue: two keypad questions, the answers stored with the call."""
from __future__ import annotations

import pytest
from sample import (AGENT_EN, BILLING_EN, GOODBYE_EN, SUPPORT_EN, SURVEY_INTRO_EN, SURVEY_INVALID_EN,
                    SURVEY_RESOLVED_EN, SURVEY_SCALE_EN)
from sqlalchemy import select

from floor import staffed  # noqa: F401  (fixture)

from ivr.sim import run_call
from ivr.tables import SurveyAnswerRow


def answers(ivr_app, call_sid: str) -> list[tuple[str, str, str, str | None]]:
    with ivr_app.extensions["ivr"].uow() as uow:
        rows = uow.session.scalars(select(SurveyAnswerRow).where(SurveyAnswerRow.call_sid == call_sid)
                                   .order_by(SurveyAnswerRow.id))
        return [(r.survey, r.question, r.kind, r.answer) for r in rows]


@pytest.mark.parametrize("key, connecting", [("2", BILLING_EN), ("3", SUPPORT_EN), ("0", AGENT_EN)])
def test_answered_transfer_leads_to_the_survey_and_the_answers_are_stored(ivr_app, transport, signed, staffed, key,
                                                                          connecting):
    result = run_call(transport, ["2", key, "1", "4"], options=signed)
    assert result.said_texts[-5:] == [connecting, SURVEY_INTRO_EN, SURVEY_RESOLVED_EN, SURVEY_SCALE_EN, GOODBYE_EN]
    assert answers(ivr_app, result.call_sid) == [("csat", "resolved", "yes_no", "yes"),
                                                 ("csat", "satisfaction", "scale", "4")]


def test_a_wrong_survey_key_is_asked_once_more_then_skipped(ivr_app, transport, signed, staffed):
    result = run_call(transport, ["2", "0", "2", "9", "9"], options=signed)
    assert result.said_texts[-3:] == [SURVEY_INVALID_EN, SURVEY_SCALE_EN, GOODBYE_EN]
    assert answers(ivr_app, result.call_sid) == [("csat", "resolved", "yes_no", "no"),
                                                 ("csat", "satisfaction", "scale", None)]


def test_silence_skips_a_survey_question(ivr_app, transport, signed, staffed):
    run = run_call(transport, ["2", "0", "", "5"], options=signed)
    assert answers(ivr_app, run.call_sid) == [("csat", "resolved", "yes_no", None),
                                              ("csat", "satisfaction", "scale", "5")]

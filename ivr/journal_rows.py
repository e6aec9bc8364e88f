"""The rows some journal entries leave besides the event log: survey answers here, voicemails by recordings."""
from __future__ import annotations

from recordings.service import voicemail_left

from .tables import CallRow, SurveyAnswerRow


def record_effects(uow, row: CallRow, journal) -> None:
    """Add, in the step's unit of work, the rows that its survey answers and voicemails call for."""
    for entry in journal:
        if entry.kind == "survey_answer":
            uow.session.add(_answer(row, entry))
        elif entry.kind == "voicemail_recorded":
            detail = entry.detail
            voicemail_left(uow.recordings, row.call_sid, entry.node, detail.get("sid", ""), detail["url"],
                           detail.get("duration_s", 0), entry.at)


def _answer(row: CallRow, entry) -> SurveyAnswerRow:
    detail = entry.detail
    answer = detail.get("answer")
    return SurveyAnswerRow(call_sid=row.call_sid, survey=detail["survey"], question=detail["question"],
                           kind=detail["type"], answer=None if answer is None else str(answer), answered_at=entry.at)

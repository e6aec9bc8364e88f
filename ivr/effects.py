"""What some journal entries leave behind besides the event log: survey answers and voicemail recordings."""
from __future__ import annotations

from recordings.tables import RecordingRow

from .tables import CallRow, SurveyAnswerRow


def record_effects(uow, row: CallRow, journal) -> None:
    """Add the rows that this step's survey answers and voicemails call for."""
    for entry in journal:
        if entry.kind == "survey_answer":
            uow.session.add(_answer(row, entry))
        elif entry.kind == "voicemail_recorded":
            _recording(uow, row, entry)


def _answer(row: CallRow, entry) -> SurveyAnswerRow:
    detail = entry.detail
    answer = detail.get("answer")
    return SurveyAnswerRow(call_sid=row.call_sid, survey=detail["survey"], question=detail["question"],
                           kind=detail["type"], answer=None if answer is None else str(answer), answered_at=entry.at)


def _recording(uow, row: CallRow, entry) -> None:
    """A voicemail: a new row, or the one its status callback already made (they race)."""
    detail = entry.detail
    known = uow.recordings.by_sid(detail.get("sid", ""))
    if known is None:
        known = RecordingRow(call_sid=row.call_sid, recording_sid=detail.get("sid", ""), url=detail["url"], created_at=entry.at)
        uow.recordings.add(known)
    known.kind, known.node, known.updated_at = "voicemail", entry.node, entry.at
    known.duration_seconds = detail.get("duration_s", 0)

"""JSON API reports: survey results, and recordings to search, handle, hold and fetch (same token as the rest of /api)."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..recording_life.access import API
from ..recording_life.errors import RecordingError
from ..recording_life.web import audio_file, first_bytes, search_args
from ..tables import SurveyAnswerRow
from .api import ApiError, _int_arg, bp

RECORDING_STATUSES = ("new", "handled")


def _services():
    return current_app.extensions["ivr"]


@bp.get("/surveys/<name>")
def survey(name: str):
    """Answers per question: how many, how many skipped, the average (1-5) or the share of yes."""
    with _services().uow() as uow:
        rows = uow.surveys.answers(name)
    if not rows:
        raise ApiError(404, f"no answers for survey {name}")
    questions = {}
    for row in rows:
        questions.setdefault(row.question, []).append(row)
    return jsonify({"survey": name, "calls": len({r.call_sid for r in rows}),
                    "questions": {q: _summary(rs) for q, rs in questions.items()}})


def _summary(rows: list[SurveyAnswerRow]) -> dict:
    answered = [r.answer for r in rows if r.answer is not None]
    summary = {"type": rows[0].kind, "answered": len(answered), "skipped": len(rows) - len(answered)}
    if rows[0].kind == "scale":
        scores = [int(a) for a in answered]
        summary["average"] = round(sum(scores) / len(scores), 2) if scores else None
        summary["counts"] = {str(n): scores.count(n) for n in range(1, 6)}
    else:
        summary["yes_share"] = round(answered.count("yes") / len(answered), 3) if answered else None
    return summary


@bp.get("/recordings")
def recordings():
    """Recordings newest first: `q` searches transcripts (any case), `kind`, `status`, `from`/`to` (days, UTC,
    `to` included), `limit`/`offset` page; with the total."""
    try:
        found = _services().recording_life.search(API, **search_args(request.args))
    except RecordingError as exc:
        raise ApiError(exc.status, str(exc)) from None
    return jsonify(found)


@bp.post("/recordings/<int:recording_id>")
def mark_recording(recording_id: int):
    body = request.get_json(silent=True)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in RECORDING_STATUSES:
        raise ApiError(400, f"status must be one of {', '.join(RECORDING_STATUSES)}")
    return jsonify(_life(lambda life: life.mark(API, recording_id, status)))


@bp.post("/recordings/<int:recording_id>/hold")
def hold_recording(recording_id: int):
    """Legal hold on (`{"hold": true}`) or off: a held recording outlives its retention. Audited."""
    body = request.get_json(silent=True)
    held = body.get("hold") if isinstance(body, dict) else None
    if not isinstance(held, bool):
        raise ApiError(400, "hold must be true or false")
    return jsonify(_life(lambda life: life.hold(API, recording_id, held)))


@bp.get("/recordings/<int:recording_id>/audio")
def recording_audio(recording_id: int):
    """The audio (HTTP ranges answered with 206); each download is audited as the API token's."""
    playback = _life(lambda life: life.open_audio(API, recording_id, "recording_downloaded",
                                                  first_bytes(request.headers.get("Range"))))
    return audio_file(playback, download=False)


def _life(work):
    try:
        return work(_services().recording_life)
    except RecordingError as exc:
        raise ApiError(exc.status, str(exc)) from None



"""JSON API reports: survey results and voicemail recordings to handle (same token as the rest of /api)."""
from __future__ import annotations

from flask import current_app, jsonify, request, send_file

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
    status = request.args.get("status")
    if status is not None and status not in RECORDING_STATUSES:
        raise ApiError(400, f"status must be one of {', '.join(RECORDING_STATUSES)}")
    with _services().uow() as uow:
        rows = uow.recordings.recent(_int_arg("limit", 50, 1, 500), status)
        return jsonify({"recordings": [_recording_json(r) for r in rows]})


@bp.post("/recordings/<int:recording_id>")
def mark_recording(recording_id: int):
    body = request.get_json(silent=True)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in RECORDING_STATUSES:
        raise ApiError(400, f"status must be one of {', '.join(RECORDING_STATUSES)}")
    row = _services().recordings.mark(recording_id, status)
    if row is None:
        raise ApiError(404, f"no recording {recording_id}")
    return jsonify(_recording_json(row))


@bp.get("/recordings/<int:recording_id>/audio")
def recording_audio(recording_id: int):
    with _services().uow() as uow:
        row = uow.recordings.get(recording_id)
        path = row.file_path if row else ""
    if not path:
        raise ApiError(404, f"no local audio for recording {recording_id}; it is at Twilio until fetched")
    return send_file(path, mimetype="audio/wav")


def _recording_json(row) -> dict:
    return {"id": row.id, "call_sid": row.call_sid, "recording_sid": row.recording_sid, "kind": row.kind,
            "node": row.node, "url": row.url, "duration_seconds": row.duration_seconds, "status": row.status,
            "twilio_status": row.twilio_status, "local_copy": bool(row.file_path),
            "created_at": row.created_at.isoformat()}

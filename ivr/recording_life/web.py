"""Recording pages and their JSON (signed-in people): the voicemail inbox page, search, signed playback links,
the audio itself with HTTP ranges (every play and download audited), legal hold, assign, handled, call back."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, jsonify, render_template, request

from ..accounts.web import current_user, login_required
from ..web import i18n
from .access import Viewer
from .errors import BadRequest, RecordingError
from .links import LinkRefused
from .ranges import audio_answer

log = logging.getLogger(__name__)
bp = Blueprint("recording_life", __name__)
ANYONE = ("agent", "supervisor", "admin")
MANAGERS = ("supervisor", "admin")

i18n.add({
    "voicemail.title": {"ko": "음성 메시지", "en": "Voicemail"},
    "voicemail.empty": {"ko": "새 음성 메시지가 없습니다.", "en": "No new voicemail."},
    "voicemail.show_new": {"ko": "새 메시지", "en": "New"},
    "voicemail.show_handled": {"ko": "처리됨", "en": "Handled"},
    "voicemail.from": {"ko": "발신 번호", "en": "From"},
    "voicemail.at": {"ko": "받은 시각", "en": "Received"},
    "voicemail.transcript": {"ko": "받아쓰기", "en": "Transcript"},
    "voicemail.no_transcript": {"ko": "(받아쓰기 전)", "en": "(not transcribed yet)"},
    "voicemail.path": {"ko": "경로", "en": "Path"},
    "voicemail.entered": {"ko": "입력한 값", "en": "Entered"},
    "voicemail.play": {"ko": "듣기", "en": "Play"},
    "voicemail.assign": {"ko": "상담원 배정", "en": "Assign"},
    "voicemail.agent": {"ko": "상담원 ID", "en": "Agent id"},
    "voicemail.handled": {"ko": "처리 완료", "en": "Mark handled"},
    "voicemail.call_back": {"ko": "다시 전화", "en": "Call back"},
    "voicemail.assigned_to": {"ko": "배정", "en": "Assigned to"},
    "voicemail.search": {"ko": "받아쓰기 검색", "en": "Search transcripts"},
})


def _services():
    return current_app.extensions["ivr"]


def viewer() -> Viewer:
    user = current_user()
    return Viewer(user.username, user.role, user.agent_id, user.id)


# -- the page -------------------------------------------------------------------------------------------------
@bp.get("/board/voicemail")
@login_required(*MANAGERS)
def voicemail_page():
    return render_template("recordings/voicemail.html")


# -- JSON for pages (session; CSRF on POST) -------------------------------------------------------------------
@bp.get("/board/api/voicemail")
@login_required(*MANAGERS)
def voicemail_inbox():
    status = request.args.get("status", "new") or None
    limit, offset = page_args(request.args)
    return jsonify(_services().recording_life.inbox(viewer(), status, limit, offset))


@bp.get("/board/api/recordings")
@login_required(*ANYONE)
def recordings_search():
    return jsonify(_services().recording_life.search(viewer(), **search_args(request.args)))


@bp.get("/board/api/recordings/<int:recording_id>/link")
@login_required(*ANYONE)
def playback_link(recording_id: int):
    return jsonify({"url": _services().recording_life.playback_link(viewer(), recording_id),
                    "expires_in_s": _services().settings.recordings_link_ttl_s})


@bp.post("/board/api/recordings/<int:recording_id>/hold")
@login_required(*MANAGERS)
def legal_hold(recording_id: int):
    held = _body().get("hold")
    if not isinstance(held, bool):
        raise BadRequest("hold must be true or false")
    return jsonify(_services().recording_life.hold(viewer(), recording_id, held))


@bp.post("/board/api/voicemail/<int:recording_id>/assign")
@login_required(*MANAGERS)
def assign(recording_id: int):
    return jsonify(_services().recording_life.assign(viewer(), recording_id, _body().get("agent")))


@bp.post("/board/api/voicemail/<int:recording_id>/status")
@login_required(*MANAGERS)
def mark(recording_id: int):
    return jsonify(_services().recording_life.mark(viewer(), recording_id, _body().get("status")))


@bp.post("/board/api/voicemail/<int:recording_id>/callback")
@login_required(*MANAGERS)
def call_back(recording_id: int):
    return jsonify(_services().recording_life.call_back(viewer(), recording_id))


# -- the audio --------------------------------------------------------------------------------------------------
@bp.get("/recordings/<token>/audio")
@login_required(*ANYONE)
def audio(token: str):
    """The audio behind a signed link made for this user (403 for anything else); Range requests get 206."""
    life, who = _services().recording_life, viewer()
    try:
        recording_id = life.links.open(token, who.user_id)
    except LinkRefused as exc:
        log.warning("playback link refused for %s: %s", who.actor, exc)
        return jsonify({"error": "this playback link is not valid for you, or it expired"}), 403
    download = request.args.get("download") == "1"
    playback = life.open_audio(who, recording_id, "recording_downloaded" if download else "recording_played",
                               first_bytes(request.headers.get("Range")))
    return audio_file(playback, download)


def audio_file(playback, download: bool):
    """The opened recording as the answer to this request: 206 with exactly the bytes of its Range."""
    return audio_answer(playback.stream, playback.size, playback.name, download, request.range, request.if_range,
                        playback.sha256)


def first_bytes(range_header: str | None) -> bool:
    """True when the request starts a play (no range, or a range from byte 0); a seek is part of the same play."""
    if not range_header:
        return True
    spec = range_header.split("=", 1)[-1].split(",")[0].strip()
    return spec.startswith("0-") or spec == "0"


# -- shared parsing ---------------------------------------------------------------------------------------------
def page_args(args) -> tuple[int, int]:
    return _whole(args, "limit", 50, 1, 500), _whole(args, "offset", 0, 0, 10_000_000)


def search_args(args) -> dict:
    limit, offset = page_args(args)
    start, end = _day(args.get("from"), "from"), _day(args.get("to"), "to")
    return {"q": args.get("q", ""), "kind": args.get("kind") or None, "status": args.get("status") or None,
            "start": start, "end": end + timedelta(days=1) if end else None, "limit": limit, "offset": offset}


def _day(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise BadRequest(f"{name} must be a day, YYYY-MM-DD") from None


def _whole(args, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object")
    return body


@bp.errorhandler(RecordingError)
def recording_error(exc: RecordingError):
    return jsonify({"error": str(exc)}), exc.status

"""Recordings for people: search and list (by what the viewer may see), signed playback with every play and
download audited, legal hold, and the voicemail inbox (caller context, assign, handled, call back)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import BinaryIO

from sqlalchemy import select

from callqueue.tables import QueueEntryRow
from recordings.store import stream_size

from ..desk import path as call_path
from ..sensitive import SEALED
from ..tables import CallRow
from .access import Viewer, may_open, visible_calls
from .errors import BadRequest, CannotCallBack, NoAudio, NotFound

log = logging.getLogger(__name__)
KINDS = ("voicemail", "call")
STATUSES = ("new", "handled")
MAX_QUERY = 200


@dataclass(frozen=True)
class Playback:
    """An opened recording: its stream (the caller closes it), length when known, a file name, its sha256."""

    stream: BinaryIO
    size: int | None
    name: str
    sha256: str


class RecordingLife:
    """`audio` (a `RecordingAudio`) opens a row's audio from the store; `links` signs playback tokens; `audit` the
    audit log; `callbacks()` the board's Callbacks (or None); `sensitive(version)` a flow version's sensitive
    variables; `caller_callbacks` callqueue's CallbackService (a voicemail's call-back at the next opening)."""

    def __init__(self, uow, clock, audio, links, audit, callbacks, sensitive, caller_callbacks=None):
        self.uow, self.clock, self.audio, self.links, self.audit = uow, clock, audio, links, audit
        self.callbacks, self.sensitive = callbacks, sensitive
        self.caller_callbacks = caller_callbacks  # callqueue's CallbackService: files a callback due at the opening

    # -- search and list -----------------------------------------------------------------------------------
    def search(self, viewer: Viewer, q: str = "", kind: str | None = None, start: datetime | None = None,
               end: datetime | None = None, status: str | None = None, limit: int = 50, offset: int = 0) -> dict:
        """A page of recordings the viewer may see, newest first, with the total for paging."""
        _check_search(q, kind, status)
        with self.uow() as uow:
            rows, total = uow.recordings.search(q.strip(), kind, start, end, status, visible_calls(viewer), limit, offset)
            return {"recordings": [recording_json(r) for r in rows], "total": total, "limit": limit, "offset": offset}

    def inbox(self, viewer: Viewer, status: str | None = "new", limit: int = 50, offset: int = 0) -> dict:
        """Voicemails with transcript and caller context (number, path through the flow, values entered, masked)."""
        page = self.search(viewer, kind="voicemail", status=status, limit=limit, offset=offset)
        with self.uow() as uow:
            sids = [r["call_sid"] for r in page["recordings"]]
            calls = {c.call_sid: c for c in uow.session.scalars(select(CallRow).where(CallRow.call_sid.in_(sids)))} if sids else {}
            page["recordings"] = [{**r, "caller": self._caller(calls.get(r["call_sid"]))} for r in page["recordings"]]
        return page

    def _caller(self, call: CallRow | None) -> dict:
        if call is None:
            return {"number": "", "language": "", "path": [], "entered": []}
        events = [call_path.Event(e.at, e.kind, e.node, e.detail or {}) for e in call.events]
        hidden = self.sensitive(call.flow_version)
        entered = [{**v, "value": call_path.MASK} if v["name"] in hidden else v
                   for v in call_path.entered(events, call.variables or {}, SEALED)]
        return {"number": call.from_number, "language": call.language, "flow": call.flow_name,
                "path": [stop["node"] for stop in call_path.walk(events)], "entered": entered}

    # -- playback ------------------------------------------------------------------------------------------
    def playback_link(self, viewer: Viewer, recording_id: int) -> str:
        """A signed, expiring `/recordings/<token>/audio` path for this viewer (a signed-in user)."""
        with self.uow() as uow:
            self._visible(uow, viewer, recording_id)
        return f"/recordings/{self.links.issue(recording_id, viewer.user_id)}/audio"

    def open_audio(self, viewer: Viewer, recording_id: int, action: str, first_bytes: bool = True) -> Playback:
        """The audio of a recording the viewer may play, opened from the store (or an older row's file); the play
        or download is audited (a range request that continues a play — not from byte 0 — is not a new play)."""
        with self.uow() as uow:
            row = self._visible(uow, viewer, recording_id)
            if not self.audio.kept(row):
                raise NoAudio(f"no local audio for recording {recording_id}; it is at Twilio until downloaded")
            try:
                stream = self.audio.open(row)
            except FileNotFoundError:
                raise NoAudio(f"no local audio for recording {recording_id}: the store has none") from None
            try:
                if first_bytes:
                    self.audit.record_in(uow, viewer.actor, action, str(recording_id), kind=row.kind, call_sid=row.call_sid)
                    uow.commit()
            except BaseException:
                stream.close()
                raise
            size = stream_size(stream)  # a stream that cannot seek (object storage): the size the download measured
            if size is None and row.store_key and row.size_bytes:
                size = row.size_bytes
            name = PurePosixPath(row.store_key or row.file_path).name
            return Playback(stream, size, name, row.sha256 or "")

    # -- hold and inbox actions ------------------------------------------------------------------------------
    def hold(self, viewer: Viewer, recording_id: int, held: bool) -> dict:
        return self._change(viewer, recording_id, "legal_hold_set" if held else "legal_hold_cleared",
                            legal_hold=bool(held))

    def assign(self, viewer: Viewer, recording_id: int, agent_id: str | None) -> dict:
        if agent_id is not None and (not isinstance(agent_id, str) or not 0 < len(agent_id) <= 64):
            raise BadRequest("agent must be an agent id (or null to unassign)")
        return self._change(viewer, recording_id, "voicemail_assigned", assigned_to=agent_id)

    def mark(self, viewer: Viewer, recording_id: int, status: str) -> dict:
        if status not in STATUSES:
            raise BadRequest(f"status must be one of {', '.join(STATUSES)}")
        handled = status == "handled"
        return self._change(viewer, recording_id, f"voicemail_{status}", status=status,
                            handled_by=viewer.actor if handled else None, handled_at=self.clock.now() if handled else None)

    def call_back(self, viewer: Viewer, recording_id: int) -> dict:
        """Call the caller back: through the board's call-back when they hung up waiting in a queue, else as a
        caller callback filed in line (due at the queue's next opening, placed by the timers in its turn)."""
        with self.uow() as uow:
            row = self._visible(uow, viewer, recording_id)
            entry_id = uow.session.scalar(select(QueueEntryRow.id).where(
                QueueEntryRow.call_sid == row.call_sid, QueueEntryRow.status == "abandoned").order_by(QueueEntryRow.id.desc()))
            call = uow.session.scalar(select(CallRow).where(CallRow.call_sid == row.call_sid))
            caller = (call.from_number, call.to_number, call.language) if call is not None else ("", "", "")
        board = self.callbacks() if self.callbacks is not None else None
        if entry_id is not None and board is not None:
            from ..board.abandoned import callback_json

            return callback_json(board.place(entry_id, "queue", None, viewer.actor))
        return self._file_callback(viewer, recording_id, row.call_sid, *caller)

    def _file_callback(self, viewer: Viewer, recording_id: int, call_sid: str, number: str, ours: str, language: str) -> dict:
        if self.caller_callbacks is None:
            raise CannotCallBack("callbacks are off on this server (no call queues); call the number shown")
        try:
            entry = self.caller_callbacks.file_for(call_sid, number, ours, language or "")
        except ValueError as exc:
            log.warning("voicemail %s: no callback filed: %s", recording_id, exc)
            raise CannotCallBack(f"{exc}; call the number shown") from exc
        with self.uow() as uow:
            self.audit.record_in(uow, viewer.actor, "voicemail_callback", str(recording_id), entry=entry.call_id,
                                 queue=entry.queue, due_at=entry.callback_due_at.isoformat())
            uow.commit()
        return {"entry": int(entry.call_id), "queue": entry.queue, "status": entry.status.value, "number": entry.callback_number,
                "due_at": entry.callback_due_at.isoformat(), "kind": "callback"}

    def _change(self, viewer: Viewer, recording_id: int, action: str, **values) -> dict:
        with self.uow() as uow:
            row = self._visible(uow, viewer, recording_id)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = self.clock.now()
            self.audit.record_in(uow, viewer.actor, action, str(recording_id),
                                 **{k: v for k, v in values.items() if not isinstance(v, datetime)})
            uow.commit()
            return recording_json(row)

    def _visible(self, uow, viewer: Viewer, recording_id: int):
        row = uow.recordings.get(recording_id)
        if row is None or not may_open(uow.session, viewer, row.call_sid):
            raise NotFound(f"no recording {recording_id}")
        return row


def _check_search(q: str, kind: str | None, status: str | None) -> None:
    if len(q) > MAX_QUERY:
        raise BadRequest(f"q is at most {MAX_QUERY} characters")
    if kind is not None and kind not in KINDS:
        raise BadRequest(f"kind must be one of {', '.join(KINDS)}")
    if status is not None and status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}")


def recording_json(row) -> dict:
    """A recording as the API and the pages show it (never its file path, never Twilio's URL for a person)."""
    return {"id": row.id, "call_sid": row.call_sid, "recording_sid": row.recording_sid, "kind": row.kind,
            "node": row.node, "url": row.url, "duration_seconds": row.duration_seconds, "status": row.status,
            "twilio_status": row.twilio_status, "local_copy": bool(row.store_key or row.file_path),
            "created_at": row.created_at.isoformat(),
            "transcript": row.transcript or "", "transcript_language": row.transcript_language or "",
            "transcript_confidence": row.transcript_confidence,
            "transcribed_at": row.transcribed_at.isoformat() if row.transcribed_at else None,
            "legal_hold": bool(row.legal_hold), "assigned_to": row.assigned_to, "handled_by": row.handled_by,
            "handled_at": row.handled_at.isoformat() if row.handled_at else None}

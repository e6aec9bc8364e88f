"""Retention: recordings older than their kind's keep-days are deleted, file and row, by a timer job that logs
(and audits) each one; a recording on legal hold is kept whatever its age."""
from __future__ import annotations

import logging
import time
from datetime import timedelta

log = logging.getLogger(__name__)
BATCH = 200
JOB_EVERY_S = 300.0
ACTOR = "retention"


class Retention:
    """`keep_days` maps a kind (voicemail, call) to days kept (0 or absent: kept until someone deletes it);
    `audio` (a `RecordingAudio`) deletes a row's audio through the store (or an older row's file); `audit`
    (optional) has `record_in(uow, actor, action, target, **detail)`."""

    def __init__(self, uow, clock, keep_days: dict[str, int], audio, audit=None):
        self.uow, self.clock, self.keep_days, self.audio, self.audit = uow, clock, dict(keep_days), audio, audit
        self._last_run = float("-inf")

    def enforce(self) -> list[dict]:
        """Delete every recording past its kind's retention (not held); what was deleted."""
        deleted: list[dict] = []
        for kind, days in sorted(self.keep_days.items()):
            if days > 0:
                deleted += self._enforce_kind(kind, self.clock.now() - timedelta(days=days))
        return deleted

    def job(self) -> None:
        """For the timer loop: enforce at most once every JOB_EVERY_S."""
        if time.monotonic() - self._last_run >= JOB_EVERY_S:
            self._last_run = time.monotonic()
            self.enforce()

    def _enforce_kind(self, kind: str, before) -> list[dict]:
        deleted = []
        with self.uow() as uow:
            for row in uow.recordings.expired(kind, before, BATCH):
                if not self._remove_file(row):
                    continue
                gone = {"id": row.id, "kind": row.kind, "call_sid": row.call_sid, "recording_sid": row.recording_sid,
                        "created_at": row.created_at.isoformat(), "file": self.audio.kept(row)}
                if self.audit is not None:
                    self.audit.record_in(uow, ACTOR, "recording_deleted", str(row.id), kind=row.kind,
                                         call_sid=row.call_sid, created_at=gone["created_at"])
                uow.recordings.delete(row)
                deleted.append(gone)
            uow.commit()
        for gone in deleted:
            log.info("retention: deleted %s recording %s of call %s (made %s, kept %s days)", gone["kind"], gone["id"],
                     gone["call_sid"], gone["created_at"], self.keep_days[kind])
        return deleted

    def _remove_file(self, row) -> bool:
        """The row's audio gone from the store (or never there); False, logged, when the store could not delete it:
        the row stays, so the next run tries again and no stored audio is left without its row."""
        try:
            self.audio.delete(row)
        except OSError as exc:
            log.warning("retention: recording %s not deleted, its audio %s stays: %s", row.id,
                        row.store_key or row.file_path, exc)
            return False
        return True

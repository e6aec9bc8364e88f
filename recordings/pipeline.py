"""The recordings download pipeline: a timer job that copies finished recordings from Twilio into the store.

A recording Twilio reports `completed` gets `download_state = pending` and a due time. Each pass of the job
(`RecordingPipeline.run`, on the timer loop) claims due rows in one short transaction (row locks; the claim is
written down with its holder and an expiry, so two workers never download the same recording and a worker that
dies mid-download leaves a claim that lapses), downloads them outside any transaction through the outbound port
(allowed hosts only), keeps them in the `RecordingStore` (atomic, sha256) and writes the outcome back.

States: pending -> claimed -> done; a failure goes back to pending with the next try `base_delay_s * 2**(n-1)`
later (capped), or to failed after `max_attempts` or at once when retrying cannot help (a host not allowed).
With `delete_from_twilio`, a verified copy (the stored bytes' sha256 equals the downloaded bytes') is deleted
from Twilio; a deletion that fails is retried like a download (state `verified` until it succeeds).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from .store import recording_key, sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DownloadPolicy:
    max_attempts: int = 8
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    claim_s: float = 300.0     # how long a claim holds before another worker may take the row over
    batch: int = 10            # rows claimed per pass
    delete_from_twilio: bool = False

    def delay_s(self, attempts: int) -> float:
        """Exponential backoff: the wait after the `attempts`-th failed try."""
        return min(self.max_delay_s, self.base_delay_s * 2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class Claimed:
    id: int
    call_sid: str
    recording_sid: str
    url: str
    created_at: datetime
    attempts: int
    downloaded: bool  # only Twilio's copy is left to delete


class RecordingPipeline:
    """Claims due recordings and downloads them; `run` is the timer job (`recordings_download`)."""

    def __init__(self, uow, clock, twilio, store, holder, policy: DownloadPolicy = DownloadPolicy()):
        self.uow, self.clock, self._twilio, self._store = uow, clock, twilio, store
        self._holder, self.policy = holder, policy  # a name, or () -> name (host:pid, read after fork)

    # given at construction (by the bootstrap), never replaced
    twilio = property(lambda self: self._twilio)  # the outbound port: fetch_media, delete_recording
    store = property(lambda self: self._store)    # the RecordingStore

    @property
    def holder(self) -> str:
        return self._holder() if callable(self._holder) else self._holder

    def run(self) -> int:
        """One pass: claim what is due and work through it; how many recordings were kept."""
        return sum(self.work(claimed) for claimed in self.claim())

    __call__ = run  # the timer loop calls its jobs

    @property
    def __name__(self) -> str:
        return "recordings_download"

    def claim(self) -> list[Claimed]:
        now = self.clock.now()
        with self.uow() as uow:
            rows = uow.recordings.due_downloads(now, self.policy.batch)
            for row in rows:
                row.download_state, row.claimed_by = "claimed", self.holder
                row.claimed_until = now + timedelta(seconds=self.policy.claim_s)
                row.download_attempts += 1
            claimed = [Claimed(r.id, r.call_sid, r.recording_sid, r.url, r.created_at, r.download_attempts,
                               r.downloaded_at is not None) for r in rows]
            uow.commit()
        return claimed

    def work(self, claimed: Claimed) -> bool:
        """Download (or, when already kept, delete Twilio's copy of) one claimed recording."""
        if claimed.downloaded:
            self._delete_at_twilio(claimed)
            return False
        media = self.twilio.fetch_media(_wav_url(claimed.url))
        if media.body is None:
            self._failed(claimed, media.reason, media.permanent)
            return False
        key = recording_key(claimed.created_at, claimed.call_sid, claimed.recording_sid)
        try:
            verified = self._keep(key, media.body)
        except (OSError, ValueError) as exc:
            self._failed(claimed, f"not stored: {exc}", False)
            return False
        return self._kept(claimed, key, verified, len(media.body))

    def _keep(self, key: str, body: bytes) -> str:
        """Store and read back: the sha256 when the stored copy is exactly what was downloaded."""
        expected = hashlib.sha256(body).hexdigest()
        if self.store.put(key, body) != expected:
            raise OSError("the stored copy's sha256 differs from the download's")
        with self.store.open(key) as stored:
            if sha256_of(stored) != expected:
                raise OSError("the stored copy reads back differently")
        return expected

    def _kept(self, claimed: Claimed, key: str, sha256: str, size: int) -> bool:
        now = self.clock.now()
        with self.uow() as uow:
            row = self._still_ours(uow, claimed)
            if row is None:
                return False
            row.store_key, row.sha256, row.size_bytes, row.downloaded_at = key, sha256, size, now
            row.file_path = str(self.store.path(key)) if hasattr(self.store, "path") else ""
            row.download_error, row.updated_at = "", now
            row.download_state = "verified" if self.policy.delete_from_twilio else "done"
            if self.policy.delete_from_twilio:  # deleted just below; a later pass retries only if that fails
                row.download_attempts, row.next_attempt_at = 0, now + timedelta(seconds=self.policy.claim_s)
            uow.commit()
        log.info("recording %s of call %s kept as %s (%d bytes, sha256 %s)", claimed.recording_sid, claimed.call_sid,
                 key, size, sha256[:12])
        if self.policy.delete_from_twilio:
            self._delete_at_twilio(Claimed(**{**claimed.__dict__, "attempts": 0, "downloaded": True}))
        return True

    def _delete_at_twilio(self, claimed: Claimed) -> None:
        """Only a recording whose copy is verified (download_state `verified`) reaches here."""
        deleted = self.twilio.delete_recording(claimed.recording_sid)
        now = self.clock.now()
        with self.uow() as uow:
            row = uow.recordings.get_locked(claimed.id)
            if row is None or not row.sha256:
                return
            if deleted:
                row.twilio_deleted_at, row.download_state, row.download_error = now, "done", ""
            else:
                row.download_attempts += 0 if row.download_state == "claimed" else 1
                self._retry_later(row, "not deleted from Twilio", now)
                row.download_state = "failed" if row.download_state == "failed" else "verified"
            row.updated_at = now
            uow.commit()

    def _failed(self, claimed: Claimed, reason: str, permanent: bool) -> None:
        now = self.clock.now()
        with self.uow() as uow:
            row = self._still_ours(uow, claimed)
            if row is None:
                return
            if permanent:
                row.download_state, row.download_error, row.next_attempt_at = "failed", reason[:255], None
            else:
                self._retry_later(row, reason, now)
            row.updated_at = now
            uow.commit()
        log.warning("recording %s of call %s: download try %d failed: %s%s", claimed.recording_sid,
                    claimed.call_sid, claimed.attempts, reason, " (given up)" if permanent else "")

    def _retry_later(self, row, reason: str, now: datetime) -> None:
        if row.download_attempts >= self.policy.max_attempts:
            row.download_state, row.next_attempt_at = "failed", None
            row.download_error = f"given up after {row.download_attempts} tries: {reason}"[:255]
            return
        row.download_state, row.download_error = "pending", reason[:255]
        row.next_attempt_at = now + timedelta(seconds=self.policy.delay_s(row.download_attempts))

    def _still_ours(self, uow, claimed: Claimed):
        """The row, locked, if this worker's claim still holds (a lapsed claim may have been taken over)."""
        row = uow.recordings.get_locked(claimed.id)
        if row is None or row.download_state != "claimed" or row.claimed_by != self.holder:
            log.warning("recording %s: claim lost to %s; result dropped", claimed.recording_sid, row and row.claimed_by)
            return None
        return row


def _wav_url(url: str) -> str:
    return url if url.endswith((".wav", ".mp3")) else url + ".wav"

"""The recordings download job on SQLite and PostgreSQL: retries with exponential backoff then success, a host off
the allow-list never fetched, checksum and atomic write, Twilio's copy deleted only after verification, and two
workers claiming the same recording download it once."""
from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from functools import partial

import pytest
from fakes import FakeTwilio
from sqlalchemy.orm import sessionmaker

from ivr.db import make_engine, upgrade, writer_lock_for
from ivr.outbound.hosts import MediaHosts
from ivr.outbound.media import MediaDownloader
from ivr.outbound.twilio_rest import TwilioRest
from ivr.repository import SqlAlchemyUnitOfWork
from recordings.pipeline import DownloadPolicy, RecordingPipeline
from recordings.service import RecordingService
from recordings.store import LocalRecordingStore

URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "1" * 32
AUDIO = b"RIFF" + bytes(range(256)) * 40
SID, CALL = "RE" + "1" * 32, "CA" + "2" * 32


@pytest.fixture
def uow(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False), writer_lock_for(engine))
    engine.dispose()


def reported(uow, clock, url: str = URL, sid: str = SID) -> None:
    assert RecordingService(uow, clock).status_reported(CALL, sid, "completed", url, "DialVerb", 2)


def row(uow, sid: str = SID):
    with uow() as u:
        return u.recordings.by_sid(sid)


def pipeline(uow, clock, twilio, tmp_path, holder="w1", **policy):
    return RecordingPipeline(uow, clock, twilio, LocalRecordingStore(tmp_path / "rec"), holder,
                             DownloadPolicy(base_delay_s=30, **policy))


def test_a_download_is_retried_with_exponential_backoff_then_kept(uow, clock, tmp_path):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    twilio.media_failures[URL + ".wav"] = 2
    job = pipeline(uow, clock, twilio, tmp_path)
    reported(uow, clock)
    started = clock.now()
    assert job.run() == 0
    assert (row(uow).download_state, row(uow).next_attempt_at) == ("pending", started + timedelta(seconds=30))
    assert row(uow).download_error == "HTTP 503"
    assert job.run() == 0  # not due yet: nothing fetched
    assert len(twilio.downloads) == 1
    clock.advance(30)
    assert job.run() == 0
    assert row(uow).next_attempt_at == clock.now() + timedelta(seconds=60)  # doubled
    clock.advance(60)
    assert job.run() == 1
    kept = row(uow)
    assert (kept.download_state, kept.download_attempts, kept.size_bytes) == ("done", 3, len(AUDIO))
    assert kept.sha256 == hashlib.sha256(AUDIO).hexdigest()
    assert kept.store_key == f"{started:%Y-%m-%d}/{CALL}_{SID}.wav"  # one folder per day
    assert (tmp_path / "rec" / kept.store_key).read_bytes() == AUDIO
    assert twilio.deleted_recordings == []  # not asked to


def test_a_download_that_keeps_failing_is_given_up_after_the_last_try(uow, clock, tmp_path):
    twilio = FakeTwilio()  # never there
    job = pipeline(uow, clock, twilio, tmp_path, max_attempts=3)
    reported(uow, clock)
    for _ in range(3):
        job.run()
        clock.advance(3600)
    assert (row(uow).download_state, row(uow).download_attempts) == ("failed", 3)
    assert row(uow).download_error.startswith("given up after 3 tries")
    job.run()
    assert len(twilio.downloads) == 3


class NoNetwork:
    """A requests session that must never be used."""

    def __init__(self):
        self.requests = []

    def get(self, url, **kwargs):
        self.requests.append(url)
        raise AssertionError(f"fetched {url}")


def test_a_host_off_the_allow_list_is_never_fetched_and_the_row_is_failed_with_the_reason(uow, clock, tmp_path):
    network = NoNetwork()
    rest = TwilioRest("AC0", "token", "", MediaDownloader(MediaHosts(("api.twilio.com",)), ("AC0", "token"), session=network))
    job = pipeline(uow, clock, rest, tmp_path)
    reported(uow, clock, url="http://10.0.0.5/secrets")
    job.run()
    failed = row(uow)
    assert network.requests == []
    assert failed.download_state == "failed"
    assert failed.download_error == "refused: 10.0.0.5 over http is not in TWILIO_MEDIA_HOSTS"
    clock.advance(86400)
    job.run()
    assert network.requests == [] and row(uow).download_attempts == 1  # never tried again


def test_a_failed_write_leaves_no_partial_file_and_is_retried(uow, clock, tmp_path, monkeypatch):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    job = pipeline(uow, clock, twilio, tmp_path)
    reported(uow, clock)
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    job.run()
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert row(uow).download_state == "pending" and "No space left" in row(uow).download_error
    assert [p.name for p in (tmp_path / "rec").rglob("*") if p.is_file()] == []  # no partial, no temp file
    clock.advance(30)
    assert job.run() == 1
    assert (tmp_path / "rec" / row(uow).store_key).read_bytes() == AUDIO


class LyingStore(LocalRecordingStore):
    """Keeps something other than what it was given (a corrupting disk, a buggy S3 gateway)."""

    def put(self, key, body):
        return super().put(key, body[:-1])


def test_twilio_s_copy_is_deleted_only_after_the_stored_copy_is_verified(uow, clock, tmp_path):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    liar = RecordingPipeline(uow, clock, twilio, LyingStore(tmp_path / "rec"), "w1",
                             DownloadPolicy(delete_from_twilio=True))
    reported(uow, clock)
    liar.run()
    assert twilio.deleted_recordings == [] and row(uow).download_state == "pending"
    assert "sha256" in row(uow).download_error
    clock.advance(30)
    job = pipeline(uow, clock, twilio, tmp_path, delete_from_twilio=True)
    assert job.run() == 1
    assert twilio.deleted_recordings == [SID]
    done = row(uow)
    assert (done.download_state, done.twilio_deleted_at) == ("done", clock.now())
    assert twilio.rest_log == [("delete_recording", SID)]


def test_a_failed_deletion_at_twilio_is_retried_without_downloading_again(uow, clock, tmp_path):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    twilio.failing = True
    job = pipeline(uow, clock, twilio, tmp_path, delete_from_twilio=True)
    reported(uow, clock)
    assert job.run() == 1
    assert (row(uow).download_state, row(uow).twilio_deleted_at) == ("verified", None)
    twilio.failing = False
    clock.advance(3600)
    job.run()
    assert row(uow).download_state == "done" and twilio.deleted_recordings == [SID]
    assert len(twilio.downloads) == 1


def test_two_workers_claiming_the_same_recording_download_it_once(uow, clock, tmp_path):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    first, second = (pipeline(uow, clock, twilio, tmp_path, holder=h) for h in ("w1", "w2"))
    reported(uow, clock)
    claimed = first.claim()
    assert [c.recording_sid for c in claimed] == [SID]
    assert second.run() == 0  # claimed by w1: skipped
    assert first.work(claimed[0]) is True
    assert second.run() == 0
    assert len(twilio.downloads) == 1 and row(uow).claimed_by == "w1"


def test_a_claim_left_by_a_worker_that_died_is_taken_over_after_it_lapses(uow, clock, tmp_path):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    dead, alive = (pipeline(uow, clock, twilio, tmp_path, holder=h) for h in ("dead", "alive"))
    reported(uow, clock)
    lost = dead.claim()
    clock.advance(299)
    assert alive.run() == 0
    clock.advance(2)
    assert alive.run() == 1
    assert dead.work(lost[0]) is False  # the dead worker's late result does not overwrite the new claim's
    assert row(uow).claimed_by == "alive" and row(uow).download_state == "done"


def test_voicemails_go_through_the_same_pipeline(uow, clock, tmp_path):
    twilio = FakeTwilio(media={URL + ".wav": AUDIO})
    assert RecordingService(uow, clock).status_reported(CALL, SID, "completed", URL, "RecordVerb", 1)
    assert pipeline(uow, clock, twilio, tmp_path).run() == 1
    assert (row(uow).kind, row(uow).download_state) == ("voicemail", "done")

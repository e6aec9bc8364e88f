"""`ivr worker` (TIMERS=0 deployments) runs the recording jobs the servers' timers run: downloads into the store,
transcripts and retention, on SQLite and PostgreSQL."""
from __future__ import annotations

import logging

from click.testing import CliRunner
from fakes import FakeTwilio
from helpers import new_call_sid

from callqueue.worker import run_forever
from ivr.bootstrap import build_queue, recording_jobs
from ivr.cli import main
from ivr.clock import SystemClock
from recordings.service import RecordingService
from speech.audio import Audio, read_audio, to_wav

from object_store import ObjectStore
from recording_rows import add_recording
from test_recording_store import HeardBytes

WAV = to_wav(Audio(bytes(range(256)) * 64, 8000))
RECORDING = "RE" + "7" * 32
URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/" + RECORDING


def row(app, recording_id=None, sid=None):
    with app.extensions["ivr"].uow() as uow:
        return uow.recordings.get(recording_id) if recording_id else uow.recordings.by_sid(sid)


def test_the_worker_loop_downloads_transcribes_and_deletes_what_is_due(app, clock, rec_settings):
    store, ear = ObjectStore(), HeardBytes()
    call = new_call_sid()
    assert RecordingService(app.extensions["ivr"].uow, clock).status_reported(call, RECORDING, "completed", URL,
                                                                              "DialVerb", 2)
    old = add_recording(app, clock, "call", WAV, age_days=31, store=store, transcript="old")
    with app.extensions["ivr"].uow() as uow:  # transcribed long ago: only retention concerns it
        uow.recordings.get(old).transcribed_at = clock.now()
        uow.commit()
    jobs = recording_jobs(rec_settings, clock, twilio=FakeTwilio(media={URL + ".wav": WAV}), store=store,
                          recognizers={"ko": ear})
    assert [getattr(job, "__name__", "") for job in jobs] == ["recordings_download", "job", "job"]
    run_forever(build_queue(rec_settings, clock), 0, passes=1, jobs=jobs)
    jobs[1].__self__._worker.join(60)  # the transcripts run in a thread of their own
    kept = row(app, sid=RECORDING)
    assert kept.download_state == "done" and store.objects[kept.store_key] == WAV and kept.file_path == ""
    assert kept.transcript == "환불 문의" and read_audio(WAV).pcm in ear.pcm
    assert row(app, old) is None
    assert [a["target"] for a in app.extensions["ivr"].audit.recent(10, "recording_deleted")] == [str(old)]


def test_without_speech_the_worker_says_so_and_still_downloads_and_deletes(app, clock, rec_settings, caplog):
    caplog.set_level(logging.WARNING, "ivr.bootstrap")
    jobs = recording_jobs(rec_settings, clock, twilio=FakeTwilio(), store=ObjectStore())
    assert [getattr(job, "__name__", "") for job in jobs] == ["recordings_download", "job"]
    assert "worker: recordings are not transcribed here: speech recognition is off (SPEECH=off)" in caplog.text


def test_ivr_worker_runs_the_recording_jobs(app, clock, rec_settings):
    refused = "RE" + "8" * 32
    RecordingService(app.extensions["ivr"].uow, SystemClock()).status_reported(  # the worker runs on the real clock
        new_call_sid(), refused, "completed", "https://media.example.net/" + refused, "DialVerb", 2)
    old = add_recording(app, clock, "voicemail", WAV, age_days=400)  # an older row: a file under RECORDINGS_DIR
    file = app.extensions["ivr"].settings.recordings_dir / row(app, old).file_path
    assert file.exists()
    env = {"DATABASE_URL": rec_settings.database_url, "FLOWS_DIR": str(rec_settings.flows_dir), "SPEECH": "off",
           "RECORDINGS_DIR": str(rec_settings.recordings_dir), "TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC0"}
    result = CliRunner().invoke(main, ["worker", "--interval", "0", "--passes", "1"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert row(app, old) is None and not file.exists()  # retention ran
    failed = row(app, sid=refused)  # the download job ran: a host off the allow-list is never fetched
    assert failed.download_state == "failed" and "media.example.net" in failed.download_error

"""Every reader of recordings goes through the recording store (SQLite and PostgreSQL): with an object store that
has no files and streams that cannot seek (as S3-compatible storage), playback answers ranges with exact bytes,
transcription reads the stored audio, retention deletes the object and only then the row (a store that refuses
keeps the row); the store an operator names in RECORDINGS_STORE is the one built."""
from __future__ import annotations

import pytest

from ivr.bootstrap import call_language, recording_store
from ivr.config import Settings, SettingsError
from recordings.store import LocalRecordingStore, RecordingAudio
from recordings.transcripts import Transcriber
from speech.audio import Audio, read_audio, to_wav
from speech.model import Transcript

from object_store import ObjectStore
from recording_rows import add_recording

WAV = to_wav(Audio(bytes(range(256)) * 64, 8000))


@pytest.fixture
def store():
    return ObjectStore()


@pytest.fixture
def build_overrides(store):
    return {"recording_store": store}


def link(client, recording_id: int) -> str:
    answer = client.get(f"/board/api/recordings/{recording_id}/link")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["url"]


def done(response):
    response.get_data()
    response.close()
    return response


def row(app, recording_id):
    with app.extensions["ivr"].uow() as uow:
        return uow.recordings.get(recording_id)


def test_a_recording_kept_only_in_the_store_plays_whole_and_in_exact_ranges(app, clock, person, store, api):
    kept = add_recording(app, clock, "call", WAV, agent="kim", store=store)
    assert row(app, kept).file_path == "" and row(app, kept).store_key in store.objects
    sue = person("sue")
    url = link(sue, kept)
    whole = done(sue.get(url))
    assert whole.status_code == 200 and whole.data == WAV and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Content-Length"] == str(len(WAV)) and whole.headers["Cache-Control"] == "private, no-store"
    for asked, start, stop in (("bytes=0-99", 0, 100), ("bytes=1000-1999", 1000, 2000), ("bytes=16000-", 16000, len(WAV)),
                               ("bytes=-10", len(WAV) - 10, len(WAV)), ("bytes=16380-99999", 16380, len(WAV))):
        part = done(sue.get(url, headers={"Range": asked}))
        assert part.status_code == 206 and part.data == WAV[start:stop], asked
        assert part.headers["Content-Range"] == f"bytes {start}-{stop - 1}/{len(WAV)}"
        assert part.headers["Content-Length"] == str(stop - start)
    api_part = done(api.get(f"/api/recordings/{kept}/audio", headers={"Range": "bytes=44-143"}))
    assert api_part.status_code == 206 and api_part.data == WAV[44:144]
    played = app.extensions["ivr"].audit.recent(10, "recording_played")
    assert [(a["actor"], a["target"]) for a in played] == [("sue", str(kept))] * 2  # whole, then bytes=0-99
    assert store.opened.count(row(app, kept).store_key) == 7


def test_a_range_past_the_end_is_416_and_several_ranges_or_an_old_if_range_get_the_whole(app, clock, person, store):
    kept = add_recording(app, clock, "voicemail", WAV, store=store)
    sue = person("sue")
    url = link(sue, kept)
    past = done(sue.get(url, headers={"Range": f"bytes={len(WAV)}-"}))
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{len(WAV)}"
    several = done(sue.get(url, headers={"Range": "bytes=0-9,20-29"}))
    assert several.status_code == 200 and several.data == WAV
    stale = done(sue.get(url, headers={"Range": "bytes=0-9", "If-Range": '"an-older-version"'}))
    assert stale.status_code == 200 and stale.data == WAV
    same = done(sue.get(url, headers={"Range": "bytes=0-9", "If-Range": stale.headers["ETag"]}))
    assert same.status_code == 206 and same.data == WAV[:10]


def test_a_stream_of_unknown_length_is_sent_whole_without_promising_ranges(app, clock, person, store):
    kept = add_recording(app, clock, "voicemail", WAV, store=store)
    with app.extensions["ivr"].uow() as uow:
        uow.recordings.get(kept).size_bytes = 0
        uow.commit()
    sue = person("sue")
    answer = done(sue.get(link(sue, kept), headers={"Range": "bytes=0-9"}))
    assert answer.status_code == 200 and answer.data == WAV and "Accept-Ranges" not in answer.headers


def test_a_row_whose_object_is_gone_from_the_store_says_there_is_no_audio(app, clock, person, store):
    kept = add_recording(app, clock, "voicemail", WAV, store=store)
    store.objects.clear()
    sue = person("sue")
    answer = sue.get(link(sue, kept))
    assert answer.status_code == 404 and "the store has none" in answer.get_json()["error"]
    assert app.extensions["ivr"].audit.recent(10, "recording_played") == []


class HeardBytes:
    """A recognizer that keeps the audio it was given (what the transcriber read from the store)."""

    def __init__(self):
        self.pcm = b""

    def transcribe(self, audio, grammar):
        self.pcm += audio.pcm
        return Transcript("환불 문의", 0.8)


def test_transcription_reads_the_audio_from_the_store(app, clock, store):
    kept = add_recording(app, clock, "voicemail", WAV, store=store)
    services, ear = app.extensions["ivr"], HeardBytes()
    work = Transcriber(services.uow, clock, {"ko": ear}, call_language, RecordingAudio(store, services.settings.recordings_dir))
    assert work.transcribe_due() == 1
    assert ear.pcm == read_audio(WAV).pcm and row(app, kept).transcript == "환불 문의"


def test_retention_deletes_the_object_then_the_row_and_a_refusing_store_keeps_the_row(app, clock, store, caplog):
    old = add_recording(app, clock, "call", WAV, age_days=31, store=store)
    young = add_recording(app, clock, "call", WAV, age_days=1, store=store)
    key = row(app, old).store_key
    retention = app.extensions["ivr"].retention
    store.refuse_deletes = True
    caplog.set_level("WARNING", "recordings.retention")
    assert retention.enforce() == []
    assert row(app, old) is not None and key in store.objects
    assert f"recording {old} not deleted, its audio {key} stays: the object store answered HTTP 503" in caplog.text
    assert app.extensions["ivr"].audit.recent(10, "recording_deleted") == []
    store.refuse_deletes = False
    assert [gone["id"] for gone in retention.enforce()] == [old]
    assert row(app, old) is None and key not in store.objects
    assert row(app, young) is not None and row(app, young).store_key in store.objects


def test_an_older_row_with_only_a_file_path_still_plays_and_is_deleted_beside_store_rows(app, clock, person, store):
    older = add_recording(app, clock, "voicemail", WAV, age_days=100)  # a file under RECORDINGS_DIR, no store_key
    services = app.extensions["ivr"]
    file = RecordingAudio(store, services.settings.recordings_dir).file(row(app, older).file_path)
    sue = person("sue")
    part = done(sue.get(link(sue, older), headers={"Range": "bytes=10-19"}))
    assert part.status_code == 206 and part.data == WAV[10:20] and store.opened == []
    assert [gone["id"] for gone in services.retention.enforce()] == [older] and not file.exists()


def test_the_store_named_in_recordings_store_is_the_one_built(tmp_path):
    assert isinstance(recording_store(Settings.from_env({}, recordings_dir=tmp_path)), LocalRecordingStore)
    named = Settings.from_env({"RECORDINGS_STORE": "object_store:from_settings", "RECORDINGS_DIR": str(tmp_path)})
    assert isinstance(recording_store(named), ObjectStore)
    with pytest.raises(SettingsError, match="name a factory as package.module:function"):
        Settings.from_env({"RECORDINGS_STORE": "s3 please"})
    with pytest.raises(SettingsError, match="could not make the recording store: ModuleNotFoundError"):
        recording_store(Settings.from_env({"RECORDINGS_STORE": "no_such_module:make"}))
    with pytest.raises(SettingsError, match="the store has no put, open, delete, exists"):
        recording_store(Settings.from_env({"RECORDINGS_STORE": "object_store:not_a_store"}))

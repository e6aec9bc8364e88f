"""Transcripts (a real espeak-ng voicemail through the real Korean vosk model, retries with a cap), search by
transcript, and retention that deletes only what is due and never a held recording."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ivr.bootstrap import call_language
from recordings.store import RecordingAudio
from recordings.transcripts import MAX_TRIES, Transcriber
from speech.audio import Audio, silence, to_wav

from recording_rows import add_recording


def transcriber(app, clock, recognizers) -> Transcriber:
    services = app.extensions["ivr"]
    return Transcriber(services.uow, clock, recognizers, call_language,
                       RecordingAudio(None, services.settings.recordings_dir))


def row(app, recording_id):
    with app.extensions["ivr"].uow() as uow:
        return uow.recordings.get(recording_id)


def test_a_spoken_voicemail_is_transcribed_offline_and_found_by_its_words(app, clock, api, korean_model, refund_wav):
    voicemail = add_recording(app, clock, "voicemail", refund_wav)
    assert transcriber(app, clock, {"ko": korean_model}).transcribe_due() == 1
    done = row(app, voicemail)
    assert done.transcript and done.transcript_language == "ko" and done.transcribed_at == clock.now()
    assert 0.0 < done.transcript_confidence <= 1.0
    word = done.transcript.split()[0]
    found = api.get("/api/recordings", query_string={"q": word}).get_json()
    assert [r["id"] for r in found["recordings"]] == [voicemail] and found["recordings"][0]["transcript"] == done.transcript
    assert transcriber(app, clock, {"ko": korean_model}).due() == []  # done once, not again


def test_search_is_a_case_insensitive_substring_with_like_characters_taken_literally(app, clock, api):
    refund = add_recording(app, clock, "voicemail", transcript="환불 문의입니다")
    call = add_recording(app, clock, "call", transcript="Refund of 50% please", age_days=3)
    add_recording(app, clock, "voicemail", transcript="배송 조회")
    add_recording(app, clock, "voicemail", transcript="5000 won")

    def ids(**query):
        return [r["id"] for r in api.get("/api/recordings", query_string=query).get_json()["recordings"]]

    assert ids(q="환불") == [refund]
    assert ids(q="REFUND") == [call] and ids(q="50%") == [call] and ids(q="_") == []
    assert ids(q="환불", kind="call") == [] and ids(kind="call") == [call]
    day = clock.now().date()
    assert ids(q="e", **{"from": str(day - timedelta(days=4)), "to": str(day - timedelta(days=2))}) == [call]
    page = api.get("/api/recordings", query_string={"limit": 2, "offset": 2}).get_json()
    assert page["total"] == 4 and len(page["recordings"]) == 2
    assert api.get("/api/recordings", query_string={"kind": "fax"}).status_code == 400
    assert api.get("/api/recordings", query_string={"from": "yesterday"}).status_code == 400


def test_a_recording_that_cannot_be_read_is_tried_again_later_then_given_up(app, clock, korean_model):
    broken = add_recording(app, clock, "voicemail", b"not a wav file at all")
    work = transcriber(app, clock, {"ko": korean_model})
    assert work.transcribe_due() == 0
    first = row(app, broken)
    assert first.transcribe_tries == 1 and first.transcribe_error and first.transcribe_after > clock.now()
    assert work.due() == []  # not before its retry time
    for _ in range(MAX_TRIES - 1):
        clock.current = row(app, broken).transcribe_after
        assert work.due() == [broken] and work.transcribe_due() == 0
    clock.current += timedelta(days=30)
    assert row(app, broken).transcribe_tries == MAX_TRIES and work.due() == []


def test_a_call_in_a_language_without_a_model_is_not_transcribed_and_says_why(app, clock):
    voicemail = add_recording(app, clock, "voicemail", to_wav(Audio(b"\0\0" * 800, 8000)))
    transcriber(app, clock, {}).transcribe_due()
    assert "no speech model loaded for language 'ko'" in row(app, voicemail).transcribe_error


def test_retention_deletes_only_what_is_due_and_never_a_held_recording(app, clock, caplog):
    wav = to_wav(silence(0.1))
    old_voicemail = add_recording(app, clock, "voicemail", wav, age_days=91)
    young_voicemail = add_recording(app, clock, "voicemail", wav, age_days=89)
    old_call = add_recording(app, clock, "call", wav, age_days=31)
    held_call = add_recording(app, clock, "call", wav, age_days=400, held=True)
    young_call = add_recording(app, clock, "call", age_days=29)
    services = app.extensions["ivr"]
    folder = RecordingAudio(None, services.settings.recordings_dir)
    files = {i: folder.file(row(app, i).file_path) for i in (old_voicemail, old_call, held_call)}
    caplog.set_level("INFO", "recordings.retention")
    deleted = services.retention.enforce()
    assert sorted(d["id"] for d in deleted) == sorted([old_voicemail, old_call])
    assert [row(app, i) is None for i in (old_voicemail, young_voicemail, old_call, held_call, young_call)] == [
        True, False, True, False, False]
    assert not files[old_voicemail].exists() and not files[old_call].exists() and files[held_call].exists()
    assert f"deleted voicemail recording {old_voicemail}" in caplog.text and f"deleted call recording {old_call}" in caplog.text
    audited = services.audit.recent(10, "recording_deleted")
    assert sorted(int(a["target"]) for a in audited) == sorted([old_voicemail, old_call])
    assert services.retention.enforce() == []  # nothing else is due

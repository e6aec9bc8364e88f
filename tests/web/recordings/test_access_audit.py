"""Who may list and play recordings, the audit row of every play and download, HTTP ranges, and signed links that
expire, cannot be forged and work only for the person they were made for."""
from __future__ import annotations

from datetime import timedelta

import pytest

from speech.audio import Audio, to_wav

from recording_rows import add_recording, csrf

WAV = to_wav(Audio(bytes(range(256)) * 64, 8000))


def link(client, recording_id: int) -> str:
    answer = client.get(f"/board/api/recordings/{recording_id}/link")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["url"]


def done(response):
    """The answer read whole and closed (a file answer left open warns later)."""
    response.get_data()
    response.close()
    return response


def audits(app, action):
    return app.extensions["ivr"].audit.recent(100, action)


def test_supervisors_and_admins_list_every_recording_agents_only_the_calls_they_answered(app, clock, person):
    kims = add_recording(app, clock, "call", agent="kim")
    lees = add_recording(app, clock, "call", agent="lee")
    voicemail = add_recording(app, clock)
    for who in ("sue", "ann"):
        listed = person(who).get("/board/api/recordings").get_json()
        assert {r["id"] for r in listed["recordings"]} == {kims, lees, voicemail} and listed["total"] == 3
    assert [r["id"] for r in person("kim").get("/board/api/recordings").get_json()["recordings"]] == [kims]


def test_an_agent_cannot_open_another_agents_call(app, clock, person):
    lees = add_recording(app, clock, "call", WAV, agent="lee")
    kim = person("kim")
    assert kim.get(f"/board/api/recordings/{lees}/link").status_code == 404
    lee_link = link(person("lee"), lees)
    assert kim.get(lee_link).status_code == 403  # a link made for lee is refused to kim
    assert audits(app, "recording_played") == []


def test_without_a_session_or_the_token_nothing_is_listed_or_played(app, clock, person):
    row = add_recording(app, clock, "call", WAV, agent="kim")
    url = link(person("sue"), row)
    stranger = app.test_client()
    assert stranger.get("/board/api/recordings").status_code == 401
    assert stranger.get(url).status_code == 303 and "/login" in stranger.get(url).headers["Location"]
    assert stranger.get("/api/recordings").status_code == 401
    assert stranger.get(f"/api/recordings/{row}/audio").status_code == 401
    assert stranger.get(f"/api/recordings/{row}/audio", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert audits(app, "recording_played") == [] and audits(app, "recording_downloaded") == []


def test_a_play_writes_who_when_and_which_to_the_audit_log(app, clock, person):
    row = add_recording(app, clock, "call", WAV, agent="kim")
    kim = person("kim")
    answer = done(kim.get(link(kim, row)))
    assert answer.status_code == 200 and answer.data == WAV and answer.headers["Accept-Ranges"] == "bytes"
    played = audits(app, "recording_played")
    assert [(a["actor"], a["target"], a["detail"]["kind"], a["at"]) for a in played] == [
        ("kim", str(row), "call", clock.now().isoformat())]


def test_a_download_through_the_page_and_the_token_api_is_audited(app, clock, person, api):
    row = add_recording(app, clock, "voicemail", WAV)
    sue = person("sue")
    answer = done(sue.get(link(sue, row) + "?download=1"))
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    assert done(api.get(f"/api/recordings/{row}/audio")).data == WAV
    assert [(a["actor"], a["target"]) for a in reversed(audits(app, "recording_downloaded"))] == [
        ("sue", str(row)), ("api-token", str(row))]


def test_a_range_request_gets_206_with_exactly_those_bytes_and_a_seek_is_not_a_new_play(app, clock, person):
    row = add_recording(app, clock, "call", WAV, agent="kim")
    kim = person("kim")
    url = link(kim, row)
    first = done(kim.get(url, headers={"Range": "bytes=0-99"}))
    assert first.status_code == 206 and first.data == WAV[:100]
    assert first.headers["Content-Range"] == f"bytes 0-99/{len(WAV)}"
    seek = done(kim.get(url, headers={"Range": "bytes=1000-1999"}))
    assert seek.status_code == 206 and seek.data == WAV[1000:2000]
    assert len(audits(app, "recording_played")) == 1


def test_the_token_api_answers_ranges_too(app, clock, api):
    row = add_recording(app, clock, "voicemail", WAV)
    answer = done(api.get(f"/api/recordings/{row}/audio", headers={"Range": "bytes=44-"}))
    assert answer.status_code == 206 and answer.data == WAV[44:]


def test_an_expired_link_is_refused(app, clock, person):
    row = add_recording(app, clock, "call", WAV, agent="kim")
    kim = person("kim")
    url = link(kim, row)
    clock.current = clock.now() + timedelta(seconds=app.extensions["ivr"].settings.recordings_link_ttl_s + 1)
    assert kim.get(url).status_code == 403


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),   # signature changed
    lambda token: "x" + token,                                                 # payload changed
    lambda token: "1",                                                         # a guessed sequential id
])
def test_a_forged_or_guessed_link_is_refused(app, clock, person, tamper):
    row = add_recording(app, clock, "call", WAV, agent="kim")
    kim = person("kim")
    token = link(kim, row).split("/")[2]
    assert kim.get(f"/recordings/{tamper(token)}/audio").status_code == 403
    assert audits(app, "recording_played") == []


def test_a_link_for_a_recording_without_local_audio_says_so(app, clock, person):
    row = add_recording(app, clock, "voicemail")
    sue = person("sue")
    answer = sue.get(link(sue, row))
    assert answer.status_code == 404 and "no local audio" in answer.get_json()["error"]


def test_legal_hold_is_set_and_cleared_by_supervisors_and_audited(app, clock, person, api):
    row = add_recording(app, clock)
    sue = person("sue")
    answer = sue.post(f"/board/api/recordings/{row}/hold", json={"hold": True}, headers=csrf(sue))
    assert answer.status_code == 200 and answer.get_json()["legal_hold"] is True
    assert api.post(f"/api/recordings/{row}/hold", json={"hold": False}).get_json()["legal_hold"] is False
    assert api.post(f"/api/recordings/{row}/hold", json={"hold": "yes"}).status_code == 400
    kim = person("kim")
    assert kim.post(f"/board/api/recordings/{row}/hold", json={"hold": True}, headers=csrf(kim)).status_code == 403
    assert [(a["actor"], a["action"]) for a in reversed(audits(app, None)) if "legal_hold" in a["action"]] == [
        ("sue", "legal_hold_set"), ("api-token", "legal_hold_cleared")]

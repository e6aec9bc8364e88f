"""Supervisors edit flows while calls run: good edits go live, broken ones never reach a caller."""
from __future__ import annotations

import os
import shutil
from dataclasses import replace

import pytest
from helpers import TwilioClient, new_call_sid, said, twiml

from ivr.web import create_app

WELCOME = "안녕하세요, 고객센터입니다."


@pytest.fixture
def flows(tmp_path, settings):
    folder = tmp_path / "flows"
    shutil.copytree(settings.flows_dir, folder, ignore=shutil.ignore_patterns("tests", "schema"))
    return folder


@pytest.fixture
def live(settings, clock, flows):
    app = create_app(replace(settings, flows_dir=flows, reload_interval_s=0.001), clock)
    yield app, TwilioClient(app.test_client())
    app.extensions["ivr"].engine.dispose()


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    stat = path.stat()  # make sure the change is seen even within one mtime tick
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_a_valid_edit_reaches_the_next_caller(live, flows):
    app, twilio = live
    edit(flows / "main.yaml", WELCOME, "새 인사말입니다.")
    assert said(twiml(twilio.start(new_call_sid())))[0] == "새 인사말입니다."


def test_a_broken_edit_keeps_the_last_good_version_and_shows_in_api_flows(live, flows):
    app, twilio = live
    version = app.extensions["ivr"].catalog.current["main"].flow.version
    edit(flows / "main.yaml", "    next: office_hours", "    next: ofice_hours")
    assert said(twiml(twilio.start(new_call_sid())))[0] == WELCOME
    body = app.test_client().get("/api/flows", headers={"Authorization": "Bearer api-token"}).get_json()
    main = [f for f in body["flows"] if f["name"] == "main"][0]
    assert main["version"] == version and main["status"] == "serving last good version; the file has errors"
    assert [p["text"] for p in body["problems"]["main.yaml"]] == [  # files relative to FLOWS_DIR: no server paths
        "main.yaml:25:11: node 'language' leads to 'ofice_hours', which is not defined"]


def test_a_call_in_progress_keeps_its_version_through_an_edit(live, flows):
    app, twilio = live
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    edit(flows / "main.yaml", "Please enter your order number, then press pound.", "Key in the order number.")
    assert said(twiml(twilio.press(sid, "main_menu", "1"))) == ["Please enter your order number, then press pound."]
    other = new_call_sid()
    twilio.start(other)
    twilio.press(other, "choose_language/choose", "2")
    assert said(twiml(twilio.press(other, "main_menu", "1"))) == ["Key in the order number."]


def test_every_version_served_is_listed_with_its_time_and_file(live, flows):
    app, twilio = live
    edit(flows / "main.yaml", WELCOME, "두 번째 판입니다.")
    twilio.start(new_call_sid())
    body = app.test_client().get("/api/flows", headers={"Authorization": "Bearer api-token"}).get_json()
    mains = [v for v in body["versions"] if v["name"] == "main"]
    assert len(mains) == 2 and {v["file"] for v in mains} == {"main.yaml"}


def test_a_broken_subflow_keeps_its_callers_on_the_last_good_version(live, flows):
    app, twilio = live
    edit(flows / "choose_language.yaml", "kind: return", "kind: retrun")
    root = twiml(twilio.start(new_call_sid()))
    assert said(root) == [WELCOME, "한국어는 1번을 누르세요. For English, press 2."]
    assert str(flows / "choose_language.yaml") in app.extensions["ivr"].catalog.problems


def test_a_new_flow_file_is_picked_up_and_a_deleted_one_stops_answering(live, flows):
    app, twilio = live
    (flows / "sales.yaml").write_text('name: sales\nnumbers: ["+18005550111"]\nstart: s\nnodes:\n  s: {kind: hangup, prompt: 영업}\n')
    assert said(twiml(twilio.post("/voice", twilio_to(new_call_sid(), "+18005550111")))) == ["영업"]
    (flows / "sales.yaml").unlink()
    assert said(twiml(twilio.post("/voice", twilio_to(new_call_sid(), "+18005550111"))))[0] == WELCOME


def twilio_to(sid, number):
    from helpers import twilio_params
    return twilio_params(sid, To=number, Called=number, CallStatus="ringing")

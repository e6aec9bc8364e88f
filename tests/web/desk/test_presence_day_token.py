"""Break reasons, an agent's day from a scripted day, the browser-phone token (decoded) and why it is off; the
sensitive gather masked on the card. SQLite and PostgreSQL where the database is involved."""
from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from fakes import FakeTwilio
from helpers import TwilioClient, new_call_sid, twiml

from ivr.web import create_app

from desk_calls import FLOWS, desk_settings
from desk_calls import DeskCalls


def test_a_break_carries_a_reason_from_the_list_and_a_bad_reason_is_refused(desk):
    reply = desk.status("kim", "break", "lunch")
    assert reply.status_code == 200 and reply.get_json()["status_reason"] == "lunch"
    agent = desk.service.state("kim")["agent"]
    assert (agent["status"], agent["reason"], agent["reason_labels"]) == ("break", "lunch", {"ko": "식사", "en": "Lunch"})
    bad = desk.status("kim", "break", "nap")
    assert bad.status_code == 400 and "lunch, training, meeting, rest" in bad.get_json()["error"]
    assert desk.status("kim", "available", "lunch").status_code == 400
    assert desk.api.post("/api/agents/kim/status", json={"status": "break", "reason": 3}).status_code == 400
    assert desk.status("kim", "available").get_json()["status_reason"] is None
    assert [r["code"] for r in desk.service.state("kim")["break_reasons"]] == ["lunch", "training", "meeting", "rest"]


def test_my_day_adds_up_a_scripted_day(desk, clock):
    # The fake clock starts on Monday 10:00 in Seoul; the day began at 00:00 there (15:00 UTC the day before).
    start_of_day_s = 10 * 3600
    desk.status("kim", "available")
    clock.advance(60)
    sid, entry = desk.korean_order_to_billing()
    clock.advance(5)
    desk.offered(sid, entry)               # reserved
    clock.advance(3)
    desk.talk(sid, entry, 120)             # answered now (busy 120 s, reserved 3 s), then wrap-up
    clock.advance(10)
    desk.service.wrap_up("kim", entry, "resolved", "", ready=True)   # wrap-up 10 s
    clock.advance(40)
    desk.status("kim", "break", "lunch")
    clock.advance(1800)
    desk.status("kim", "break", "rest")
    clock.advance(300)
    desk.status("kim", "available")
    clock.advance(20)
    day = desk.service.my_day("kim")
    assert (day["date"], day["timezone"], day["calls_handled"], day["calls_completed"]) == ("2026-03-02", "Asia/Seoul", 1, 1)
    assert (day["average_talk_s"], day["average_handle_s"]) == (120.0, 130.0)
    states = day["time_in_state_s"]
    assert states["offline"] == start_of_day_s
    assert states["reserved"] == 3 and states["busy"] == 120 and states["wrap_up"] == 10
    assert states["break"] == 2100 and day["break_reasons_s"] == {"lunch": 1800, "rest": 300}
    assert states["available"] == 60 + 5 + 40 + 20
    assert sum(states.values()) == start_of_day_s + 60 + 5 + 3 + 120 + 10 + 40 + 1800 + 300 + 20


def test_yesterdays_status_carries_into_today_and_is_cut_at_midnight(desk, clock):
    clock.current = clock.current - timedelta(hours=11)   # Sunday 23:00 in Seoul
    desk.status("kim", "break", "meeting")
    clock.advance(2 * 3600)                               # Monday 01:00
    day = desk.service.my_day("kim")
    assert day["date"] == "2026-03-02" and day["time_in_state_s"]["break"] == 3600
    assert day["break_reasons_s"] == {"meeting": 3600} and day["calls_handled"] == 0 and day["average_handle_s"] is None


SECRET = "x" * 32  # an API key secret is 32 characters
TWILIO_ENV = {"twilio_account_sid": "AC" + "1" * 32, "twilio_api_key": "SK" + "2" * 32,
              "twilio_api_secret": SECRET, "twilio_twiml_app_sid": "AP" + "3" * 32, "desk_token_ttl_s": 600}


@pytest.fixture
def phone_app(tmp_path, clock):
    app = create_app(desk_settings(f"sqlite:///{tmp_path}/ivr.sqlite3", tmp_path, **TWILIO_ENV), clock, FakeTwilio())
    yield app
    app.extensions["ivr"].engine.dispose()


def test_a_browser_agent_gets_a_voice_token_for_their_client_name(phone_app, clock):
    token = phone_app.extensions["ivr"].desk.token("kim")
    assert (token["enabled"], token["identity"], token["ttl_s"]) == (True, "kim", 600)
    claims = jwt.decode(token["token"], SECRET, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False})
    issued = int(clock.now().timestamp())
    assert (claims["iss"], claims["sub"], claims["nbf"], claims["exp"]) == ("SK" + "2" * 32, "AC" + "1" * 32, issued, issued + 600)
    assert claims["grants"] == {"identity": "kim", "voice": {"incoming": {"allow": True},
                                                            "outgoing": {"application_sid": "AP" + "3" * 32}}}
    assert jwt.get_unverified_header(token["token"])["cty"] == "twilio-fpa;v=1"


def test_a_phone_agent_answers_on_the_phone(phone_app):
    token = phone_app.extensions["ivr"].desk.token("park")
    assert token == {"enabled": False, "code": "phone", "reason": {"ko": "전화 +821012345678(으)로 받습니다",
                                                                   "en": "answers on the phone +821012345678"}}


def test_without_the_settings_browser_calling_is_off_and_says_which_is_missing(desk):
    token = desk.service.token("kim")
    assert token["enabled"] is False and token["code"] == "settings"
    assert token["reason"]["en"] == ("browser calling is off: TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET, "
                                     "TWILIO_TWIML_APP_SID are not set")
    assert token["reason"]["ko"].startswith("브라우저 통화가 꺼져 있습니다: TWILIO_ACCOUNT_SID")


def test_only_the_api_key_missing_is_named(tmp_path, clock):
    settings = desk_settings(f"sqlite:///{tmp_path}/ivr.sqlite3", tmp_path, **{**TWILIO_ENV, "twilio_api_key": ""})
    app = create_app(settings, clock, FakeTwilio())
    try:
        assert app.extensions["ivr"].desk.token("kim")["reason"]["en"] == "browser calling is off: TWILIO_API_KEY is not set"
    finally:
        app.extensions["ivr"].engine.dispose()


PIN_FLOW = """\
name: pin
default: true
languages: [ko]
start: pin
nodes:
  pin:
    kind: gather
    prompt: "비밀번호 네 자리를 누르세요."
    variable: pin
    num_digits: 4
    sensitive: true
    next: billing
  billing:
    kind: enqueue
    queue: billing
    carry: [pin]
"""


def test_a_sensitive_value_shows_masked_on_the_card_and_is_never_opened(database_url, tmp_path, clock):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "pin.yaml").write_text(PIN_FLOW, encoding="utf-8")
    for name in ("queues.yaml", "agents.yaml"):
        (flows / name).write_text((FLOWS / name).read_text(encoding="utf-8"), encoding="utf-8")
    app = create_app(desk_settings(database_url, tmp_path, flows=flows), clock, FakeTwilio())
    try:
        desk = DeskCalls(app, TwilioClient(app.test_client()), clock)
        desk.status("kim", "available")
        sid = new_call_sid()
        desk.twilio.start(sid)
        root = twiml(desk.twilio.press(sid, "pin", "4938"))
        entry = int(root.find("Enqueue").attrib["waitUrl"].rsplit("=", 1)[1])
        desk.offered(sid, entry)
        card = desk.service.caller_card(sid, "kim")
        assert card["entered"] == [{"name": "pin", "value": "****", "sensitive": True}]
        assert card["variables"]["pin"] == "****"
        assert "4938" not in repr(card)
    finally:
        app.extensions["ivr"].engine.dispose()

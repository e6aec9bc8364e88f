"""Twilio webhooks through Flask's client, with Twilio's exact parameters, signed and forged."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import urlencode

from helpers import TOKEN, TwilioClient, new_call_sid, said, twilio_params, twiml, verbs
from twilio.request_validator import RequestValidator

from ivr.web import create_app

GREETING = "안녕하세요, 고객센터입니다."
LANGUAGE_PROMPT = "한국어는 1번을 누르세요. For English, press 2."
APOLOGY_KO = "죄송합니다. 일시적인 문제로 안내를 계속할 수 없습니다."


def test_incoming_call_answers_greeting_and_language_menu(twilio):
    root = twiml(twilio.start(new_call_sid()))
    assert verbs(root) == ["Say", "Gather", "Redirect"]
    assert said(root) == [GREETING, LANGUAGE_PROMPT]
    gather = root.find("Gather")
    assert gather.attrib == {"action": "http://localhost/voice/step?node=choose_language%2Fchoose", "method": "POST", "input": "dtmf",
                             "numDigits": "1", "timeout": "4", "finishOnKey": ""}
    assert root.find("Say").attrib["language"] == "ko-KR"
    assert root.find("Redirect").text == "http://localhost/voice/step?node=choose_language%2Fchoose"


def test_pressing_two_switches_to_english_main_menu(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    root = twiml(twilio.press(sid, "choose_language/choose", "2", FinishedOnKey=""))
    assert said(root)[0].startswith("For delivery status, press 1.")
    assert root.find("Gather/Say").attrib["language"] == "en-US"
    assert root.find("Gather").attrib["action"] == "http://localhost/voice/step?node=main_menu"


def test_order_number_is_read_back_digit_by_digit(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
    twilio.press(sid, "main_menu", "1")
    root = twiml(twilio.press(sid, "order_number", "12345", FinishedOnKey="#"))
    # The http node asked the demo order service (same process) and the answer is read back.
    assert said(root)[0] == "주문 번호 1 2 3 4 5번은 상품 준비 중이며, 2026년 3월 4일 도착 예정입니다."


def test_agent_option_files_the_caller_in_the_general_queue_with_a_wait_url(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    root = twiml(twilio.press(sid, "main_menu", "0"))
    assert verbs(root) == ["Say", "Enqueue"]
    assert root.find("Enqueue").text == "general"
    assert root.find("Enqueue").attrib == {"action": "http://localhost/voice/queue/left?node=agent", "method": "POST",
                                           "waitUrl": "http://localhost/voice/queue/wait?entry=1", "waitUrlMethod": "POST"}


def test_a_caller_past_the_max_wait_is_offered_voicemail(twilio, clock):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    twilio.press(sid, "main_menu", "0")
    clock.advance(301)
    wait = twiml(twilio.post("/voice/queue/wait?entry=1", twilio_params(sid, QueuePosition="1")))
    assert verbs(wait) == ["Leave"]
    root = twiml(twilio.post("/voice/queue/left?node=agent", twilio_params(sid, QueueResult="leave", QueueTime="301")))
    assert said(root) == ["All our agents are busy right now. To leave a message, press 1. To end the call, press 2."]
    assert root.find("Gather").attrib["action"] == "http://localhost/voice/step?node=agents_busy"


def test_forged_signature_is_refused_with_403(twilio, caplog):
    response = twilio.post("/voice", twilio_params(new_call_sid()), signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
    assert "forged or unsigned webhook refused" in caplog.text


def test_unsigned_request_is_refused_with_403(twilio):
    assert twilio.post("/voice", twilio_params(new_call_sid()), sign=False).status_code == 403


def test_signature_over_other_parameters_is_refused(twilio):
    sid = new_call_sid()
    good = twilio_params(sid)
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/voice", good)
    tampered = {**good, "From": "+15550000000"}
    assert twilio.post("/voice", tampered, signature=signature).status_code == 403


def test_signature_checked_against_public_url_behind_a_proxy(settings, clock):
    app = create_app(replace(settings, public_base_url="https://ivr.example.com"), clock)
    client = app.test_client()
    params = twilio_params(new_call_sid())
    signature = RequestValidator(TOKEN).compute_signature("https://ivr.example.com/voice", params)
    assert client.post("/voice", data=params, headers={"X-Twilio-Signature": signature}).status_code == 200
    local = RequestValidator(TOKEN).compute_signature("http://localhost/voice", params)
    assert client.post("/voice", data=params, headers={"X-Twilio-Signature": local}).status_code == 403


def test_get_webhooks_are_signed_over_the_query_string(twilio):
    query = urlencode(twilio_params(new_call_sid()))
    signature = RequestValidator(TOKEN).compute_signature(f"http://localhost/voice?{query}", {})
    response = twilio.client.get(f"/voice?{query}", headers={"X-Twilio-Signature": signature})
    assert said(twiml(response)) == [GREETING, LANGUAGE_PROMPT]


def test_development_mode_without_token_accepts_unsigned_requests(settings, clock, caplog):
    app = create_app(replace(settings, twilio_auth_token=""), clock)
    assert "DEVELOPMENT MODE" in caplog.text
    response = app.test_client().post("/voice", data=twilio_params(new_call_sid()))
    assert said(twiml(response)) == [GREETING, LANGUAGE_PROMPT]


def test_junk_digits_get_the_invalid_prompt(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
    root = twiml(twilio.press(sid, "main_menu", "<script>"))
    assert said(root)[0] == "죄송합니다, 없는 번호입니다. 다시 선택해 주세요."


def test_no_digits_is_no_input(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "1")
    root = twiml(twilio.press(sid, "main_menu", None))
    assert said(root)[0] == "입력이 없었습니다. 다시 안내해 드리겠습니다."


def test_missing_call_sid_gets_400_with_valid_twiml(twilio):
    params = twilio_params("x")
    del params["CallSid"]
    response = twilio.post("/voice", params)
    assert response.status_code == 400 and response.mimetype == "text/xml"
    assert said(twiml_any(response))[0] == APOLOGY_KO


def test_follow_up_for_unknown_call_starts_the_flow_afresh(twilio, caplog):
    root = twiml(twilio.press(new_call_sid(), "main_menu", "1"))
    assert said(root) == [GREETING, LANGUAGE_PROMPT]
    assert "unknown call" in caplog.text


def test_stale_answer_for_another_node_repeats_the_current_question(twilio):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    root = twiml(twilio.press(sid, "choose_language/choose", "1"))  # a late duplicate of the first answer
    assert root.find("Gather").attrib["action"] == "http://localhost/voice/step?node=main_menu"
    assert said(root) == ["Delivery 1, billing 2, support 3, agent 0."]  # asked again: the short prompt


def test_repeated_incoming_request_does_not_restart_the_call(twilio, api):
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    root = twiml(twilio.start(sid))
    assert said(root) == ["Delivery 1, billing 2, support 3, agent 0."]
    assert api.get(f"/api/calls/{sid}").get_json()["language"] == "en"


def test_exception_inside_a_webhook_answers_fallback_with_dial(settings, clock, caplog):
    app = create_app(replace(settings, fallback_number="+15559990000"), clock)
    client = TwilioClient(app.test_client())
    app.extensions["ivr"].catalog.current.clear()  # no flow can answer: NoFlowError inside the service
    sid = new_call_sid()
    root = twiml(client.start(sid))
    assert said(root)[0] == APOLOGY_KO and verbs(root) == ["Say", "Say", "Dial", "Hangup"]
    assert root.find("Dial").text == "+15559990000"
    assert f"CallSid={sid}" in caplog.text


def test_database_down_answers_the_fallback_not_an_error(settings, clock, caplog):
    app = create_app(replace(settings, database_url="postgresql://nobody@127.0.0.1:1/none"), clock)
    root = twiml(TwilioClient(app.test_client()).start(new_call_sid()))
    assert said(root)[0] == APOLOGY_KO and verbs(root)[-1] == "Hangup"
    assert "could not be upgraded" in caplog.text


def test_missing_sqlite_directory_answers_the_fallback(settings, clock, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    app = create_app(replace(settings, database_url=f"sqlite:///{blocker}/db.sqlite3"), clock)
    root = twiml(TwilioClient(app.test_client()).start(new_call_sid()))
    assert said(root)[0] == APOLOGY_KO


def twiml_any(response):
    return ET.fromstring(response.get_data())

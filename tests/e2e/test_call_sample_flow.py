"""The sample flow (flows/main.yaml) called end to end in-process through the simulator, every request signed."""
from __future__ import annotations

import re
from dataclasses import replace

from ivr.sim import run_call

GREETING = "안녕하세요, 고객센터입니다."
LANGUAGE_PROMPT = "한국어는 1번을 누르세요. For English, press 2."
MENU_KO = "배송 조회는 1번, 요금 및 환불은 2번, 기술 지원은 3번, 상담원 연결은 0번, 다시 듣기는 9번을 누르세요."
MENU_EN = ("For delivery status, press 1. For billing and refunds, press 2. For technical support, press 3. "
           "To speak to an agent, press 0. To hear these options again, press 9.")
INVALID_KO = "죄송합니다, 없는 번호입니다. 다시 선택해 주세요."
NO_INPUT_KO = "입력이 없었습니다. 다시 안내해 드리겠습니다."
ORDER_KO = "주문 번호를 입력하신 후 우물 정자를 눌러 주세요."
ORDER_EN = "Please enter your order number, then press pound."
READ_BACK_KO = "주문 번호 1 2 3 4 5번을 조회하겠습니다. 배송 정보는 문자로 보내 드리겠습니다."
READ_BACK_EN = "You entered order number 1 2 3 4 5. We will text you its delivery status."
ANYTHING_ELSE_KO = "처음으로 돌아가려면 1번, 통화를 마치려면 2번을 누르세요."
ANYTHING_ELSE_EN = "To return to the main menu, press 1. To end the call, press 2."
AGENT_KO = "상담원에게 연결해 드리겠습니다."
AGENT_EN = "Connecting you to an agent."
BUSY_EN = "All our agents are busy right now. Please call again later."
GOODBYE_KO = "이용해 주셔서 감사합니다. 안녕히 계세요."
GOODBYE_EN = "Thank you for calling. Goodbye."


def test_korean_caller_hears_order_number_read_back_and_goodbye(transport, signed):
    result = run_call(transport, ["1", "1", "12345#", "2"], options=signed)
    assert result.error is None
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, MENU_KO, ORDER_KO, READ_BACK_KO, ANYTHING_ELSE_KO,
                                 GOODBYE_KO]
    assert result.lines[:4] == [f"🔊 [ko-KR] {GREETING}", f"🔊 [ko-KR] {LANGUAGE_PROMPT}", "⌨ caller presses 1",
                                f"🔊 [ko-KR] {MENU_KO}"]
    assert "⌨ caller presses 12345#" in result.lines
    assert result.lines[-2:] == ["☎ hangup", f"✔ status callback completed ({result.duration_s} s) -> HTTP 204"]
    assert (result.ended_normally, result.end_reason) == (True, "hangup")


def test_english_caller_hears_order_number_read_back_and_goodbye(transport, signed):
    result = run_call(transport, ["2", "1", "12345#", "2"], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, MENU_EN, ORDER_EN, READ_BACK_EN, ANYTHING_ELSE_EN,
                                 GOODBYE_EN]
    assert f"🔊 [en-US] {READ_BACK_EN}" in result.lines
    assert (result.ended_normally, result.end_reason) == (True, "hangup")


def test_requests_carry_twilios_parameters_ringing_first_then_in_progress(transport, signed):
    result = run_call(transport, ["1", "1", "12345#", "2"], options=signed)
    first, *rest = result.requests
    assert re.fullmatch(r"CA[0-9a-f]{32}", first.params["CallSid"])
    assert re.fullmatch(r"AC[0-9a-f]{32}", first.params["AccountSid"])
    assert {k: first.params[k] for k in ("From", "Caller", "To", "Called", "Direction", "ApiVersion", "CallStatus")} == {
        "From": "+821012345678", "Caller": "+821012345678", "To": "+18005550100", "Called": "+18005550100",
        "Direction": "inbound", "ApiVersion": "2010-04-01", "CallStatus": "ringing"}
    assert [r.params["CallStatus"] for r in rest] == ["in-progress"] * 4 + ["completed"]
    assert {r.params["CallSid"] for r in result.requests} == {first.params["CallSid"]}


def test_gather_answers_strip_the_finish_key_like_twilio(transport, signed):
    result = run_call(transport, ["1", "1", "12345#", "2"], options=signed)
    answers = [(r.url, r.params["Digits"], r.params["FinishedOnKey"]) for r in result.requests if "Digits" in r.params]
    assert answers == [
        ("http://localhost/voice/step?node=choose_language", "1", ""),
        ("http://localhost/voice/step?node=main_menu", "1", ""),
        ("http://localhost/voice/step?node=order_number", "12345", "#"),
        ("http://localhost/voice/step?node=anything_else", "2", ""),
    ]


def test_transfer_nobody_answers_plays_agents_busy_then_goodbye(transport, signed):
    result = run_call(transport, ["2", "0"], options=replace(signed, dial_status="no-answer"))
    assert result.said_texts[-3:] == [AGENT_EN, BUSY_EN, GOODBYE_EN]
    assert "☎ dial +18005550199 (30 s) -> no-answer" in result.lines
    dial = next(r for r in result.requests if "DialCallStatus" in r.params)
    assert dial.url == "http://localhost/voice/dial?node=agent"
    assert (dial.params["DialCallStatus"], dial.params["DialCallDuration"], dial.params["DialBridged"]) == (
        "no-answer", "0", "false")
    assert re.fullmatch(r"CA[0-9a-f]{32}", dial.params["DialCallSid"])


def test_answered_transfer_ends_with_goodbye_without_busy_message(transport, signed):
    result = run_call(transport, ["2", "0"], options=signed)
    assert result.said_texts[-2:] == [AGENT_EN, GOODBYE_EN]
    assert "☎ dial +18005550199 (30 s) -> completed" in result.lines
    assert BUSY_EN not in result.said_texts


def test_three_invalid_keys_transfer_the_caller_to_an_agent(transport, signed):
    result = run_call(transport, ["1", "7", "7", "7"], options=signed)
    assert result.said_texts[2:] == [MENU_KO, INVALID_KO, MENU_KO, INVALID_KO, MENU_KO, AGENT_KO, GOODBYE_KO]
    assert result.lines.count("⌨ caller presses 7") == 3
    assert "☎ dial +18005550199 (30 s) -> completed" in result.lines


def test_no_input_falls_through_to_the_redirect_and_replays_the_menu(transport, signed):
    result = run_call(transport, ["1", "", "2"], options=signed)
    at = result.lines.index("⌛ no input (5 s)")
    assert result.lines[at + 1:at + 4] == ["↪ redirect /voice/step?node=main_menu", f"🔊 [ko-KR] {NO_INPUT_KO}",
                                           f"🔊 [ko-KR] {MENU_KO}"]
    redirect = result.requests[2]
    assert redirect.url == "http://localhost/voice/step?node=main_menu"
    assert "Digits" not in redirect.params


def test_caller_hangs_up_when_the_script_runs_out_and_the_call_still_completes(transport, signed):
    result = run_call(transport, ["2"], options=signed)
    assert result.lines[-2] == "☎ caller hangs up (the script ran out)"
    assert (result.ended_normally, result.end_reason) == (True, "caller hung up")
    assert result.requests[-1].params["CallStatus"] == "completed"

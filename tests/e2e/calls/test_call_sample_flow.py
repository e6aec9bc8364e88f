"""The sample flow (flows/main.yaml) called end to end in-process through the simulator, every request signed,
at an open hour: language choice, the main menu, an order looked up, transfers, wrong and missing keys."""
from __future__ import annotations

import re
from dataclasses import replace

from sample import (AGENT_EN, AGENT_KO, ANYTHING_ELSE_EN, ANYTHING_ELSE_KO, BUSY_EN, GOODBYE_EN, GOODBYE_KO,
                    GREETING, IN_TRANSIT, IN_TRANSIT_EN, IN_TRANSIT_KO, INVALID_KO, LANGUAGE_INVALID_KO,
                    LANGUAGE_PROMPT, MENU_EN, MENU_KO, NO_INPUT_KO, ORDER_EN, ORDER_KO, SHORT_MENU_KO, VIP_CALLER,
                    VIP_EN)

from floor import staffed  # noqa: F401  (fixture)

from ivr.sim import run_call

LANGUAGE_ACTION = "http://localhost/voice/step?node=choose_language%2Fchoose"


def test_korean_caller_hears_the_order_in_transit_and_goodbye(transport, signed):
    result = run_call(transport, ["1", "1", f"{IN_TRANSIT}#", "2"], options=signed)
    assert result.error is None
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, MENU_KO, ORDER_KO, IN_TRANSIT_KO, ANYTHING_ELSE_KO,
                                 GOODBYE_KO]
    assert result.lines[:4] == [f"🔊 [ko-KR] {GREETING}", f"🔊 [ko-KR] {LANGUAGE_PROMPT}", "⌨ caller presses 1",
                                f"🔊 [ko-KR] {MENU_KO}"]
    assert "⌨ caller presses 1000#" in result.lines
    assert result.lines[-2:] == ["☎ hangup", f"✔ status callback completed ({result.duration_s} s) -> HTTP 204"]
    assert (result.ended_normally, result.end_reason) == (True, "hangup")


def test_english_caller_hears_the_order_in_transit_and_goodbye(transport, signed):
    result = run_call(transport, ["2", "1", f"{IN_TRANSIT}#", "2"], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, MENU_EN, ORDER_EN, IN_TRANSIT_EN, ANYTHING_ELSE_EN,
                                 GOODBYE_EN]
    assert f"🔊 [en-US] {IN_TRANSIT_EN}" in result.lines
    assert (result.ended_normally, result.end_reason) == (True, "hangup")


def test_vip_caller_is_thanked_before_the_main_menu(transport, signed):
    result = run_call(transport, ["2"], options=replace(signed, from_number=VIP_CALLER))
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, VIP_EN, MENU_EN]


def test_other_callers_are_not_greeted_as_vips(transport, signed):
    result = run_call(transport, ["2"], options=signed)
    assert VIP_EN not in result.said_texts
    assert result.said_texts[-1] == MENU_EN


def test_no_language_choice_carries_on_in_korean_after_two_silences(transport, signed):
    result = run_call(transport, ["", ""], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, LANGUAGE_PROMPT, MENU_KO]
    assert result.lines.count("⌛ no input (4 s)") == 2


def test_wrong_language_key_is_told_then_the_choice_asked_again(transport, signed):
    result = run_call(transport, ["7", "2"], options=signed)
    assert result.said_texts == [GREETING, LANGUAGE_PROMPT, LANGUAGE_INVALID_KO, LANGUAGE_PROMPT, MENU_EN]


def test_requests_carry_twilios_parameters_ringing_first_then_in_progress(transport, signed):
    result = run_call(transport, ["1", "1", f"{IN_TRANSIT}#", "2"], options=signed)
    first, *rest = result.requests
    assert re.fullmatch(r"CA[0-9a-f]{32}", first.params["CallSid"])
    assert re.fullmatch(r"AC[0-9a-f]{32}", first.params["AccountSid"])
    assert {k: first.params[k] for k in ("From", "Caller", "To", "Called", "Direction", "ApiVersion", "CallStatus")} == {
        "From": "+821012345678", "Caller": "+821012345678", "To": "+18005550100", "Called": "+18005550100",
        "Direction": "inbound", "ApiVersion": "2010-04-01", "CallStatus": "ringing"}
    assert [r.params["CallStatus"] for r in rest] == ["in-progress"] * 4 + ["completed"]
    assert {r.params["CallSid"] for r in result.requests} == {first.params["CallSid"]}


def test_gather_answers_strip_the_finish_key_like_twilio(transport, signed):
    result = run_call(transport, ["1", "1", f"{IN_TRANSIT}#", "2"], options=signed)
    answers = [(r.url, r.params["Digits"], r.params["FinishedOnKey"]) for r in result.requests if "Digits" in r.params]
    assert answers == [
        (LANGUAGE_ACTION, "1", ""),
        ("http://localhost/voice/step?node=main_menu", "1", ""),
        ("http://localhost/voice/step?node=order_number", IN_TRANSIT, "#"),
        ("http://localhost/voice/step?node=anything_else", "2", ""),
    ]


def test_agents_who_never_answer_leave_the_caller_waiting_until_a_message_is_offered(transport, signed, staffed, clock):
    result = run_call(transport, ["2", "0", "2"], options=replace(signed, dial_status="no-answer"), wait_for=clock.advance)
    assert AGENT_EN in result.said_texts and result.said_texts[-2:] == [BUSY_EN, GOODBYE_EN]
    assert "☎ dial client:asmith (20 s) -> no-answer" in result.lines
    missed = [line for line in result.lines if line.startswith("☎ dial ") and line.endswith("(20 s) -> no-answer")]
    assert len(missed) == 4  # every English speaker rang once and was marked missed; then general's max wait
    dial = next(r for r in result.requests if "DialCallStatus" in r.params)
    assert dial.url == "http://localhost/voice/queue/dialed?node=agent"
    assert (dial.params["DialCallStatus"], dial.params["DialCallDuration"], dial.params["DialBridged"]) == (
        "no-answer", "0", "false")
    assert re.fullmatch(r"CA[0-9a-f]{32}", dial.params["DialCallSid"])


def test_three_invalid_keys_transfer_the_caller_to_an_agent(transport, signed, staffed):
    result = run_call(transport, ["1", "7", "7", "7"], options=signed)
    assert result.said_texts[2:6] == [MENU_KO, INVALID_KO, SHORT_MENU_KO, INVALID_KO]
    assert result.said_texts[6:8] == [SHORT_MENU_KO, AGENT_KO]
    assert result.lines.count("⌨ caller presses 7") == 3
    assert "☎ dial client:choi (20 s) -> completed" in result.lines
    assert "🎧 client:choi hears: general" in result.lines


def test_no_input_falls_through_to_the_redirect_and_replays_the_short_menu(transport, signed):
    result = run_call(transport, ["1", "", "2"], options=signed)
    at = result.lines.index("⌛ no input (5 s)")
    assert result.lines[at + 1:at + 4] == ["↪ redirect http://localhost/voice/step?node=main_menu", f"🔊 [ko-KR] {NO_INPUT_KO}",
                                           f"🔊 [ko-KR] {SHORT_MENU_KO}"]
    redirect = result.requests[2]
    assert redirect.url == "http://localhost/voice/step?node=main_menu"
    assert "Digits" not in redirect.params


def test_caller_hangs_up_when_the_script_runs_out_and_the_call_still_completes(transport, signed):
    result = run_call(transport, ["2"], options=signed)
    assert result.lines[-2] == "☎ caller hangs up (the script ran out)"
    assert (result.ended_normally, result.end_reason) == (True, "caller hung up")
    assert result.requests[-1].params["CallStatus"] == "completed"

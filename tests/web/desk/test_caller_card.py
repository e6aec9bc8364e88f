"""The caller card through the app: a Korean caller's order and path, masked secrets, a hostile transcript kept as
data, refusal for other agents; on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from ivr.desk.errors import NotYourCall, UnknownCall

from desk_calls import NUMBER


def test_an_offered_agent_sees_the_order_the_path_and_why_they_were_chosen(desk, clock):
    assert desk.status("kim", "available").status_code == 200
    sid, entry = desk.korean_order_to_billing()
    clock.advance(7)
    desk.offered(sid, entry)
    state = desk.service.state("kim")
    assert state["agent"]["status"] == "reserved" and state["agent"]["may_change"] is False
    assert state["agent"]["why_not"]["code"] == "ringing"
    offer = state["offer"]
    assert (offer["entry_id"], offer["call_sid"], offer["status"]) == (entry, sid, "offered")
    card = offer["card"]
    assert (card["number"], card["language"], card["queue"], card["priority"], card["waited_s"]) == (NUMBER, "ko", "billing", 0, 7.0)
    assert card["entered"] == [{"name": "order_number", "value": "12345", "sensitive": False}]
    assert card["variables"]["order_number"] == "12345"
    stops = [(s["node"], [(i["type"], i.get("digits") or i.get("language"), i.get("to")) for i in s["inputs"]])
             for s in card["path"]]
    assert stops == [
        ("choose_language/choose", [("keys", "1", "choose_language/done"), ("language", "ko", "choose_language/done")]),
        ("main_menu", [("keys", "1", "order_number")]),
        ("order_number", [("keys", "12345", "order_lookup")]),
        ("anything_else", [("keys", "1", "main_menu")]),
        ("main_menu", [("keys", "2", "recording_notice")]),  # told the agent's call is recorded, then billing
        ("billing", [("queued", None, None)]),
    ]
    assert card["why"]["rule"] == "highest_skill" and card["why"]["chosen"] == "kim"
    assert [c["agent"] for c in card["why"]["candidates"]] == ["kim"]
    assert card["history"] == [] and card["wrap_up"] is None
    assert [d["code"] for d in state["dispositions"]] == ["resolved", "follow_up", "complaint", "refund"]
    assert state["dispositions"][0]["labels"] == {"ko": "해결됨", "en": "Resolved"}
    assert desk.service.caller_card(sid, "kim") == card


def test_another_agent_and_an_unknown_call_are_refused(desk, clock):
    desk.status("kim", "available")
    sid, entry = desk.korean_order_to_billing()
    desk.offered(sid, entry)
    with pytest.raises(NotYourCall):
        desk.service.caller_card(sid, "lee")
    with pytest.raises(UnknownCall):
        desk.service.caller_card("CA" + "0" * 32, "kim")
    assert desk.service.state("lee")["offer"] is None


def test_what_the_caller_said_is_kept_as_plain_text_with_its_confidence(desk, clock):
    desk.status("kim", "available")
    said = '<script>alert("x")</script> 요금'
    sid, entry = desk.korean_order_to_billing(say=(said, 0.42))
    desk.offered(sid, entry)
    card = desk.service.caller_card(sid, "kim")
    assert [(s["node"], s["transcript"], s["confidence"]) for s in card["speech"]] == [("main_menu", said, 0.42)]
    spoken = [i for stop in card["path"] for i in stop["inputs"] if i["type"] == "speech"]
    assert [(i["transcript"], i["confidence"]) for i in spoken] == [(said, 0.42)]
    body = desk.api.get(f"/api/calls/{sid}").get_json()
    assert said in [e["detail"].get("transcript") for e in body["events"]]

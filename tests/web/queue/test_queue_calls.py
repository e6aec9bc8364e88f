"""A caller through the sample flow into a queue and to an agent, by signed webhooks, on SQLite and PostgreSQL."""
from __future__ import annotations

from helpers import said, verbs

ENTRY_PATH = "http://localhost/voice/queue/wait?entry="  # every TwiML URL is absolute


def entry_of(root) -> int:
    return int(root.find("Enqueue").attrib["waitUrl"].removeprefix(ENTRY_PATH))


def test_enqueue_waits_then_leaves_for_the_agent_who_hears_a_whisper_and_the_wait_is_recorded(calls, clock):
    assert calls.status("smith", "available").status_code == 200
    sid, root = calls.reach("2", order="12345")
    assert verbs(root)[-1] == "Enqueue"
    entry = entry_of(root)
    assert root.find("Enqueue").attrib == {"action": "http://localhost/voice/queue/left?node=billing", "method": "POST",
                                           "waitUrl": f"{ENTRY_PATH}{entry}", "waitUrlMethod": "POST"}
    assert root.find("Enqueue").text == "billing"
    clock.advance(4)
    assert verbs(calls.wait(sid, entry)) == ["Leave"]
    dial = calls.left(sid, "billing").find("Dial")
    assert dial.attrib == {"action": "http://localhost/voice/queue/dialed?node=billing", "method": "POST", "timeout": "20",
                           # the sample's billing records the agent leg (flows/queues.yaml record: agent_leg)
                           "record": "record-from-answer-dual",
                           "recordingStatusCallback": "http://localhost/voice/recording-status",
                           "recordingStatusCallbackMethod": "POST",
                           "recordingStatusCallbackEvent": "in-progress completed absent"}
    assert dial.find("Client").text == "asmith"
    assert dial.find("Client").attrib["url"] == f"http://localhost/voice/whisper?entry={entry}"
    clock.advance(6)
    assert said(calls.whisper(entry)) == ["billing, order 1 2 3 4 5"]
    assert calls.agent("smith").status == "busy"
    clock.advance(120)
    after = calls.dialed(sid, "billing", "completed", 120)
    assert after.find("Gather").attrib["action"] == "http://localhost/voice/step?node=survey"
    row = calls.entry(sid)
    assert (row.status, row.outcome, row.agent_id, row.wait_seconds, row.handle_seconds) == ("completed", "answered", "smith", 10, 120)
    assert calls.agent("smith").status == "wrap_up"
    why = calls.assignments()[0].why
    assert why["rule"] == "highest_skill" and why["chosen"] == "smith"
    listed = calls.api.get(f"/api/queues/billing/assignments?call_sid={sid}").get_json()["assignments"]
    assert [(a["agent"], a["outcome"], a["rule"], a["why"]["chosen"]) for a in listed] == [
        ("smith", "answered", "highest_skill", "smith")]
    assert calls.api.get("/api/queues/nowhere/assignments").status_code == 404
    clock.advance(31)
    calls.services.queues.tick()
    assert calls.agent("smith").status == "available"


def test_stats_and_the_abandoned_list_show_what_happened(calls, clock):
    calls.status("smith", "available")
    sid, root = calls.reach("2")
    entry = entry_of(root)
    calls.wait(sid, entry)
    calls.left(sid, "billing")
    clock.advance(8)
    calls.whisper(entry)
    clock.advance(60)
    calls.dialed(sid, "billing", "completed", 60)
    gone, root = calls.reach("2")
    clock.advance(45)
    calls.hang_up(gone)
    stats = calls.api.get("/api/queues/billing/stats").get_json()
    assert {k: stats[k] for k in ("offered", "answered", "abandoned", "waiting", "avg_wait_seconds", "longest_wait_seconds")} == \
        {"offered": 2, "answered": 1, "abandoned": 1, "waiting": 0, "avg_wait_seconds": 8.0, "longest_wait_seconds": 45.0}
    assert stats["service_level"] == 0.5 and stats["agents_available"] == 0 and stats["erlang_c"]["agents"] == 1
    abandoned = calls.api.get("/api/queues/billing/abandoned").get_json()["abandoned"]
    assert [(a["number"], a["wait_seconds"]) for a in abandoned] == [("+821012345678", 45.0)]
    assert calls.entry(gone).outcome == "abandoned"


def test_korean_caller_alone_in_line_hears_it_is_next_with_the_estimate_and_waits_for_a_korean_speaker(calls, clock):
    calls.status("kim", "available")
    first, root = calls.reach("2", language="1")
    calls.wait(first, entry_of(root))  # kim is offered the first caller
    second, root = calls.reach("2", language="1")
    heard = said(calls.wait(second, entry_of(root)))
    assert heard == ["다음 순서입니다.", "예상 대기 시간은 약 4분입니다.",
                     "잠시만 기다려 주십시오. 곧 요금 상담원을 연결해 드리겠습니다.",
                     "대기 순서를 유지한 채 전화를 다시 받으시려면 1번을 누르세요."]  # billing offers callbacks
    assert calls.entry(second).estimate_announced_s == 210
    calls.status("smith", "available")  # speaks no Korean
    assert verbs(calls.wait(second, entry_of(root))) == ["Pause"]
    assert calls.entry(second).status == "waiting"


def test_english_caller_hears_english_news(calls, clock):
    sid, root = calls.reach("3")
    heard = said(calls.wait(sid, entry_of(root)))
    assert heard == ["You are next in line.", "Connecting you to technical support. Please hold."]


def test_callers_hear_how_many_are_ahead_of_them_in_their_language(calls, clock):
    heard = []
    for language in ("2", "1", "2"):  # English, Korean, English into support; nobody is available
        sid, root = calls.reach("3", language=language)
        heard.append(said(calls.wait(sid, entry_of(root)))[0])
        clock.advance(1)
    assert heard == ["You are next in line.", "고객님 앞에 1명이 기다리고 있습니다.", "There are 2 callers ahead of you."]


def test_an_agent_who_does_not_answer_is_missed_and_the_caller_goes_first_to_the_next(calls, clock):
    calls.status("smith", "available")
    sid, root = calls.reach("2")
    entry = entry_of(root)
    calls.wait(sid, entry)
    calls.left(sid, "billing")
    clock.advance(20)
    again = calls.dialed(sid, "billing", "no-answer")
    assert verbs(again) == ["Enqueue"] and entry_of(again) == entry
    assert calls.agent("smith").status == "missed" and calls.entry(sid).status == "waiting"
    calls.status("kim", "available")
    assert verbs(calls.wait(sid, entry)) == ["Leave"]
    assert calls.left(sid, "billing").find("Dial/Client").text == "kim"
    calls.whisper(entry)
    calls.dialed(sid, "billing", "completed", 30)
    row = calls.entry(sid)
    assert (row.outcome, row.offers, row.missed) == ("missed-then-answered", 2, 1)
    assert [a.outcome for a in calls.assignments()] == ["missed", "answered"]


def test_an_offer_nobody_picks_up_times_out_from_the_rows(calls, clock):
    calls.status("smith", "available")
    sid, root = calls.reach("2")
    calls.services.queues.route_now()
    assert calls.entry(sid).status == "offered"
    assert verbs(calls.wait(sid, entry_of(root))) == ["Leave"]  # the caller comes for the offer ...
    calls.left(sid, "billing")  # ... and rings the agent, whose Dial callback never arrives
    clock.advance(20 + 25 + 1)
    calls.services.queues.tick()
    assert calls.entry(sid).status == "waiting" and calls.agent("smith").status == "missed"


def test_past_the_max_wait_billing_overflows_to_general_then_to_the_flows_overflow(calls, clock):
    sid, root = calls.reach("2")
    entry = entry_of(root)
    clock.advance(301)
    calls.wait(sid, entry)
    assert (calls.entry(sid).queue, calls.entry(sid).status) == ("general", "waiting")
    clock.advance(301)
    assert verbs(calls.wait(sid, entry)) == ["Leave"]
    busy = calls.left(sid, "billing")
    assert busy.find("Gather").attrib["action"] == "http://localhost/voice/step?node=agents_busy"
    row = calls.entry(sid)
    assert (row.status, row.outcome, row.first_queue, row.wait_seconds) == ("overflowed", "overflowed", "billing", 602)


def test_hanging_up_while_waiting_is_abandoned_and_frees_a_reserved_agent(calls, clock):
    calls.status("smith", "available")
    sid, root = calls.reach("2")
    calls.services.queues.route_now()
    clock.advance(3)
    calls.left(sid, "billing", result="hangup")
    assert calls.entry(sid).outcome == "abandoned"
    assert calls.agent("smith").status == "available"
    assert calls.assignments()[0].outcome == "withdrawn"


def test_a_restart_while_callers_wait_loses_nobody(calls, clock, queue_settings):
    from helpers import TwilioClient
    from ivr.web import create_app
    from queue_calls import QueueCalls

    sid, root = calls.reach("3")
    entry = entry_of(root)
    calls.wait(sid, entry)
    calls.services.engine.dispose()
    restarted = create_app(queue_settings, clock)
    try:
        again = QueueCalls(restarted, TwilioClient(restarted.test_client()), clock)
        again.status("park", "available")
        assert verbs(again.wait(sid, entry)) == ["Leave"]
        assert again.left(sid, "support").find("Dial/Number").text == "+821012345678"
    finally:
        restarted.extensions["ivr"].engine.dispose()


def test_with_rest_credentials_the_waiting_call_is_redirected_at_once(queue_settings, clock):
    from fakes import FakeTwilio
    from helpers import TwilioClient
    from ivr.web import create_app
    from queue_calls import QueueCalls

    fake = FakeTwilio("https://ivr.example")
    app = create_app(queue_settings, clock, fake)
    try:
        calls = QueueCalls(app, TwilioClient(app.test_client()), clock)
        sid, root = calls.reach("2")
        calls.status("smith", "available")
        assert fake.redirects == [(sid, "https://ivr.example/voice/queue/left?node=billing")]
        assert calls.left(sid, "billing", result="redirected").find("Dial/Client").text == "asmith"
    finally:
        app.extensions["ivr"].engine.dispose()


def test_queue_announcements_and_the_whisper_play_from_the_prompt_cache(calls, clock, tmp_path):
    from speech.audio import Audio
    from speech.prompt_cache import PromptCache

    class Synth:
        said: dict = {}

        def render(self, text, voice):
            self.said[text] = voice
            return Audio(b"\x00\x01" * 400, 8000)

    calls.services.speech.cache = PromptCache(tmp_path / "prompts", Synth(), b"k" * 32)
    calls.status("smith", "available")
    sid, root = calls.reach("2", order="12345")
    entry = entry_of(root)
    clock.advance(4)
    assert [el.tag for el in calls.wait(sid, entry)] == ["Leave"]
    calls.left(sid, "billing")
    clock.advance(6)
    whisper = calls.whisper(entry)
    assert [el.tag for el in whisper] == ["Play"] and whisper.find("Play").text.startswith("http://localhost/prompts/")
    cache = calls.services.speech.cache
    voice = cache.synthesizer.said["billing, order 1 2 3 4 5"]
    assert whisper.find("Play").text == f"http://localhost/prompts/{cache.path_for('billing, order 1 2 3 4 5', voice).name}"

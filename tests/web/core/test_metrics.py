"""GET /metrics: webhook counts and latency, fallbacks, speech and prompts, the live floor from the database,
and who may read it. Counters are per process, so each test compares a scrape after with one before."""
from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import FakeTwilio
from helpers import TwilioClient, new_call_sid, twilio_params, twiml
from metrics_scrape import scrape, value

from callqueue.timer_lease import TimerLease
from callqueue.worker import run_forever
from ivr.flow.instructions import Listen
from ivr.speech_service import SpeechService, heard
from ivr.web import create_app
from speech import Alternative, Transcript
from speech.audio import Audio
from speech.prompt_cache import PromptCache

MENU = Listen("ko", (("delivery", ("배송 조회",)), ("billing", ("요금 문의",))))


def spoken(text: str) -> Transcript:
    """One alternative, or several split by '|' sharing the n-best evenly."""
    texts = text.split("|")
    return Transcript(texts[0], 1 / len(texts), tuple(Alternative(t, 1 / len(texts)) for t in texts))


class FakeRecognizer:
    def __init__(self, transcript: Transcript):
        self.transcript = transcript

    def transcribe(self, audio, grammar=None):
        return self.transcript


class FakeSynthesizer:
    def render(self, text, voice):
        return Audio(b"\x00\x01" * 800, 8000)


def down(settings, clock, tmp_path):
    """An app whose SQLite file cannot be opened: a plain file stands where its folder should be."""
    (tmp_path / "x").write_text("not a folder")
    return create_app(replace(settings, database_url=f"sqlite:///{tmp_path}/x/ivr.sqlite3"), clock)


def test_a_webhook_counts_its_route_status_and_latency(app, twilio):
    client = app.test_client()
    before = scrape(client)
    twiml(twilio.start(new_call_sid()))
    after = scrape(client)
    for name, labels in [("ivr_webhook_requests_total", {"route": "/voice", "status": "200"}),
                         ("ivr_webhook_seconds_count", {"route": "/voice"}),
                         ("ivr_webhook_seconds_bucket", {"route": "/voice", "le": "+Inf"})]:
        assert value(after, name, **labels) - value(before, name, **labels) == 1, name
    assert value(after, "ivr_webhook_seconds_sum", route="/voice") > value(before, "ivr_webhook_seconds_sum", route="/voice")
    assert value(after, "ivr_webhooks_in_progress") == 0


def test_a_step_webhook_is_counted_by_its_route_not_its_query_string(app, twilio):
    client, sid = app.test_client(), new_call_sid()
    twilio.start(sid)
    before = scrape(client)
    twilio.press(sid, "choose_language/choose", "2")
    after = scrape(client)
    assert value(after, "ivr_webhook_requests_total", route="/voice/step", status="200") - \
        value(before, "ivr_webhook_requests_total", route="/voice/step", status="200") == 1


def test_a_forged_webhook_is_counted_with_its_403(app, twilio):
    client = app.test_client()
    before = scrape(client)
    assert twilio.post("/voice", twilio_params(new_call_sid()), signature="Zm9yZ2Vk").status_code == 403
    after = scrape(client)
    labels = {"route": "/voice", "status": "403"}
    assert value(after, "ivr_webhook_requests_total", **labels) - value(before, "ivr_webhook_requests_total", **labels) == 1


def test_every_fallback_answer_is_counted_a_bad_webhook_and_a_fault_alike(settings, clock, tmp_path):
    broken = down(settings, clock, tmp_path)
    twilio, client = TwilioClient(broken.test_client()), broken.test_client()
    before = scrape(client)
    assert twilio.post("/voice", twilio_params("not-a-call-sid")).status_code == 400
    assert twiml(twilio.start(new_call_sid())) is not None  # the database cannot be opened: apology, status 200
    after = scrape(client)
    assert value(after, "ivr_fallback_answers_total", route="/voice") - value(before, "ivr_fallback_answers_total",
                                                                               route="/voice") == 2


def test_a_database_that_is_down_is_reported_as_a_gauge_and_the_scrape_still_answers(settings, clock, tmp_path):
    found = scrape(down(settings, clock, tmp_path).test_client())
    assert value(found, "ivr_database_up") == 0
    assert ("ivr_calls_in_progress", ()) not in found
    assert ("ivr_speech_recognitions_total", (("outcome", "sure"),)) in found  # the process's counters still come


def test_the_database_is_up_and_calls_in_progress_are_counted_until_their_final_status(app, twilio):
    client, sid = app.test_client(), new_call_sid()
    assert value(scrape(client), "ivr_database_up") == 1
    twilio.start(sid)
    assert value(scrape(client), "ivr_calls_in_progress") == 1
    twilio.post("/voice/status", twilio_params(sid, CallStatus="completed", CallDuration="12"))
    assert value(scrape(client), "ivr_calls_in_progress") == 0


def test_a_caller_in_a_queue_shows_as_waiting_with_the_age_of_the_oldest_wait(app, twilio, clock):
    client, sid = app.test_client(), new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    twilio.press(sid, "main_menu", "0")
    clock.advance(45)
    found = scrape(client)
    assert value(found, "ivr_queue_callers_waiting", queue="general") == 1
    assert value(found, "ivr_queue_callers_waiting", queue="billing") == 0
    assert value(found, "ivr_queue_oldest_wait_seconds", queue="general") == 45
    assert value(found, "ivr_queue_service_level_seconds", queue="general") == 20


def test_agents_are_counted_by_state_every_state_present(app, api):
    client = app.test_client()
    before = scrape(client)
    agent = api.get("/api/agents").get_json()["agents"][0]["id"]
    assert api.post(f"/api/agents/{agent}/status", json={"status": "available"}).status_code == 200
    after = scrape(client)
    assert value(after, "ivr_agents", state="available") == value(before, "ivr_agents", state="available") + 1
    assert value(after, "ivr_agents", state="offline") == value(before, "ivr_agents", state="offline") - 1
    assert {labels for name, labels in after if name == "ivr_agents"} >= {(("state", s),) for s in
                                                                          ("busy", "wrap_up", "missed", "reserved")}


@pytest.mark.parametrize("said, outcome", [("배송 조회", "sure"), ("배송 조회|요금 문의", "confirm"), ("delivery status", "no_match")])
def test_each_recognition_is_counted_by_its_outcome(app, said, outcome):
    client = app.test_client()
    before = scrape(client)
    SpeechService(recognizers={"ko": FakeRecognizer(spoken(said))}).hear(MENU, lambda r, grammar: r.transcribe(None))
    after = scrape(client)
    moved = {o: value(after, "ivr_speech_recognitions_total", outcome=o) -
             value(before, "ivr_speech_recognitions_total", outcome=o) for o in ("sure", "confirm", "no_match", "bad_audio")}
    assert moved == {o: (1 if o == outcome else 0) for o in moved}


def test_a_recording_that_is_not_audio_counts_as_bad_audio(app):
    client = app.test_client()
    before = scrape(client)
    speech = SpeechService(recognizers={"ko": FakeRecognizer(spoken("배송 조회"))}, fetcher=FakeTwilio(media={"https://api.twilio.com/RE1": b"not a wav"}))
    assert speech.hear_recording("https://api.twilio.com/RE1", MENU).option is None
    after = scrape(client)
    assert value(after, "ivr_speech_recognitions_total", outcome="bad_audio") - \
        value(before, "ivr_speech_recognitions_total", outcome="bad_audio") == 1


def test_the_media_stream_path_counts_through_the_same_heard(app):
    client = app.test_client()
    before = scrape(client)
    heard(spoken("요금 문의"), MENU.as_dict())
    assert value(scrape(client), "ivr_speech_recognitions_total", outcome="sure") - \
        value(before, "ivr_speech_recognitions_total", outcome="sure") == 1


def test_a_prompt_is_rendered_once_then_played_from_the_cache(app, tmp_path):
    client = app.test_client()
    speech = SpeechService(cache=PromptCache(tmp_path / "prompts", FakeSynthesizer(), b"k" * 32))
    before = scrape(client)
    first, again = speech.prompt_path("배송 조회는 1번", "ko"), speech.prompt_path("배송 조회는 1번", "ko")
    after = scrape(client)
    assert first == again
    assert value(after, "ivr_prompt_renders_total") - value(before, "ivr_prompt_renders_total") == 1
    assert value(after, "ivr_prompt_cache_hits_total") - value(before, "ivr_prompt_cache_hits_total") == 1


def test_a_timer_pass_records_when_it_ran_on_the_services_clock(app, clock):
    services = app.extensions["ivr"]
    assert ("ivr_timer_last_pass_timestamp_seconds", ()) not in scrape(app.test_client())  # no loop has run yet
    lease = TimerLease(services.uow, clock, "test-host:1")
    run_forever(services.queues, interval_s=0, passes=1, lease=lease)
    assert value(scrape(app.test_client()), "ivr_timer_last_pass_timestamp_seconds") == clock.now().timestamp()


def test_metrics_need_the_api_token(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer api-token"}).status_code == 200


def test_metrics_open_lets_a_scraper_in_without_the_token(settings, clock):
    opened = create_app(replace(settings, metrics_open=True), clock)
    assert opened.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_without_an_api_token_only_this_machine_may_read_the_metrics(settings, clock):
    unset = create_app(replace(settings, api_token=""), clock).test_client()
    assert unset.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 401
    assert unset.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200

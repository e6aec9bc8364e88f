"""The bootstrap builds one outbound Twilio adapter and hands that same one to everyone who talks to Twilio; those who
redirect live calls get it only when REST can reach Twilio (credentials and PUBLIC_BASE_URL), else webhooks do."""
from __future__ import annotations

from dataclasses import replace

from fakes import FakeTwilio

from ivr.outbound.twilio_rest import TwilioRest
from ivr.web import create_app

REST = {"twilio_account_sid": "AC" + "a" * 32, "public_base_url": "https://ivr.example"}


def users_of_twilio(app) -> list:
    services = app.extensions["ivr"]
    return [services.recording_pipeline.twilio, services.calls.recording.rest, services.speech.fetcher, services.queues.telephony.telephony,
            app.extensions["media_stream"]]


def test_with_rest_settings_one_adapter_serves_recordings_speech_the_queue_and_media_streams(settings, clock):
    app = create_app(replace(settings, **REST), clock)
    try:
        adapter = app.extensions["ivr"].twilio
        assert isinstance(adapter, TwilioRest) and adapter.rest_ready
        assert all(user is adapter for user in users_of_twilio(app))
    finally:
        app.extensions["ivr"].engine.dispose()


def test_without_rest_settings_downloads_still_go_through_the_adapter_and_nobody_redirects(app):
    services = app.extensions["ivr"]
    assert services.twilio.rest_ready is False  # the test settings have a token but no account or public URL
    assert services.recording_pipeline.twilio is services.twilio and services.speech.fetcher is services.twilio
    assert (services.queues.telephony, app.extensions["media_stream"]) == (None, None)


def test_a_fake_passed_to_create_app_is_the_one_everyone_uses(settings, clock):
    fake = FakeTwilio()
    app = create_app(settings, clock, fake)
    try:
        assert all(user is fake for user in users_of_twilio(app))
    finally:
        app.extensions["ivr"].engine.dispose()

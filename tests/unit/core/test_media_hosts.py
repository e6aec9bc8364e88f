"""TWILIO_MEDIA_HOSTS: which URLs may be fetched (HTTPS to a listed host; plain HTTP only to a listed host:port), and
the settings that say where Twilio is, refused at start when they cannot be understood."""
from __future__ import annotations

import pytest

from ivr.config import Settings, SettingsError
from ivr.outbound.hosts import DEFAULT_MEDIA_HOSTS, MediaHosts

HOSTS = MediaHosts(["api.twilio.com", "media.twiliocdn.com", "127.0.0.1:8765", "[::1]:9000"])


@pytest.mark.parametrize("url", [
    "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1.wav",
    "https://API.Twilio.com:443/x.wav",
    "https://media.twiliocdn.com/AC0/abc?X-Amz-Signature=s",
    "http://127.0.0.1:8765/Recordings/RE1.wav",
    "https://127.0.0.1:8765/Recordings/RE1.wav",
    "http://[::1]:9000/r.wav",
])
def test_listed_hosts_are_allowed(url):
    assert HOSTS.refusal(url) == ""


@pytest.mark.parametrize("url, why", [
    ("http://api.twilio.com/x.wav", "api.twilio.com over http is not in TWILIO_MEDIA_HOSTS"),
    ("https://api.twilio.com:8443/x.wav", "api.twilio.com:8443 over https is not in TWILIO_MEDIA_HOSTS"),
    ("https://api.twilio.com.evil.example/x.wav", "api.twilio.com.evil.example over https is not in"),
    ("https://evil.example/api.twilio.com/x.wav", "evil.example over https is not in"),
    ("http://127.0.0.1/x.wav", "127.0.0.1 over http is not in"),
    ("http://127.0.0.1:8766/x.wav", "127.0.0.1:8766 over http is not in"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 over http is not in"),
    ("https://user:pw@api.twilio.com/x.wav", "credentials in the URL"),
    ("file:///etc/passwd", "not an http(s) URL"),
    ("/voice/speech", "not an http(s) URL"),
    ("https://api.twilio.com:99999/x", "not a URL"),
])
def test_everything_else_is_refused_with_a_reason(url, why):
    assert HOSTS.refusal(url).startswith(why)


def test_the_defaults_are_twilios_api_and_its_media_storage():
    settings = Settings.from_env({})
    assert settings.twilio_media_hosts == DEFAULT_MEDIA_HOSTS == ("api.twilio.com", "media.twiliocdn.com")
    assert settings.twilio_api_base_url == "https://api.twilio.com"


def test_the_settings_read_a_comma_separated_list_and_the_api_base_url():
    settings = Settings.from_env({"TWILIO_MEDIA_HOSTS": " API.twilio.com , 127.0.0.1:8765,",
                                  "TWILIO_API_BASE_URL": "http://127.0.0.1:8766/", "TWILIO_MEDIA_MAX_BYTES": "1000"})
    assert settings.twilio_media_hosts == ("api.twilio.com", "127.0.0.1:8765")
    assert (settings.twilio_api_base_url, settings.twilio_media_max_bytes) == ("http://127.0.0.1:8766", 1000)


@pytest.mark.parametrize("env, message", [
    ({"TWILIO_MEDIA_HOSTS": "https://api.twilio.com"}, "TWILIO_MEDIA_HOSTS: 'https://api.twilio.com' is not host"),
    ({"TWILIO_MEDIA_HOSTS": "api.twilio.com/x"}, "TWILIO_MEDIA_HOSTS: 'api.twilio.com/x' is not host"),
    ({"TWILIO_MEDIA_HOSTS": "127.0.0.1:http"}, "TWILIO_MEDIA_HOSTS: '127.0.0.1:http' is not host"),
    ({"TWILIO_API_BASE_URL": "api.twilio.com"}, "TWILIO_API_BASE_URL='api.twilio.com': use an http(s) URL"),
    ({"TWILIO_MEDIA_MAX_BYTES": "lots"}, "TWILIO_MEDIA_MAX_BYTES='lots': use a positive whole number"),
    ({"TWILIO_MEDIA_MAX_BYTES": "0"}, "TWILIO_MEDIA_MAX_BYTES='0'"),
])
def test_settings_that_cannot_be_understood_are_refused_at_start(env, message):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert str(raised.value).startswith(message)

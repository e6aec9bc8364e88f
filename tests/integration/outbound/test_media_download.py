"""Recording downloads reach only the hosts in TWILIO_MEDIA_HOSTS: a URL elsewhere, or a redirect there, is refused
before any connection; bodies over the size cap are refused; a 404 is tried again (Twilio may still be writing)."""
from __future__ import annotations

import logging

import pytest
from standin import Answer, Listener, StandIn

from ivr.outbound.hosts import MediaHosts
from ivr.outbound.media import MediaDownloader

AUTH = ("AC" + "a" * 32, "media-token")
WAV = b"RIFF" + b"\x01" * 2000
PATH = "/2010-04-01/Accounts/AC0/Recordings/RE1.wav"


def downloader(*hosts: str, max_bytes: int = 10_000, sleeps: list | None = None) -> MediaDownloader:
    return MediaDownloader(MediaHosts(hosts), AUTH, max_bytes=max_bytes,
                           sleep=(sleeps.append if sleeps is not None else lambda _s: None))


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


def test_a_loopback_url_not_listed_is_refused_without_any_connection(caplog):
    with Listener() as listener, caplog.at_level(logging.WARNING):
        assert downloader("api.twilio.com").download(f"{listener.url}{PATH}", tries=4) is None
        assert listener.connections() == 0
    assert f"127.0.0.1:{listener.port} over http is not in TWILIO_MEDIA_HOSTS" in caplog.text


def test_a_listed_host_is_fetched_with_the_accounts_credentials(standin):
    standin.routes[("GET", PATH)] = Answer(200, WAV, {"Content-Type": "audio/x-wav"})
    assert downloader(standin.host).download(standin.base_url + PATH) == WAV
    assert [(s.method, s.path, s.credentials) for s in standin.requests] == [("GET", PATH, ":".join(AUTH))]


def test_the_same_host_on_another_port_is_not_the_listed_one(standin):
    with Listener() as listener:
        assert downloader(standin.host).download(f"{listener.url}{PATH}") is None
        assert listener.connections() == 0


def test_a_redirect_to_a_host_not_listed_is_refused_without_connecting_there(standin):
    with Listener() as elsewhere:
        standin.routes[("GET", PATH)] = Answer(307, b"", {"Location": f"{elsewhere.url}/internal/admin"})
        assert downloader(standin.host).download(standin.base_url + PATH) is None
        assert elsewhere.connections() == 0
    assert [s.path for s in standin.requests] == [PATH]


def test_a_redirect_to_a_listed_host_is_followed_without_the_accounts_credentials(standin):
    with StandIn() as storage:
        storage.routes[("GET", "/signed/RE1")] = Answer(200, WAV)
        standin.routes[("GET", PATH)] = Answer(302, b"", {"Location": f"{storage.base_url}/signed/RE1?X-Amz-Signature=s"})
        assert downloader(standin.host, storage.host).download(standin.base_url + PATH) == WAV
        assert [(s.path, s.credentials) for s in storage.requests] == [("/signed/RE1?X-Amz-Signature=s", None)]
    assert standin.requests[0].credentials == ":".join(AUTH)


def test_a_redirect_loop_ends(standin):
    standin.routes[("GET", PATH)] = Answer(302, b"", {"Location": PATH})
    assert downloader(standin.host).download(standin.base_url + PATH) is None
    assert len(standin.requests) == 4  # the first request and three redirects


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "undeclared"])
def test_a_body_over_the_size_cap_is_refused(standin, chunked, caplog):
    standin.routes[("GET", PATH)] = Answer(200, b"\x00" * 10_001, chunked=chunked)
    assert downloader(standin.host, max_bytes=10_000).download(standin.base_url + PATH) is None
    assert ("declares more than" in caplog.text) is not chunked
    assert "more than 10000 bytes" in caplog.text


def test_a_chunked_body_under_the_size_cap_is_kept(standin):
    standin.routes[("GET", PATH)] = Answer(200, WAV, chunked=True)
    assert downloader(standin.host).download(standin.base_url + PATH) == WAV


def test_a_body_at_the_size_cap_is_kept(standin):
    standin.routes[("GET", PATH)] = Answer(200, b"\x01" * 10_000)
    assert downloader(standin.host, max_bytes=10_000).download(standin.base_url + PATH) == b"\x01" * 10_000


def test_a_404_is_tried_again_with_growing_pauses_then_given_up(standin):
    sleeps = []
    assert downloader(standin.host, sleeps=sleeps).download(standin.base_url + PATH, tries=3) is None
    assert len(standin.requests) == 3
    assert sleeps == pytest.approx([0.4, 0.8])


@pytest.mark.parametrize("status", [401, 500])
def test_other_errors_are_not_tried_again(standin, status):
    standin.routes[("GET", PATH)] = Answer(status, b"no")
    assert downloader(standin.host).download(standin.base_url + PATH, tries=4) is None
    assert len(standin.requests) == 1


def test_an_empty_body_is_no_audio(standin):
    standin.routes[("GET", PATH)] = Answer(200, b"")
    assert downloader(standin.host).download(standin.base_url + PATH) is None
